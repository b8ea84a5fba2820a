from django.core.management.base import BaseCommand, CommandError

from chat import evaluation

TARGET = 0.95


class Command(BaseCommand):
    help = (
        "Score FinBot's article search on the evaluation sets (teen-typed questions, English and Albanian) "
        "against the published articles: top-1 per set, off-topic questions answered, and every miss. "
        "Exit 1 below the target (top-1 ≥ 95 %, no off-topic question answered)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--language", choices=evaluation.LANGUAGES, help="Only this language's sets.")
        parser.add_argument("--no-holdout", action="store_true", help="Leave out the held-out sets.")
        parser.add_argument("--quiet", action="store_true", help="The table only, not the misses.")
        parser.add_argument("--target", type=float, default=TARGET, help="The top-1 share the main sets must reach.")
        parser.add_argument(
            "--max-off-topic", type=int, default=0, help="How many off-topic questions a main set may answer."
        )

    def handle(self, *args, **options):
        languages = [options["language"]] if options["language"] else list(evaluation.LANGUAGES)
        scores = [evaluation.evaluate(language) for language in languages]
        if not options["no_holdout"]:
            scores += [evaluation.evaluate(language, holdout=True) for language in languages]
        self.stdout.write(
            f"{'set':<11} {'questions':>9} {'top-1':>7} {'wrong':>6} {'unknown':>8} {'offered':>8} "
            f"{'off-topic answered':>18}"
        )
        for score in scores:
            self.stdout.write(
                f"{score.language + ' ' + score.name:<11} {score.questions:>9} {score.top1:>7.1%} {score.wrong:>6} "
                f"{score.unanswered:>8} {score.suggested:>8} {score.off_topic_answered:>11} of {score.off_topic:<3}"
            )
        self.stdout.write(
            "(unknown: FinBot said it does not know yet; offered: of those, the right article was among the "
            "two it offered instead)"
        )
        if not options["quiet"]:
            for score in scores:
                for miss in score.misses:
                    expected = miss.expected or "(off-topic: don't know)"
                    found = miss.found or "don't know"
                    self.stdout.write(
                        f"  {score.language} {score.name}: {miss.question!r}\n      wanted {expected}, got {found}"
                    )
        target = options["target"]
        allowed = options["max_off_topic"]
        failing = [s for s in scores if s.name == "main" and (s.top1 < target or s.off_topic_answered > allowed)]
        if failing:
            names = ", ".join(f"{s.language} {s.name}" for s in failing)
            raise CommandError(
                f"Below the target (top-1 ≥ {target:.0%}, at most {allowed} off-topic answered): {names}."
            )
        self.stdout.write(self.style.SUCCESS("FinBot meets the target on the main sets."))
