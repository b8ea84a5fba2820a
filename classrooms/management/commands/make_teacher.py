from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from accounts.selectors import TEACHERS


class Command(BaseCommand):
    help = "Add a user to the Teachers group, so they can run classes."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, **options):
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"No user named {options['username']!r}.")
        group, _ = Group.objects.get_or_create(name=TEACHERS)
        user.groups.add(group)
        self.stdout.write(self.style.SUCCESS(f"{user.username} is a teacher now."))
