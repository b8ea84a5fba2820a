import nested_admin
from adminsortable2.admin import SortableAdminMixin
from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedTranslationAdmin, TranslationInlineModelAdmin

from core.admin import LabelledChangelistMixin, LabelledInputsFormSetMixin, ReadOnlyAdminMixin
from core.errors import DomainError

from . import selectors, services, validation
from .models import Attempt, Choice, Game, Question, QuestStep


def _kept(formset) -> list[forms.Form]:
    """The forms of a valid formset that will be saved (not deleted, not an untouched extra form)."""
    return [f for f in formset.forms if getattr(f, "cleaned_data", None) and not f.cleaned_data.get("DELETE")]


def _refusal(lines: list[str]) -> ValidationError:
    lead = gettext("Not published: learners could not answer this game. Fix these, or untick “Is published”:")
    return ValidationError([lead, *lines])


class ChoiceFormSet(LabelledInputsFormSetMixin, nested_admin.NestedInlineFormSet):
    """On a question's own page: while its game is published, the question must stay answerable."""

    def clean(self):
        super().clean()
        # On the game page the questions' formset judges the whole game (choices included).
        if any(self.errors) or getattr(self, "is_nested", False):
            return
        question = self.instance
        if not (question.game_id and question.game.is_published):
            return
        draft = validation.QuestionDraft(
            question.prompt or "",
            question.kind,
            question.answer_value,
            tuple(bool(f.cleaned_data.get("is_correct")) for f in _kept(self)),
        )
        problems = validation.question_problems(0, draft)
        if problems:
            raise _refusal([problem.message for problem in problems])


class QuestionFormSet(nested_admin.NestedInlineFormSet):
    """On the game page: a game saved as published must be answerable, each question with its choices."""

    def clean(self):
        super().clean()
        game = self.instance
        if any(self.errors) or not game.is_published:
            return
        drafts: list[tuple[int, validation.QuestionDraft]] = []
        for form in _kept(self):
            flags: list[bool] = []
            for choices in getattr(form, "nested_formsets", []):
                if not choices.is_valid():
                    return  # the choices' own errors are shown; judge the game once they are fixed
                flags += [bool(f.cleaned_data.get("is_correct")) for f in _kept(choices)]
            data = form.cleaned_data
            prompt = data.get("prompt_en") or data.get("prompt") or ""
            draft = validation.QuestionDraft(prompt, data["kind"], data.get("answer_value"), tuple(flags))
            drafts.append((data.get("position") or 0, draft))
        ordered = [draft for _, draft in sorted(drafts, key=lambda pair: pair[0])]  # as learners meet them
        problems = validation.publish_problems(scoring=game.scoring, questions=ordered)
        if problems:
            raise _refusal(validation.describe(problems, ordered))


class ChoiceForm(forms.ModelForm):
    """A choice's two texts side by side in its row (language tabs cannot live in a table row
    that nested-admin adds on the fly)."""

    text_en = forms.CharField(label=_("Text (English)"), max_length=300)
    text_sq = forms.CharField(label=_("Text (Albanian)"), max_length=300, required=False)

    class Meta:
        model = Choice
        fields = ["position", "text_en", "text_sq", "is_correct"]


class ChoiceInline(nested_admin.SortableHiddenMixin, nested_admin.NestedTabularInline):
    model = Choice
    form = ChoiceForm
    formset = ChoiceFormSet
    extra = 0
    fields = ["position", "text_en", "text_sq", "is_correct"]
    sortable_field_name = "position"


class QuestionInline(nested_admin.SortableHiddenMixin, TranslationInlineModelAdmin, nested_admin.NestedStackedInline):
    model = Question
    formset = QuestionFormSet
    extra = 0
    fields = ["position", "prompt", "kind", "explanation", "answer_value", "tolerance"]
    sortable_field_name = "position"
    inlines = [ChoiceInline]


class QuestStepFormSet(LabelledInputsFormSetMixin, nested_admin.NestedInlineFormSet):
    pass


class QuestStepInline(nested_admin.NestedTabularInline):
    model = QuestStep
    formset = QuestStepFormSet
    extra = 0
    max_num = 1
    verbose_name = _("place on the quest line")
    verbose_name_plural = _("place on the quest line")


@admin.register(Question)
class QuestionAdmin(nested_admin.NestedModelAdminMixin, TabbedTranslationAdmin):
    list_display = ["prompt", "game", "kind", "position"]
    list_filter = ["kind", "game"]
    search_fields = ["prompt", "game__title"]
    inlines = [ChoiceInline]
    autocomplete_fields = ["game"]
    list_select_related = ["game"]

    # A published game keeps a question: deleting its last one is refused (unpublish it first).
    LAST_QUESTION = _("“%(game)s” is published and this is its last question: unpublish the game before deleting it.")

    def _is_last_of_published(self, question: Question) -> bool:
        game = question.game
        return game.is_published and game.scoring == Game.Scoring.SERVER and game.questions.count() == 1

    def delete_view(self, request, object_id, extra_context=None):
        question = self.get_object(request, object_id)
        if question is not None and self._is_last_of_published(question):
            self.message_user(request, self.LAST_QUESTION % {"game": question.game.title}, messages.ERROR)
            return redirect(reverse("admin:games_question_change", args=[question.pk]))
        return super().delete_view(request, object_id, extra_context)

    def delete_queryset(self, request, queryset):
        emptied = [
            game
            for game in Game.objects.filter(
                is_published=True, scoring=Game.Scoring.SERVER, questions__in=queryset
            ).distinct()
            if not game.questions.exclude(pk__in=queryset.values("pk")).exists()
        ]
        for game in emptied:
            self.message_user(request, self.LAST_QUESTION % {"game": game.title}, messages.ERROR)
        super().delete_queryset(request, queryset.exclude(game__in=emptied))


