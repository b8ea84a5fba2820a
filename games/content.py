"""Games in content files, with their questions, choices and quest position (see core.content)."""

from typing import cast

from django.core.exceptions import ValidationError
from django.db.models import Prefetch

from core.content import ContentKind, Problems

from . import validation
from .models import Choice, Game, Question, QuestStep

QUESTION_KEYS = {"prompt", "prompt_sq", "kind", "explanation", "explanation_sq", "answer_value", "tolerance", "choices"}
CHOICE_KEYS = {"text", "text_sq", "correct"}
PARKED = 1_000_000
CHOICE_TEXT_MAX_LENGTH = cast(int, Choice._meta.get_field("text").max_length)  # a CharField always has one


class GameKind(ContentKind):
    key = "games"
    model = Game
    required = ("slug", "title", "type", "category")
    fields = {
        name: name
        for name in (
            "slug",
            "title",
            "description",
            "icon",
            "type",
            "category",
            "difficulty",
            "xp_reward",
            "coin_reward",
            "pass_score",
            "scoring",
            "min_play_seconds",
            "is_published",
        )
    }
    translated = ("title", "description")
    extra_keys = ("quest_position", "questions")

    def check(self, items, problems: Problems):
        checked = super().check(items, problems)
        # Positions must be unique across the file and against quests the file leaves alone.
        file_slugs = {item.get("slug") for item, _ in checked}
        taken: dict[int, str | None] = dict(
            QuestStep.objects.exclude(game__slug__in=file_slugs).values_list("position", "game__slug")
        )
        for item, _ in checked:
            position = item.get("quest_position")
            if not isinstance(position, int):
                continue  # missing or malformed: check_extra names the problem
            other = taken.get(position)
            if other:
                problems.add(f"games[{item.get('slug')}].quest_position", f"position {position} is taken by {other}")
            taken[position] = item.get("slug")
        return checked

    def check_extra(self, item, instance, where, problems):
        if instance.pk is None and "is_published" not in item:
            # A file is a release: a new game in it is published unless it says otherwise
            # (the admin's "Add game" starts a draft instead). The publishing rule applies.
            instance.is_published = True
        position = item.get("quest_position")
        if item.get("type") == Game.Type.QUEST and position is None:
            problems.add(f"{where}.quest_position", "a quest needs its position on the storyline")
        if position is not None and (not isinstance(position, int) or position < 1):
            problems.add(f"{where}.quest_position", "must be a whole number from 1")
        if position is not None and item.get("type") != Game.Type.QUEST:
            problems.add(f"{where}.quest_position", "only quests have a storyline position")
        questions = item.get("questions", [])
        if not isinstance(questions, list):
            problems.add(f"{where}.questions", "must be a list")
            return
        drafts = [
            self._check_question(question, f"{where}.questions[{i}]", problems) for i, question in enumerate(questions)
        ]
        if instance.is_published:
            # The admin's rule, word for word: a published game must be answerable.
            for problem in validation.publish_problems(scoring=instance.scoring, questions=drafts):
                at = where if problem.question is None else f"{where}.questions[{problem.question}]"
                problems.add(f"{at}.{problem.field}", problem.message)

    def _check_question(self, data, where, problems) -> validation.QuestionDraft | None:
        """Check one question's shape; returns it for the publishing rule (None when malformed)."""
        if not isinstance(data, dict):
            problems.add(where, "must be an object")
            return None
        for name in sorted(set(data) - QUESTION_KEYS):
            problems.add(f"{where}.{name}", "unknown field")
        choices = data.get("choices", [])
        if not isinstance(choices, list) or not all(isinstance(c, dict) for c in choices):
            problems.add(f"{where}.choices", "must be a list of {text, correct} objects")
            return None
        for c_index, choice in enumerate(choices):
            for name in sorted(set(choice) - CHOICE_KEYS):
                problems.add(f"{where}.choices[{c_index}].{name}", "unknown field")
            if not str(choice.get("text", "")).strip():
                problems.add(f"{where}.choices[{c_index}].text (English)", "this field is required")
            for key, language in (("text", "English"), ("text_sq", "Albanian")):
                if len(str(choice.get(key) or "")) > CHOICE_TEXT_MAX_LENGTH:
                    problems.add(
                        f"{where}.choices[{c_index}].{key} ({language})", f"at most {CHOICE_TEXT_MAX_LENGTH} characters"
                    )
            if not isinstance(choice.get("correct", False), bool):
                problems.add(f"{where}.choices[{c_index}].correct", "must be true or false")
        question = Question(**{k: v for k, v in data.items() if k in QUESTION_KEYS - {"choices"}})
        try:
            question.full_clean(exclude=["game"])
        except ValidationError as error:
            problems.add_validation(where, error)
            return None
        return validation.QuestionDraft(
            question.prompt, question.kind, question.answer_value, tuple(bool(c.get("correct")) for c in choices)
        )

    def write_extra(self, item, game) -> bool:
        changed = self._write_position(game, item.get("quest_position"))
        if "questions" in item:
            wanted = [self._question_json(q) for q in item["questions"]]
            if wanted != self._current_questions(game):
                # Questions have no slug: a changed set is replaced whole (attempts keep their answers JSON).
                game.questions.all().delete()
                for position, data in enumerate(item["questions"], start=1):
                    question = Question.objects.create(
                        game=game,
                        position=position,
                        **{k: v for k, v in data.items() if k in QUESTION_KEYS - {"choices"}},
                    )
                    Choice.objects.bulk_create(
                        Choice(
                            question=question,
                            position=i,
                            text=c["text"],
                            text_sq=c.get("text_sq") or None,
                            is_correct=bool(c.get("correct")),
                        )
                        for i, c in enumerate(data.get("choices", []), start=1)
                    )
                changed = True
        return changed

    def _write_position(self, game, position) -> bool:
        step = QuestStep.objects.filter(game=game).first()
        if position is None:
            if step:
                step.delete()
                return True
            return False
        if step and step.position == position:
            return False
        # A quest later in this file may still hold the position (a reorder): park it out of the
        # way; its own item moves it to its new place.
        QuestStep.objects.filter(position=position).exclude(game=game).update(position=position + PARKED)
        QuestStep.objects.update_or_create(game=game, defaults={"position": position})
        return True

    @staticmethod
    def _question_json(data) -> dict:
        question = Question(**{k: v for k, v in data.items() if k in QUESTION_KEYS - {"choices"}})
        return {
            "prompt": question.prompt,
            "prompt_sq": getattr(question, "prompt_sq", None) or None,  # modeltranslation's field
            "kind": question.kind,
            "explanation": question.explanation,
            "explanation_sq": getattr(question, "explanation_sq", None) or None,
            "answer_value": question.answer_value,
            "tolerance": question.tolerance,
            "choices": [
                {"text": c["text"], "text_sq": c.get("text_sq") or None, "correct": bool(c.get("correct"))}
                for c in data.get("choices", [])
            ],
        }

    def _current_questions(self, game) -> list[dict]:
        return [self._stored_question(q) for q in game.questions.prefetch_related("choices")]

    @staticmethod
    def _stored_question(question) -> dict:
        """A stored question as `_question_json` shapes one from the file, to see whether it changed."""
        return {
            "prompt": question.prompt,
            "prompt_sq": getattr(question, "prompt_sq", None) or None,  # modeltranslation's field
            "kind": question.kind,
            "explanation": question.explanation,
            "explanation_sq": getattr(question, "explanation_sq", None) or None,
            "answer_value": question.answer_value,
            "tolerance": question.tolerance,
            "choices": [
                {"text": c.text, "text_sq": c.text_sq or None, "correct": c.is_correct} for c in question.choices.all()
            ],
        }

    @classmethod
    def _export_question(cls, question) -> dict:
        # The file leaves out Albanian texts not written yet (they fall back to English).
        data = {key: value for key, value in cls._stored_question(question).items() if value is not None}
        data["choices"] = [{k: v for k, v in c.items() if v is not None} for c in data["choices"]]
        return data

    def export_queryset(self):
        questions = Question.objects.prefetch_related("choices")
        return (
            Game.objects.select_related("quest_step")
            .prefetch_related(Prefetch("questions", queryset=questions))
            .order_by("slug")
        )

    def export_extra(self, game) -> dict:
        step = getattr(game, "quest_step", None) if game.is_quest else None
        return {
            "quest_position": step.position if step else None,
            "questions": [self._export_question(q) for q in game.questions.all()],
        }


KINDS = [GameKind()]
