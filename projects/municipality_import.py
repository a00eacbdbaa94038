"""Import of the official municipality directory (Gemeindeverzeichnis) from CSV."""

import csv
import io
from dataclasses import dataclass, field

from django.db import transaction

from projects.models import Municipality
from transfer_portal.lib.slugs import portal_slugify

KIND_NAMES = {
    "stadt": Municipality.Kind.CITY,
    "gemeinde": Municipality.Kind.MUNICIPALITY,
    "amt": Municipality.Kind.AMT,
    "landkreis": Municipality.Kind.DISTRICT,
    "kreis": Municipality.Kind.DISTRICT,
    "kreisfreie stadt": Municipality.Kind.DISTRICT_FREE_CITY,
    "kreisfreie_stadt": Municipality.Kind.DISTRICT_FREE_CITY,
}
HEADER_NAMES = {
    "ags": "ags",
    "gemeindeschlüssel": "ags",
    "amtlicher gemeindeschlüssel": "ags",
    "name": "name",
    "gemeindename": "name",
    "kind": "kind",
    "art": "kind",
    "typ": "kind",
    "district": "district",
    "kreis": "district",
    "landkreis": "district",
}
COLUMNS = ["ags", "name", "kind", "district"]


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    rejected: list[tuple[int, str]] = field(default_factory=list)


def decode(raw: bytes) -> str:
    """UTF-8 (with or without BOM) if it decodes, else Windows-1252 as exported by Excel."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252")


def read_rows(text: str):
    """Yield (line number, row dict) from semicolon- or comma-separated text."""
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    rows = list(reader)
    if not rows:
        return
    header = [HEADER_NAMES.get(cell.strip().lower()) for cell in rows[0]]
    if "ags" in header and "name" in header:
        columns, start = header, 1
    else:
        columns, start = COLUMNS, 0
    for number, row in enumerate(rows[start:], start=start + 1):
        if not any(cell.strip() for cell in row):
            continue
        yield (
            number,
            {column: cell.strip() for column, cell in zip(columns, row, strict=False) if column},
        )


def _district_key(name: str) -> str:
    name = name.strip()
    for prefix in ("Landkreis ", "LK ", "Kreis "):
        if name.startswith(prefix):
            name = name[len(prefix) :]
    return name.lower()


def _unique_slug(name: str, kind: str, ags: str) -> str:
    slug = portal_slugify(name) or ags
    if Municipality.objects.filter(slug=slug).exists():
        slug = portal_slugify(f"{name} {kind}")
    if Municipality.objects.filter(slug=slug).exists():
        slug = portal_slugify(f"{name} {ags}")
    return slug


@transaction.atomic
def import_municipalities(raw: bytes) -> ImportReport:
    report = ImportReport()
    rows = list(read_rows(decode(raw)))
    # Districts first, so that municipalities further down can refer to them.
    rows.sort(key=lambda item: KIND_NAMES.get(item[1].get("kind", "").lower()) != "landkreis")
    for number, row in rows:
        error = _import_row(row, report)
        if error:
            report.rejected.append((number, error))
    report.rejected.sort()
    return report


def _import_row(row, report):
    ags = row.get("ags", "")
    name = row.get("name", "")
    kind = KIND_NAMES.get(row.get("kind", "").lower())
    if not (len(ags) == 8 and ags.isdigit()):
        return f"AGS {ags!r} hat nicht genau 8 Ziffern"
    if not name:
        return "Name fehlt"
    if len(name) > Municipality._meta.get_field("name").max_length:
        return "Name ist zu lang"
    if kind is None:
        return f"unbekannte Art {row.get('kind', '')!r}"
    district = None
    district_name = row.get("district", "")
    if kind not in (Municipality.Kind.DISTRICT, Municipality.Kind.DISTRICT_FREE_CITY):
        districts = Municipality.objects.filter(kind=Municipality.Kind.DISTRICT)
        if district_name:
            key = _district_key(district_name)
            district = next((d for d in districts if d.name.lower() == key), None)
            if district is None:
                return f"unbekannter Landkreis {district_name!r}"
        else:
            district = districts.filter(ags=ags[:5] + "000").first()

    municipality = Municipality.objects.filter(ags=ags).first()
    if municipality is None:
        municipality = Municipality.objects.filter(name=name, kind=kind, ags__isnull=True).first()
    if municipality is None:
        Municipality.objects.create(
            ags=ags,
            name=name,
            kind=kind,
            district=district,
            slug=_unique_slug(name, kind, ags),
        )
        report.created.append(name)
        return None
    changes = {"ags": ags, "name": name, "kind": kind, "district": district}
    changed = {key: value for key, value in changes.items() if getattr(municipality, key) != value}
    if changed:
        for key, value in changed.items():
            setattr(municipality, key, value)
        municipality.save()
        report.updated.append(name)
    else:
        report.unchanged.append(name)
    return None
