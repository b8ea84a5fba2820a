import json

from django.core.management.base import BaseCommand

from core.content import export_content


class Command(BaseCommand):
    help = "Write all content as JSON (the format import_content reads) to stdout or --output."

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", help="File to write; stdout when omitted.")

    def handle(self, *args, output=None, **options):
        text = json.dumps(export_content(), indent=2, ensure_ascii=False, default=str)
        if output:
            with open(output, "w", encoding="utf-8") as handle:
                handle.write(text + "\n")
            self.stderr.write(f"Wrote {output}")
        else:
            self.stdout.write(text)
