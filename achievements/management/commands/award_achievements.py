from django.core.management.base import BaseCommand

from accounts.models import User
from achievements import services


class Command(BaseCommand):
    help = "Award achievements learners already qualify for (after editors add or lower a rule)."

    def handle(self, *args, **options):
        awarded = 0
        for user in User.objects.filter(is_active=True).iterator():
            awarded += len(services.award_achievements(user=user).achievements)
        self.stdout.write(self.style.SUCCESS(f"{awarded} achievement(s) awarded."))
