"""Import of the official municipality directory (Gemeindeverzeichnis): the GV100AD file
as Destatis publishes it, or a CSV file."""

import csv
import io
import re
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

    return _save(report, {"ags": ags}, name=name, kind=kind, district=district)


# The official directory as Destatis publishes it: GV100AD, one record per line, fields at
# fixed positions (counted in characters, 1-based as in the record description).
GV100AD_RECORD = re.compile(r"^(10|20|30|40|50|60)\d{8}")
GV100AD_DISTRICT_KINDS = {
    "41": Municipality.Kind.DISTRICT_FREE_CITY,  # its Gemeinde record (61) is imported
    "43": Municipality.Kind.DISTRICT,
    "44": Municipality.Kind.DISTRICT,
}
GV100AD_MUNICIPALITY_KINDS = {
    "60": Municipality.Kind.MUNICIPALITY,  # Markt
    "61": Municipality.Kind.DISTRICT_FREE_CITY,
    "63": Municipality.Kind.CITY,
    "64": Municipality.Kind.MUNICIPALITY,
    "67": Municipality.Kind.CITY,  # Große Kreisstadt
}
GV100AD_AMT = "51"
BRANDENBURG = "12"


def _field(line, first, last):
    return line[first - 1 : last].strip()


def official_name(name):
    """ "Cottbus/Chóśebuz, Stadt" → "Cottbus/Chóśebuz": the directory adds the kind of
    place after a comma (Stadt, Landeshauptstadt, Hansestadt …), the portal shows the kind
    on its own."""
    return name.split(", ", 1)[0].strip()


def is_gv100ad(text):
    first = next((line for line in text.splitlines() if line.strip()), "")
    return bool(GV100AD_RECORD.match(first))


def read_gv100ad(text, land=BRANDENBURG):
    """(line number, record) for the Kreis (40), Gemeindeverband (50) and Gemeinde (60)
    records of one Land (None: all), each record a dict of its fields."""
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        kind = line[:2]
        if kind not in ("40", "50", "60"):
            continue
        if len(line) < 124:  # reported, whatever its Land: the file may be cut off
            yield number, {"record": kind, "line_length": len(line)}
            continue
        if land and _field(line, 11, 12) != land:
            continue
        record = {
            "record": kind,
            "name": official_name(_field(line, 23, 72)),
            "mark": _field(line, 123, 124),
            "line_length": len(line),
        }
        if kind == "40":
            record["key"] = _field(line, 11, 15)
        elif kind == "50":
            record["key"] = _field(line, 11, 15) + _field(line, 19, 22)
        else:
            record["ags"] = _field(line, 11, 18)
            record["association"] = _field(line, 11, 15) + _field(line, 19, 22)
            record["population"] = _field(line, 140, 150)
        yield number, record


@transaction.atomic
def import_gv100ad(raw: bytes, land=BRANDENBURG) -> ImportReport:
    """Import the Kreise, Ämter and Gemeinden of a GV100AD file, with population and the Amt
    each Gemeinde belongs to. Safe to run again."""
    report = ImportReport()
    records = list(read_gv100ad(decode(raw), land))
    # Kreise first, then Ämter, then the Gemeinden that refer to both.
    records.sort(key=lambda item: item[1]["record"])
    for number, record in records:
        if record["line_length"] < 124:
            report.rejected.append((number, "Zeile zu kurz für einen GV100AD-Datensatz"))
            continue
        handler = {"40": _gv_district, "50": _gv_association, "60": _gv_municipality}
        error = handler[record["record"]](record, report)
        if error:
            report.rejected.append((number, error))
    report.rejected.sort()
    return report


def _gv_district(record, report):
    kind = GV100AD_DISTRICT_KINDS.get(record["mark"])
    if kind is None:
        return f"unbekanntes Kreiskennzeichen {record['mark']!r}"
    if kind == Municipality.Kind.DISTRICT_FREE_CITY:
        return None  # the city itself comes as a Gemeinde record, with its population
    return _save(report, {"ags": record["key"] + "000"}, name=record["name"], kind=kind)


def _gv_association(record, report):
    if record["mark"] != GV100AD_AMT:
        return None  # verbandsfreie Gemeinden: the Gemeinde record is the municipality
    district = Municipality.objects.filter(ags=record["key"][:5] + "000").first()
    return _save(
        report,
        {"association_key": record["key"]},
        name=record["name"],
        kind=Municipality.Kind.AMT,
        district=district,
    )


def _gv_municipality(record, report):
    kind = GV100AD_MUNICIPALITY_KINDS.get(record["mark"])
    if kind is None:
        return f"kein Gemeindekennzeichen einer Kommune ({record['mark']!r}), ausgelassen"
    ags, population = record["ags"], record["population"]
    if not (len(ags) == 8 and ags.isdigit()):
        return f"AGS {ags!r} hat nicht genau 8 Ziffern"
    if not population.isdigit():
        return f"Bevölkerungszahl {population!r} ist keine Zahl"
    district = None
    if kind != Municipality.Kind.DISTRICT_FREE_CITY:
        district = Municipality.objects.filter(ags=ags[:5] + "000").first()
    amt = Municipality.objects.filter(
        association_key=record["association"], kind=Municipality.Kind.AMT
    ).first()
    return _save(
        report,
        {"ags": ags},
        name=record["name"],
        kind=kind,
        district=district,
        amt=amt,
        population=int(population),
    )


def _save(report, key, **fields):
    """Create the municipality found by `key`, or update its changed fields. An entry the
    editors made by hand (same name and kind, without a key) is taken over."""
    if len(fields["name"]) > Municipality._meta.get_field("name").max_length:
        return "Name ist zu lang"
    municipality = Municipality.objects.filter(**key).first()
    if municipality is None:
        municipality = Municipality.objects.filter(
            name=fields["name"], kind=fields["kind"], ags__isnull=True, association_key__isnull=True
        ).first()
    if municipality is None:
        identifier = next(iter(key.values()))
        Municipality.objects.create(
            **key, **fields, slug=_unique_slug(fields["name"], fields["kind"], identifier)
        )
        report.created.append(fields["name"])
        return None
    wanted = {**key, **fields}
    changed = {
        name: value for name, value in wanted.items() if getattr(municipality, name) != value
    }
    if changed:
        for name, value in changed.items():
            setattr(municipality, name, value)
        municipality.save()
        report.updated.append(fields["name"])
    else:
        report.unchanged.append(fields["name"])
    return None
