from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedTranslationAdmin

from core.admin import LabelledChangelistMixin, LineListField, ReadOnlyAdminMixin, WordListField

from . import services
from .models import Conversation, KnowledgeArticle, Message

TAGS_HELP = _("Words separated by commas, e.g. budgeting, saving.")
QUESTIONS_HELP = _("One per line: other ways a learner asks this (FinBot reads them with the title).")


class KnowledgeArticleForm(forms.ModelForm):
    tags_en = WordListField(label=_("Tags [en]"), required=False, help_text=TAGS_HELP)
    tags_sq = WordListField(label=_("Tags [sq]"), required=False, help_text=TAGS_HELP)
    questions_en = LineListField(label=_("Questions [en]"), required=False, help_text=QUESTIONS_HELP)
    questions_sq = LineListField(label=_("Questions [sq]"), required=False, help_text=QUESTIONS_HELP)

    class Meta:
        model = KnowledgeArticle
        fields = ["title", "slug", "body", "tags", "questions", "published"]
        widgets = {"body_en": forms.Textarea(attrs={"rows": 14}), "body_sq": forms.Textarea(attrs={"rows": 14})}


class TagFilter(admin.SimpleListFilter):
    title = _("tag")
    parameter_name = "tag"

    def lookups(self, request, model_admin):
        tags = sorted({tag for tags in KnowledgeArticle.objects.values_list("tags", flat=True) for tag in tags or []})
        return [(tag, tag) for tag in tags]

    def queryset(self, request, queryset):
        if self.value():
            # JSON text contains the quoted tag: works on PostgreSQL and SQLite alike.
            return queryset.filter(tags__icontains=f'"{self.value()}"')
        return queryset


@admin.register(KnowledgeArticle)
class KnowledgeArticleAdmin(LabelledChangelistMixin, TabbedTranslationAdmin):
    form = KnowledgeArticleForm
    list_display = ["title", "slug", "tag_list", "published", "updated_at"]
    list_filter = ["published", TagFilter]
    list_editable = ["published"]
    search_fields = ["title", "slug", "body"]
    prepopulated_fields = {"slug": ["title"]}
    actions = ["publish", "unpublish"]

    @admin.display(description=_("Tags"))
    def tag_list(self, article):
        return ", ".join(article.tags or [])

    @admin.action(description=_("Publish the selected articles"))
    def publish(self, request, queryset):
        services.set_published(articles=queryset, published=True)

    @admin.action(description=_("Unpublish the selected articles"))
    def unpublish(self, request, queryset):
        services.set_published(articles=queryset, published=False)


class MessageInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Message
    fields = ("created_at", "role", "content", "backend", "tokens", "status", "error", "flagged")
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Conversation)
class ConversationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Read-only, for support: what a learner asked and what FinBot answered (private data redacted)."""

    list_display = ["__str__", "user", "created_at", "updated_at"]
    list_select_related = ["user"]
    search_fields = ["title", "user__username"]
    date_hierarchy = "created_at"
    readonly_fields = ["user", "title", "created_at", "updated_at"]
    inlines = [MessageInline]
