from django.core.management.base import BaseCommand

from core.idempotency import purge_expired


class Command(BaseCommand):
    help = "Drop Idempotency-Key records older than 24 hours (run it from the scheduler, hourly)."

    def handle(self, *args, **options):
        self.stdout.write(f"Dropped {purge_expired()} expired idempotency keys.")
