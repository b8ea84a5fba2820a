from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from modeltranslation.admin import TabbedTranslationAdmin, TranslationStackedInline, TranslationTabularInline

from core.admin import ReadOnlyAdminMixin

from . import selectors
from .models import Attempt, Choice, Game, Question, QuestStep
from .validation import choice_problems


class ChoiceFormSet(BaseInlineFormSet):
    """Refuses a question whose choices do not fit its kind (e.g. no correct choice)."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        kept = [f.cleaned_data for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        problems = choice_problems(self.instance.kind, [bool(c.get("is_correct")) for c in kept])
        if problems:
            raise ValidationError(problems)


class ChoiceInline(TranslationTabularInline):
    model = Choice
    formset = ChoiceFormSet
    extra = 0
    min_num = 0
    fields = ["position", "text", "is_correct"]


@admin.register(Question)
class QuestionAdmin(TabbedTranslationAdmin):
    list_display = ["prompt", "game", "kind", "position"]
    list_filter = ["kind", "game"]
    search_fields = ["prompt", "game__title"]
    inlines = [ChoiceInline]
    autocomplete_fields = ["game"]


class QuestionInline(TranslationStackedInline):
    model = Question
    extra = 0
    fields = ["position", "prompt", "kind", "explanation", "answer_value", "tolerance"]
    show_change_link = True  # choices are edited on the question's own page


class QuestStepInline(admin.TabularInline):
    model = QuestStep
    extra = 0
    max_num = 1


@admin.register(Game)
class GameAdmin(TabbedTranslationAdmin):
    list_display = ["title", "type", "category", "difficulty", "quest_position", "is_published", "players", "pass_rate"]
    list_filter = ["type", "category", "difficulty", "is_published", "scoring"]
    list_editable = ["is_published"]
    search_fields = ["title", "slug", "description"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [QuestStepInline, QuestionInline]

    def get_queryset(self, request):
        # Correlated counts: joining attempts and players at once would multiply rows.
        return selectors.completion_stats().select_related("quest_step")

    @admin.display(description="Quest #", ordering="quest_step__position")
    def quest_position(self, game):
        step = getattr(game, "quest_step", None) if game.is_quest else None
        return step.position if step else "—"

    @admin.display(description="Completed by", ordering="n_completed")
    def players(self, game):
        return game.n_completed

    @admin.display(description="Pass rate")
    def pass_rate(self, game):
        return f"{round(100 * game.n_passed / game.n_finished)}%" if game.n_finished else "—"


@admin.register(QuestStep)
class QuestStepAdmin(admin.ModelAdmin):
    list_display = ["position", "game"]
    list_editable = ["game"]
    ordering = ["position"]
    autocomplete_fields = ["game"]


@admin.register(Attempt)
class AttemptAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["user", "game", "score", "passed", "started_at", "finished_at"]
    list_filter = ["passed", "game"]
    search_fields = ["user__username", "game__title"]
    list_select_related = ["user", "game"]
    allow_delete = True
