from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from projects.municipality_import import (
    BRANDENBURG,
    decode,
    import_gv100ad,
    import_municipalities,
    is_gv100ad,
)


class Command(BaseCommand):
    help = (
        "Import the official municipality directory: the GV100AD file of Destatis as it is "
        "published (fixed-width; Kreise, Ämter and Gemeinden of one Land with population), "
        "or a CSV file (columns AGS, name, kind, district; semicolon or comma separated; "
        "UTF-8 or Windows-1252). The format is recognised by the content. Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--land",
            default=BRANDENBURG,
            help="GV100AD: the Land's two-digit key (default 12, Brandenburg; 'alle' for all).",
        )

    def handle(self, *args, file, land, **options):
        try:
            raw = file.read_bytes()
        except OSError as error:
            raise CommandError(f"Datei kann nicht gelesen werden: {error}") from error
        if is_gv100ad(decode(raw)):
            if land != "alle" and not (len(land) == 2 and land.isdigit()):
                raise CommandError("--land braucht einen zweistelligen Schlüssel oder 'alle'.")
            report = import_gv100ad(raw, land=None if land == "alle" else land)
            source = "GV100AD"
        else:
            report = import_municipalities(raw)
            source = "CSV"
        self.stdout.write(f"Gelesen als {source}.")
        self.stdout.write(
            f"Angelegt: {len(report.created)}, aktualisiert: {len(report.updated)}, "
            f"unverändert: {len(report.unchanged)}, abgelehnt: {len(report.rejected)}"
        )
        for line, reason in report.rejected:
            self.stdout.write(self.style.WARNING(f"  Zeile {line} abgelehnt: {reason}"))
