import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from core.content import ContentError, import_content


class Command(BaseCommand):
    help = "Upsert content (games, videos, achievements, …) from a JSON file by slug, all or nothing."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="Check and count, then roll back: nothing changes.")

    def handle(self, *args, file: Path, **options):
        try:
            document = json.loads(file.read_text(encoding="utf-8"))
        except FileNotFoundError as error:
            raise CommandError(f"{file}: no such file") from error
        except json.JSONDecodeError as error:
            raise CommandError(f"{file}: not valid JSON ({error})") from error
        quiet = options["verbosity"] == 0

        def progress(total):
            return tqdm(total=total, desc=file.name, unit="item", disable=quiet, file=self.stderr._out)

        try:
            summary = import_content(document, progress=progress, dry_run=options["dry_run"])
        except ContentError as error:
            lines = "\n".join(f"  - {message}" for message in error.errors)
            raise CommandError(
                f"{file}: nothing was imported; fix these {len(error.errors)} problem(s):\n{lines}"
            ) from None
        if options["dry_run"]:
            self.stdout.write(f"{file}: dry run, nothing was changed; importing it would give:")
        for kind, counts in summary.items():
            self.stdout.write(
                f"{kind}: {counts['created']} created, {counts['updated']} updated, {counts['unchanged']} unchanged"
            )
