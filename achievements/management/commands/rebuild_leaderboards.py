import redis
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from achievements import leaderboards


class Command(BaseCommand):
    help = "Rewrite the Redis leaderboards (all-time and this week) from the database."

    def handle(self, *args, **options):
        if not settings.REDIS_URL:
            self.stdout.write("REDIS_URL is not set: leaderboards are read from the database; nothing to rebuild.")
            return
        try:
            # A rebuild of a big board takes seconds per round trip: not the request path's 0.5 s.
            count = leaderboards.rebuild(timeout=60)
        except redis.RedisError as error:
            raise CommandError(f"Redis is unreachable, nothing was rebuilt: {error}") from error
        self.stdout.write(self.style.SUCCESS(f"Leaderboards rebuilt: {count} learner(s) on the all-time board."))
