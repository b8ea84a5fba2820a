from django import forms
from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedTranslationAdmin

from core.admin import LabelledChangelistMixin, ReadOnlyAdminMixin, WordListField

from . import selectors, services
from .models import SavedVideo, Video, VideoLike, VideoView

TAGS_HELP = _("Comma-separated, e.g. saving, interest.")


class VideoForm(forms.ModelForm):
    tags_en = WordListField(label=_("Tags [en]"), required=False, help_text=TAGS_HELP)
    tags_sq = WordListField(label=_("Tags [sq]"), required=False, help_text=TAGS_HELP)

    class Meta:
        model = Video
        fields = [
            "title",
            "slug",
            "description",
            "category",
            "tags",
            "is_published",
            "file",
            "url",
            "duration_seconds",
            "xp_reward",
            "thumbnail_file",
            "thumbnail",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # An upload box is drawn in a fieldset whose legend no screen reader ties to the input.
        for name in ("file", "thumbnail_file"):
            if name in self.fields:
                self.fields[name].widget.attrs.setdefault("aria-label", str(self.fields[name].label))


def _preview(src: str, *, height: int):
    if not src:
        return "—"
    return format_html('<img src="{}" alt="" style="height:{}px;border-radius:6px;object-fit:cover">', src, height)


@admin.register(Video)
class VideoAdmin(LabelledChangelistMixin, TabbedTranslationAdmin):
    form = VideoForm
    list_display = [
        "thumbnail_preview",
        "title",
        "category",
        "duration_seconds",
        "xp_reward",
        "is_published",
        "views",
        "completions",
        "likes",
        "saves",
    ]
    list_display_links = ["thumbnail_preview", "title"]
    list_filter = ["is_published", "category"]
    list_editable = ["is_published"]
    search_fields = ["title", "slug", "description"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["thumbnail_preview_large", "source_link", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "description", "category", "tags", "is_published"]}),
        (
            _("Video"),
            {
                "description": _("Upload a file, or give an address. An uploaded file wins."),
                "fields": ["file", "url", "source_link", "duration_seconds", "xp_reward"],
            },
        ),
        (_("Thumbnail"), {"fields": ["thumbnail_file", "thumbnail", "thumbnail_preview_large"]}),
        (_("History"), {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]

    def get_queryset(self, request):
        return selectors.with_counts(super().get_queryset(request))

    @admin.display(description=_("Thumbnail"))
    def thumbnail_preview(self, video):
        return _preview(video.poster, height=56)

    @admin.display(description=_("Preview"))
    def thumbnail_preview_large(self, video):
        return _preview(video.poster, height=200)

    @admin.display(description=_("Plays from"))
    def source_link(self, video):
        return (
            format_html('<a href="{0}" target="_blank" rel="noopener">{0}</a>', video.source) if video.source else "—"
        )

    @admin.display(description=_("Views"), ordering="view_count")
    def views(self, video):
        return video.view_count

    @admin.display(description=_("Completions"), ordering="completion_count")
    def completions(self, video):
        return video.completion_count

    @admin.display(description=_("Likes"), ordering="like_count")
    def likes(self, video):
        return video.like_count

    @admin.display(description=_("Saves"), ordering="save_count")
    def saves(self, video):
        return video.save_count


class LearnerRecordAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Learners' own records: editors may look, not change."""

    list_select_related = ["user", "video"]
    search_fields = ["user__username", "video__title"]
    allow_delete = True


@admin.register(VideoView)
class VideoViewAdmin(LearnerRecordAdmin):
    list_display = ["user", "video", "position_seconds", "first_seen_at", "completed_at"]
    list_filter = [("completed_at", admin.EmptyFieldListFilter), "video__category"]


@admin.register(SavedVideo)
class SavedVideoAdmin(LearnerRecordAdmin):
    list_display = ["user", "video", "created_at"]


@admin.register(VideoLike)
class VideoLikeAdmin(LearnerRecordAdmin):
    list_display = ["user", "video", "created_at"]

    # Through the service: each deleted like moves its video's kept counter.
    def delete_model(self, request, obj):
        services.remove_likes([obj])

    def delete_queryset(self, request, queryset):
        services.remove_likes(queryset)
