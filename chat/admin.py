from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedTranslationAdmin

from core.admin import LabelledChangelistMixin, LineListField, ReadOnlyAdminMixin, WordListField

from . import services
from .models import Conversation, KnowledgeArticle, Message, SafetyFlag, UnansweredQuestion

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


@admin.register(SafetyFlag)
class SafetyFlagAdmin(admin.ModelAdmin):
    """Messages that needed a person: the redacted words and why, never who. Editors mark them handled."""

    list_display = ["created_at", "reason", "short_text", "language", "handled"]
    list_filter = ["handled", "reason", "language"]
    date_hierarchy = "created_at"
    fields = ["created_at", "reason", "language", "text", "handled", "handled_at", "handled_by"]
    readonly_fields = ["created_at", "reason", "language", "text", "handled_at", "handled_by"]
    actions = ["mark_handled"]

    @admin.display(description=_("Message (private data removed)"))
    def short_text(self, flag):
        return flag.text[:120]

    def has_add_permission(self, request):
        return False  # made by FinBot only

    def has_delete_permission(self, request, obj=None):
        return False  # a record of care given, kept

    def save_model(self, request, obj, form, change):
        if "handled" in form.changed_data:
            services.set_handled(flags=SafetyFlag.objects.filter(pk=obj.pk), handled=obj.handled, by=request.user)
            obj.refresh_from_db()
            return
        super().save_model(request, obj, form, change)

    @admin.action(description=_("Mark the selected conversations handled"), permissions=["change"])
    def mark_handled(self, request, queryset):
        services.set_handled(flags=queryset, handled=True, by=request.user)


@admin.register(UnansweredQuestion)
class UnansweredQuestionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """What FinBot could not answer, counted per normalised question: the articles to write next."""

    list_display = ["text", "language", "count", "last_asked"]
    list_filter = ["language"]
    search_fields = ["text", "key"]
    ordering = ["-last_asked"]
    allow_delete = True  # once the missing article is written
