"""One slug rule for every address (transfer_portal/lib/slugs.py), the same in the admin's
static/js/admin-slugs.js."""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from offers.models import Offer
from projects.models import Measure, ModelProject, Municipality, Topic
from surveys.models import Survey
from tests import factories
from transfer_portal.lib.slugs import portal_slugify, unique_slug

ROOT = Path(__file__).resolve().parents[2]

CASES = [
    ("App für Großschadenslagen", "app-fuer-grossschadenslagen"),
    ("Mobilität – Mobilitätscampus", "mobilitaet-mobilitaetscampus"),
    ("Dorfgemeinschaftshäuser 2.0", "dorfgemeinschaftshaeuser-20"),
    ("ÄRGER ÖFFNET ÜBER STRAẞE", "aerger-oeffnet-ueber-strasse"),
    ("Äpfel, Öl & Übung!", "aepfel-oel-uebung"),
    ("Spree-Neiße", "spree-neisse"),
    ("Wiesenburg/Mark", "wiesenburgmark"),
    ("Frankfurt (Oder)", "frankfurt-oder"),
    ("Cottbus/Chóśebuz", "cottbuschosebuz"),
    ("Café crème, naïve Señora", "cafe-creme-naive-senora"),
    ("  --Leerzeichen   und -- Striche__  ", "leerzeichen-und-striche"),
    ("Tab\tund\nZeile", "tab-und-zeile"),
    ("„Zitat“ – ‚halb‘ … «fr» 100 % ", "zitat-halb-fr-100"),
    ("snake_case bleibt", "snake_case-bleibt"),
    ("ﬁnale² Größe", "finale2-groesse"),
    ("Ökologie", "oekologie"),
    ("Emoji 🚲 und 中文", "emoji-und"),
    ("?!", ""),
    ("", ""),
]
# Decomposed umlauts (as some systems send them: "u" and a combining diaeresis).
CASES.append(("Mu\u0308ller", "mueller"))


@pytest.mark.parametrize(("text", "slug"), CASES)
def test_the_portal_writes_german_letters_out_and_drops_punctuation(text, slug):
    assert portal_slugify(text) == slug


def test_a_slug_is_cut_to_the_fields_length_without_a_dash_at_the_end():
    assert portal_slugify("Bürger Beteiligung", max_length=8) == "buerger"
    assert portal_slugify("Bürger Beteiligung", max_length=9) == "buerger-b"
    assert len(portal_slugify("ä" * 300, max_length=200)) == 200


def test_a_slug_is_its_own_slug():
    for _text, slug in CASES:
        assert portal_slugify(slug) == slug


def _node():
    node = shutil.which("node")
    if node is None and not os.environ.get("CI"):
        pytest.skip("node is not installed (it comes with npm, see README: full test run)")
    return node


def test_the_admin_makes_the_same_slugs_as_python():
    """The admin's URLify replacement (static/js/admin-slugs.js) run by Node.js on the
    same texts, with and without the slug field's length."""
    texts = [text for text, _slug in CASES] + ["Bürger Beteiligung"] * 2
    lengths = [None] * len(CASES) + [8, 9]
    script = """
        const fs = require("fs");
        const calls = JSON.parse(process.argv[2]);
        globalThis.window = { URLify: () => "django's own" };
        globalThis.document = { addEventListener: (event, listener) => listener() };
        eval(fs.readFileSync(process.argv[1], "utf8"));
        const slugs = calls.map(([text, length]) => window.URLify(text, length, false));
        slugs.push(window.URLify("Ä", 10, true));
        process.stdout.write(JSON.stringify(slugs));
    """
    result = subprocess.run(  # noqa: S603 - our own script and file
        [
            _node(),
            "-e",
            script,
            str(ROOT / "static/js/admin-slugs.js"),
            json.dumps(list(zip(texts, lengths, strict=True))),
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    *slugs, unicode_field = json.loads(result.stdout)
    expected = [portal_slugify(text, length) for text, length in zip(texts, lengths, strict=True)]
    assert slugs == expected
    assert unicode_field == "django's own"  # SlugField(allow_unicode=True): Django's rule


@pytest.mark.django_db
def test_a_unique_slug_counts_up_and_stays_within_the_field():
    factories.municipality(name="Groß Köris", slug="gross-koeris")
    factories.municipality(name="Groß Köris 2", slug="gross-koeris-2")
    queryset = Municipality.objects.all()
    assert unique_slug(queryset, "Groß Köris", fallback="kommune") == "gross-koeris-3"
    assert unique_slug(queryset, "Zossen", fallback="kommune") == "zossen"
    assert unique_slug(queryset, "!!!", fallback="kommune") == "kommune"
    long_name = "Lang" * 100
    factories.municipality(name="lang", slug=portal_slugify(long_name, 160))
    slug = unique_slug(queryset, long_name, fallback="kommune")
    assert len(slug) == 160 and slug.endswith("-2")
    assert unique_slug(queryset, "Groß Köris", fallback="x", suffix="-neu") == "gross-koeris-neu"


@pytest.mark.django_db
def test_seeded_slugs_follow_the_portals_rule(seeded, client):
    for measure in Measure.objects.select_related("project"):
        assert measure.slug.endswith(portal_slugify(measure.title)), measure.slug
    for municipality in Municipality.objects.all():
        assert municipality.slug in {
            portal_slugify(municipality.name),
            portal_slugify(f"{municipality.name} {municipality.kind}"),
        }
    for model in (Measure, ModelProject, Topic, Municipality, Offer, Survey):
        for slug in model.objects.values_list("slug", flat=True):
            assert slug == portal_slugify(slug), slug
    assert Municipality.objects.get(name="Spree-Neiße").slug == "spree-neisse"
    response = client.get("/massnahmen/cottbus-app-fuer-grossschadenslagen/")
    assert response.status_code == 200