@admin.register(Game)
class GameAdmin(LabelledChangelistMixin, nested_admin.NestedModelAdminMixin, TabbedTranslationAdmin):
    list_display = [
        "title",
        "type",
        "category",
        "difficulty",
        "quest_position",
        "is_published",
        "players",
        "pass_rate",
        "preview_link",
    ]
    list_filter = ["type", "category", "difficulty", "is_published", "scoring"]
    list_editable = ["is_published"]
    search_fields = ["title", "slug", "description"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [QuestStepInline, QuestionInline]
    actions = ["publish", "unpublish"]

    def get_queryset(self, request):
        # Correlated counts: joining attempts and players at once would multiply rows.
        return selectors.completion_stats().select_related("quest_step")

    def view_on_site(self, obj):
        # Editors see the learner's page whether or not it is published or unlocked for them.
        return reverse("game-preview", args=[obj.slug])

    def get_changelist_form(self, request, **kwargs):
        base = super().get_changelist_form(request, **kwargs)

        class PublishInListForm(base):  # type: ignore[valid-type,misc]  # the admin makes it at run time
            def clean_is_published(self):
                wanted = self.cleaned_data["is_published"]
                if wanted and not self.instance.is_published:
                    refusals = services.publish_refusals(self.instance)
                    if refusals:
                        raise _refusal(refusals)
                return wanted

        return PublishInListForm

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        game = form.instance
        # The questions' formset refuses a broken published game; this catches a save that
        # came without it (an editor who may not change questions).
        if game.is_published:
            refusals = services.publish_refusals(game)
            if refusals:
                services.set_published(games=[game], published=False)
                self.message_user(request, " ".join([gettext("Saved as a draft."), *refusals]), messages.ERROR)

    @admin.action(description=_("Publish the selected games"), permissions=["change"])
    def publish(self, request, queryset):
        outcome = services.set_published(games=queryset, published=True)
        if outcome.changed:
            count = len(outcome.changed)
            text = ngettext("Published %(count)d game.", "Published %(count)d games.", count) % {"count": count}
            self.message_user(request, text, messages.SUCCESS)
        for game, refusals in outcome.refused.items():
            text = gettext("“%(game)s” was not published: %(problems)s") % {
                "game": game,
                "problems": " ".join(refusals),
            }
            self.message_user(request, text, messages.ERROR)

    @admin.action(description=_("Unpublish the selected games"), permissions=["change"])
    def unpublish(self, request, queryset):
        outcome = services.set_published(games=queryset, published=False)
        count = len(outcome.changed)
        text = ngettext("Unpublished %(count)d game.", "Unpublished %(count)d games.", count) % {"count": count}
        self.message_user(request, text, messages.SUCCESS)

    @admin.display(description=_("Quest #"), ordering="quest_step__position")
    def quest_position(self, game):
        step = getattr(game, "quest_step", None) if game.is_quest else None
        return step.position if step else "—"

    @admin.display(description=_("Completed by"), ordering="n_completed")
    def players(self, game):
        return game.n_completed

    @admin.display(description=_("Pass rate"))
    def pass_rate(self, game):
        return f"{round(100 * game.n_passed / game.n_finished)}%" if game.n_finished else "—"

    @admin.display(description=_("Preview"))
    def preview_link(self, game):
        return format_html(
            '<a href="{}" aria-label="{}">{}</a>',
            reverse("game-preview", args=[game.slug]),
            gettext("Preview “%(game)s” as a learner") % {"game": game},
            gettext("Preview"),
        )


@admin.register(QuestStep)
class QuestStepAdmin(SortableAdminMixin, admin.ModelAdmin):
    """The quest line in order: drag a row to move a quest; quest n opens once quest n−1 is done."""

    list_display = ["position", "number", "game", "published"]
    list_select_related = ["game"]
    ordering = ["position"]
    autocomplete_fields = ["game"]

    @admin.display(description=_("Position"))
    def number(self, step):
        return step.position

    @admin.display(description=_("Published"), boolean=True)
    def published(self, step):
        return step.game.is_published

    def _update_order(self, updated_items, extra_model_filters):
        # admin-sortable2 writes all rows in one bulk update, which a unique position refuses
        # mid-swap; the service parks the moved steps first.
        try:
            return services.reorder_quest_line(positions={int(pk): int(order) for pk, order in updated_items})
        except DomainError as error:
            raise ValueError(error.message) from error

    def get_max_order(self, request, obj=None):
        return QuestStep.objects.order_by("-position").values_list("position", flat=True).first() or 0


@admin.register(Attempt)
class AttemptAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["user", "game", "score", "passed", "started_at", "finished_at"]
    list_filter = ["passed", "game"]
    search_fields = ["user__username", "game__title"]
    list_select_related = ["user", "game"]
    allow_delete = True
