from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from surveys import exports
from surveys.models import Survey


class Command(BaseCommand):
    help = (
        "Write all responses of a survey to a file: CSV (UTF-8), CSV for German Excel "
        "(semicolons, BOM) or XLSX; one row per response, one column per question."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="The survey's slug, e.g. kommunalumfrage-2022")
        parser.add_argument("--format", choices=list(exports.KINDS), default="xlsx")
        parser.add_argument("--output", type=Path, help="File to write; default: its own name.")

    def handle(self, *args, slug, format, output, **options):
        survey = Survey.objects.filter(slug=slug).first()
        if survey is None:
            raise CommandError(f"Keine Umfrage mit dem Kurznamen „{slug}“.")
        content, filename, _content_type = exports.render(survey, format)
        path = output or Path(filename)
        path.write_bytes(content)
        self.stdout.write(self.style.SUCCESS(f"Antworten geschrieben nach {path}"))
