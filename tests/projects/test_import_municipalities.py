"""Importing the official municipality directory from CSV."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from projects.models import Municipality

pytestmark = pytest.mark.django_db

CSV_SEMICOLON = (
    "AGS;Name;Art;Kreis\n"
    "12071160;Guben;Stadt;Spree-Neiße\n"
    "12069020;Bad Belzig;Stadt;Landkreis Potsdam-Mittelmark\n"
    "12073578;Schwedt/Oder;Stadt;Uckermark\n"
    "12060005;Ahrensfelde;Gemeinde;\n"
    "1234;Zu kurz;Gemeinde;Barnim\n"
    "12999999;Irgendwo;Gemeinde;Atlantis\n"
    "12999998;Seltsam;Weiler;Barnim\n"
)


def _run(tmp_path, content, encoding="utf-8"):
    path = tmp_path / "gemeinden.csv"
    path.write_bytes(content.encode(encoding))
    out = StringIO()
    call_command("import_municipalities", str(path), stdout=out)
    return out.getvalue()


def test_import_creates_updates_and_rejects_with_a_report(tmp_path, seeded):
    Municipality.objects.filter(name="Barnim").update(ags="12060000")
    output = _run(tmp_path, CSV_SEMICOLON)
    assert "Angelegt: 2, aktualisiert: 2, unverändert: 0, abgelehnt: 3" in output
    assert "Zeile 6 abgelehnt: AGS '1234' hat nicht genau 8 Ziffern" in output
    assert "Zeile 7 abgelehnt: unbekannter Landkreis 'Atlantis'" in output
    assert "Zeile 8 abgelehnt: unbekannte Art 'Weiler'" in output
    guben = Municipality.objects.get(name="Guben")
    assert guben.ags == "12071160"  # the seeded record got its key, no duplicate
    assert Municipality.objects.filter(name="Guben").count() == 1
    schwedt = Municipality.objects.get(ags="12073578")
    assert schwedt.district.name == "Uckermark"
    # Without a district column value, the district follows from the AGS.
    assert Municipality.objects.get(ags="12060005").district.name == "Barnim"


def test_import_is_idempotent(tmp_path, seeded):
    _run(tmp_path, CSV_SEMICOLON)
    count = Municipality.objects.count()
    output = _run(tmp_path, CSV_SEMICOLON)
    assert "Angelegt: 0, aktualisiert: 0, unverändert: 4, abgelehnt: 3" in output
    assert Municipality.objects.count() == count


def test_import_reads_comma_separated_windows_1252_without_header(tmp_path, seeded):
    output = _run(tmp_path, "12064999,Märkische Schweiz,Amt,Märkisch-Oderland\n", "cp1252")
    assert "Angelegt: 1" in output
    amt = Municipality.objects.get(ags="12064999")
    assert amt.name == "Märkische Schweiz"
    assert amt.kind == Municipality.Kind.AMT


def test_missing_file_is_a_clear_command_error(tmp_path, db):
    with pytest.raises(CommandError, match="Datei kann nicht gelesen werden"):
        call_command("import_municipalities", str(tmp_path / "fehlt.csv"))
