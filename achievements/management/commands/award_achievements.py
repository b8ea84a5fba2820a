from django.core.management.base import BaseCommand

from accounts.models import User
from achievements import selectors, services


class Command(BaseCommand):
    help = "Award achievements learners already qualify for (after editors add or lower a rule)."

    def handle(self, *args, **options):
        # Only learners who meet a rule they do not hold yet; each is caught up in its own transaction.
        due = User.objects.filter(pk__in=selectors.learners_due_achievements(), is_active=True).order_by("pk")
        awarded = learners = 0
        for user in due.iterator():
            earned = len(services.award_achievements(user=user).achievements)
            awarded += earned
            learners += bool(earned)
        self.stdout.write(self.style.SUCCESS(f"{awarded} achievement(s) awarded to {learners} learner(s)."))
