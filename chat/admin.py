from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.admin import ReadOnlyAdminMixin

from . import services
from .models import Conversation, KnowledgeArticle, Message


class TagsField(forms.CharField):
    """Tags typed as words separated by commas, stored as a JSON list."""

    def prepare_value(self, value):
        return ", ".join(value) if isinstance(value, list) else value

    def to_python(self, value):
        return list(dict.fromkeys(tag.strip().lower() for tag in (value or "").split(",") if tag.strip()))


class KnowledgeArticleForm(forms.ModelForm):
    tags = TagsField(required=False, help_text=_("Words separated by commas, e.g. budgeting, saving."))

    class Meta:
        model = KnowledgeArticle
        fields = ["title", "slug", "body", "tags", "published"]
        widgets = {"body": forms.Textarea(attrs={"rows": 14})}


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
class KnowledgeArticleAdmin(admin.ModelAdmin):
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
