from django import forms
from django.contrib import admin, messages
from django.shortcuts import redirect, render
from django.urls import path, reverse
from modeltranslation.admin import TabbedTranslationAdmin

from accounts.models import User
from core.admin import LabelledChangelistMixin, ReadOnlyAdminMixin

from . import services
from .models import (
    Achievement,
    DailyQuest,
    DailyQuestTemplate,
    LedgerEntry,
    Redemption,
    ShopItem,
    UserAchievement,
)


@admin.register(Achievement)
class AchievementAdmin(LabelledChangelistMixin, TabbedTranslationAdmin):
    list_display = ["icon", "title", "metric", "threshold", "xp_reward", "coin_reward", "is_secret", "is_active"]
    list_display_links = ["title"]
    list_filter = ["is_secret", "is_active"]
    list_editable = ["is_active"]
    search_fields = ["title", "slug", "metric"]
    prepopulated_fields = {"slug": ["title"]}


@admin.register(DailyQuestTemplate)
class DailyQuestTemplateAdmin(LabelledChangelistMixin, TabbedTranslationAdmin):
    list_display = ["title", "metric", "target", "xp_reward", "coin_reward", "active"]
    list_editable = ["active"]
    search_fields = ["title", "slug"]
    prepopulated_fields = {"slug": ["title"]}


@admin.register(ShopItem)
class ShopItemAdmin(LabelledChangelistMixin, TabbedTranslationAdmin):
    list_display = ["name", "kind", "cost_coins", "stock", "active"]
    list_editable = ["stock", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


class ReadOnlyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Records of what happened: never edited, never deleted by hand."""


@admin.register(Redemption)
class RedemptionAdmin(ReadOnlyAdmin):
    list_display = ["code", "item", "user", "coins", "created_at"]
    search_fields = ["code", "user__username"]
    list_filter = ["item"]
    list_select_related = ["item", "user"]


@admin.register(UserAchievement)
class UserAchievementAdmin(ReadOnlyAdmin):
    list_display = ["user", "achievement", "earned_at"]
    list_select_related = ["user", "achievement"]
    search_fields = ["user__username", "achievement__title"]


@admin.register(DailyQuest)
class DailyQuestAdmin(ReadOnlyAdmin):
    list_display = ["user", "date", "template", "progress", "completed_at"]
    list_select_related = ["user", "template"]
    list_filter = ["date"]


class AdjustmentForm(forms.Form):
    # A username box, not a select of every learner: the list would hold the whole user table.
    user = forms.CharField(label="Username", max_length=150)
    xp = forms.IntegerField(initial=0, label="XP (+/−)")
    coins = forms.IntegerField(initial=0, label="Coins (+/−)")
    note = forms.CharField(max_length=200, help_text="Why: it is shown in the learner's activity.")

    def clean_user(self):
        user = User.objects.filter(username=self.cleaned_data["user"].strip()).first()
        if user is None:
            raise forms.ValidationError("No learner with this username.")
        return user


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdmin):
    """The append-only ledger. A correction is a new 'adjustment' entry (button on the list)."""

    list_display = ["created_at", "user", "xp", "coins", "reason", "source_type", "source_id", "note"]
    list_filter = ["reason"]
    search_fields = ["user__username", "key", "note"]
    list_select_related = ["user"]
    date_hierarchy = "created_at"
    change_list_template = "admin/achievements/ledgerentry/change_list.html"

    def get_urls(self):
        return [
            path("adjust/", self.admin_site.admin_view(self.adjust_view), name="achievements_ledgerentry_adjust"),
            *super().get_urls(),
        ]

    def adjust_view(self, request):
        if not request.user.has_perm("achievements.add_ledgerentry"):
            messages.error(request, "You may not adjust balances.")
            return redirect(reverse("admin:achievements_ledgerentry_changelist"))
        form = AdjustmentForm(request.POST or None, initial={"user": request.GET.get("user", "")})
        if request.method == "POST" and form.is_valid():
            try:
                services.adjust(by=request.user, **form.cleaned_data)
            except services.DomainError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, "Adjustment recorded.")
                return redirect(reverse("admin:achievements_ledgerentry_changelist"))
        context = {**self.admin_site.each_context(request), "form": form, "title": "Adjust XP or coins"}
        return render(request, "admin/achievements/ledgerentry/adjust.html", context)
