from datetime import timedelta

import redis
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from achievements import leaderboards


class Command(BaseCommand):
    help = (
        "The scheduler's minute: fold the score counts behind the database's ranks; rebuild the Redis "
        "leaderboards when they are not marked ready, else re-read every learner who earned XP recently."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--window", type=int, default=int(leaderboards.HEAL_WINDOW.total_seconds() // 60), metavar="MINUTES"
        )

    def handle(self, *args, **options):
        if options["window"] < 1:
            raise CommandError("--window is a whole number of minutes, at least 1.")
        folded = leaderboards.fold_score_changes()
        self.stdout.write(f"Database boards: {folded} score change(s) folded into the counts.")
        if not settings.REDIS_URL:
            self.stdout.write(
                "REDIS_URL is not set: leaderboards are read from the database; nothing to heal in Redis."
            )
            return
        try:
            healed = leaderboards.heal(window=timedelta(minutes=options["window"]))
        except redis.RedisError as error:
            raise CommandError(f"Redis is unreachable, nothing was healed: {error}") from error
        if healed.rebuilt:
            self.stdout.write(f"Leaderboards rebuilt: {healed.learners} learner(s) on the all-time board.")
        else:
            self.stdout.write(f"Leaderboards healed: {healed.learners} recent earner(s) re-read from the ledger.")
