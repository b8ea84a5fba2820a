from django.core.management.base import BaseCommand, CommandError

from achievements.selectors import ledger_mismatches


class Command(BaseCommand):
    help = "Verify sum(ledger xp) == user.xp and sum(ledger coins) == user.coins >= 0 for every learner."

    def handle(self, *args, **options):
        bad = ledger_mismatches()
        if bad:
            for row in bad:
                self.stderr.write(
                    f"{row['username']} (id {row['id']}): xp {row['xp']} vs ledger {row['ledger_xp']}, "
                    f"coins {row['coins']} vs ledger {row['ledger_coins']}"
                )
            raise CommandError(f"{len(bad)} learner(s) disagree with the ledger.", returncode=1)
        self.stdout.write(self.style.SUCCESS("Ledger OK: every balance matches its entries."))
