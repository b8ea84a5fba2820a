from django.core.management.base import BaseCommand

from videos import services


class Command(BaseCommand):
    help = "Set every video's kept like counter from the like rows (after a bulk load, or to heal a drift)."

    def handle(self, *args, **options):
        fixed = services.recount_likes()
        self.stdout.write(f"Video like counters: {fixed} corrected.")
