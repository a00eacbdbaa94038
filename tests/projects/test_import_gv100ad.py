"""Importing the official directory as Destatis publishes it: GV100AD, fixed width (issue
19, 6). The records are written here, in the published layout; no downloaded data."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from projects.models import Municipality, SizeClass
from tests import factories

pytestmark = pytest.mark.django_db

DATE = "20260930"


def record(kind, key, name, mark, *, population=None):
    """One GV100AD line: Satzart, Gebietsstand, the regional key (Land, RB, Kreis,
    Gemeinde, Gemeindeverband in 12 places), name (50), seat (50), Textkennzeichen (2); a
    Gemeinde with 4 places free, area, population and male population (11 each) and more."""
    line = f"{kind}{DATE}{key:<12}{name:<50}{'':<50}{mark:<2}"
    if kind == "60":
        line += f"{'':4}{1234:011d}{population:011d}{population // 2:011d}{'':4}03172     "
    return line + " " * 20


FILE = "\n".join(
    [
        record("10", "12", "Brandenburg", ""),
        record("40", "12071", "Spree-Neiße", "44"),
        record("40", "12052", "Cottbus/Chóśebuz, Stadt", "41"),
        record("50", "12071   0160", "Guben, Stadt", "50"),
        record("50", "12071   5107", "Peitz", "51"),
        record("60", "120711600160", "Guben, Stadt", "63", population=16_000),
        record("60", "120713045107", "Drachhausen", "64", population=800),
        record("60", "120520000000", "Cottbus/Chóśebuz, Stadt", "61", population=98_000),
        record("60", "120719990000", "Gemeindefreies Gebiet", "66", population=0),
        record("40", "13071", "Mecklenburgische Seenplatte", "44"),
        record("60", "130710010000", "Irgendwo in Mecklenburg", "64", population=1_000),
        "6020260930",
    ]
)


def _run(tmp_path, content, *args, encoding="utf-8"):
    path = tmp_path / "GV100AD_300926.txt"
    path.write_bytes(content.encode(encoding))
    out = StringIO()
    call_command("import_municipalities", str(path), *args, stdout=out)
    return out.getvalue()


def test_districts_amter_and_municipalities_with_population_and_amt(tmp_path):
    output = _run(tmp_path, FILE)
    assert "Gelesen als GV100AD." in output
    assert "Angelegt: 5, aktualisiert: 0, unverändert: 0, abgelehnt: 2" in output
    assert "Zeile 9 abgelehnt: kein Gemeindekennzeichen einer Kommune ('66')" in output
    assert "Zeile 12 abgelehnt: Zeile zu kurz" in output
    district = Municipality.objects.get(ags="12071000")
    assert (district.name, district.kind) == ("Spree-Neiße", "landkreis")
    amt = Municipality.objects.get(association_key="120715107")
    assert (amt.name, amt.kind, amt.district, amt.ags) == ("Peitz", "amt", district, None)
    guben = Municipality.objects.get(ags="12071160")
    assert (guben.name, guben.kind, guben.population, guben.district, guben.amt) == (
        "Guben",
        "stadt",
        16_000,
        district,
        None,
    )
    village = Municipality.objects.get(ags="12071304")
    assert (village.kind, village.amt, village.district) == ("gemeinde", amt, district)
    assert list(amt.amt_members.all()) == [village]
    cottbus = Municipality.objects.get(ags="12052000")
    assert (cottbus.name, cottbus.kind, cottbus.district) == (
        "Cottbus/Chóśebuz",
        "kreisfreie_stadt",
        None,
    )
    # Only Brandenburg unless told otherwise.
    assert not Municipality.objects.filter(ags__startswith="13").exists()


def test_running_it_again_changes_nothing_and_a_new_edition_updates(tmp_path):
    _run(tmp_path, FILE)
    assert "Angelegt: 0, aktualisiert: 0, unverändert: 5, abgelehnt: 2" in _run(tmp_path, FILE)
    newer = FILE.replace(
        record("60", "120711600160", "Guben, Stadt", "63", population=16_000),
        record("60", "120711600160", "Guben, Stadt", "63", population=15_800),
    )
    assert "Angelegt: 0, aktualisiert: 1, unverändert: 4" in _run(tmp_path, newer)
    assert Municipality.objects.get(ags="12071160").population == 15_800


def test_entries_made_before_are_taken_over_not_doubled(tmp_path):
    seeded = factories.municipality(name="Guben", slug="guben", ags="12071160", kind="stadt")
    by_hand = factories.municipality(name="Peitz", slug="peitz", kind="amt")
    _run(tmp_path, FILE)
    seeded.refresh_from_db()
    by_hand.refresh_from_db()
    assert (seeded.slug, seeded.population) == ("guben", 16_000)
    assert by_hand.association_key == "120715107"
    assert Municipality.objects.filter(name="Peitz").count() == 1


def test_the_file_as_windows_1252_and_all_lander(tmp_path):
    # Windows-1252 has no "ś": the older editions were written without it.
    output = _run(tmp_path, FILE.replace("ś", "s"), "--land", "alle", encoding="cp1252")
    assert "Angelegt: 7" in output
    assert Municipality.objects.get(ags="12071000").name == "Spree-Neiße"
    assert Municipality.objects.filter(ags="13071001").exists()


def test_a_bad_land_option_is_refused(tmp_path):
    with pytest.raises(CommandError, match="zweistelligen Schlüssel"):
        _run(tmp_path, FILE, "--land", "Brandenburg")


def test_a_municipality_falls_into_the_size_class_of_its_population(tmp_path):
    _run(tmp_path, FILE)
    classes = {
        m.ags: m.size_class.slug for m in Municipality.objects.filter(population__isnull=False)
    }
    assert classes == {
        "12071160": "5000-bis-20000",
        "12071304": "unter-5000",
        "12052000": "20000-bis-100000",
    }
    assert SizeClass.objects.for_population(100_000).slug == "ab-100000"
    assert SizeClass.objects.for_population(None) is None


def test_the_municipality_page_shows_population_size_class_and_amt(client, tmp_path):
    _run(tmp_path, FILE)
    village = client.get("/kommunen/drachhausen/").content.decode()
    assert "800" in village and "unter 5.000 Einwohner" in village
    assert '<a href="/kommunen/peitz/">Peitz</a>' in village
    amt = client.get("/kommunen/peitz/").content.decode()
    assert '<a href="/kommunen/drachhausen/">Drachhausen</a>' in amt
    assert client.get("/kommunen/guben/").status_code == 200


def test_a_member_of_an_amt_is_offered_its_gemeinden_and_they_their_amt(client, tmp_path):
    from tests.surveys import factories as survey_factories

    _run(tmp_path, FILE)
    amt = Municipality.objects.get(association_key="120715107")
    client.force_login(survey_factories.participant(amt, "amt@peitz.example"))
    html = client.get("/umfragen/ihre-kommune/").content.decode()
    assert '<a href="/kommunen/drachhausen/">Drachhausen</a>' in html
    village = Municipality.objects.get(ags="12071304")
    client.force_login(survey_factories.participant(village, "gemeinde@drachhausen.example"))
    html = " ".join(client.get("/umfragen/ihre-kommune/").content.decode().split())
    assert 'Drachhausen gehört zum Amt <a href="/kommunen/peitz/">Peitz</a>.' in html
    assert '<a href="/kommunen/drachhausen/">Die Seite von Drachhausen' in html
