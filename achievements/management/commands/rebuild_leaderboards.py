import redis
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from achievements import leaderboards


class Command(BaseCommand):
    help = (
        "Rewrite every piece of derived leaderboard state from the users' XP and the ledger: the database's "
        "boards (corrected in place, learner by learner, under the locks grants take) and the Redis sorted sets "
        "(built aside, then swapped in)."
    )

    def handle(self, *args, **options):
        try:
            # A rebuild of a big board takes seconds per round trip: not the request path's 0.5 s.
            count = leaderboards.rebuild_everything(timeout=60)
        except redis.RedisError as error:
            raise CommandError(
                f"Redis is unreachable, its sets were not rebuilt (the database's boards were): {error}"
            ) from error
        self.stdout.write(self.style.SUCCESS(f"Leaderboards rebuilt: {count} learner(s) on the all-time board."))
        if not settings.REDIS_URL:
            self.stdout.write(
                "REDIS_URL is not set: leaderboards are read from the database; nothing to rebuild in Redis."
            )
