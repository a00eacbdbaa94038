from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from projects.municipality_import import import_municipalities


class Command(BaseCommand):
    help = (
        "Import the official municipality directory from a CSV file (columns AGS, name, kind, "
        "district; semicolon or comma separated; UTF-8 or Windows-1252). Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument("csv_file", type=Path)

    def handle(self, *args, csv_file, **options):
        try:
            raw = csv_file.read_bytes()
        except OSError as error:
            raise CommandError(f"Datei kann nicht gelesen werden: {error}") from error
        report = import_municipalities(raw)
        self.stdout.write(
            f"Angelegt: {len(report.created)}, aktualisiert: {len(report.updated)}, "
            f"unverändert: {len(report.unchanged)}, abgelehnt: {len(report.rejected)}"
        )
        for line, reason in report.rejected:
            self.stdout.write(self.style.WARNING(f"  Zeile {line} abgelehnt: {reason}"))
