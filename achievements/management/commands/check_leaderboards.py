import redis
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from achievements import leaderboards


class Command(BaseCommand):
    help = "Compare the Redis leaderboards with the database's (XP per learner, both periods); exit 1 on a difference."

    def handle(self, *args, **options):
        if not settings.REDIS_URL:
            self.stdout.write("REDIS_URL is not set: leaderboards are read from the database; nothing to compare.")
            return
        try:
            found = leaderboards.differences()
        except redis.RedisError as error:
            raise CommandError(f"Redis is unreachable: {error}") from error
        if found:
            for line in found[:50]:
                self.stderr.write(line)
            raise CommandError(f"{len(found)} difference(s) between the Redis leaderboards and the database.")
        self.stdout.write(self.style.SUCCESS("Leaderboards: Redis and the database agree."))
