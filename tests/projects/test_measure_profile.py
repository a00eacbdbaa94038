"""The profile for transfer of a measure (issue 19, 1): editing, showing, filtering, open data."""

import csv
import io
import json
import re
from decimal import Decimal

import pytest

from projects.models import CostBand, Measure, MeasurePrerequisite, SizeClass
from tests import factories
from tests.transfer_portal.test_admin_site import form_data

pytestmark = pytest.mark.django_db

PROFILE_LABELS = [
    "Ziel",
    "Transferphase",
    "Nach Ende der Förderung fortgeführt",
    "Investitionskosten",
    "Laufende Kosten pro Jahr",
    "Finanzierung und Förderung",
    "Personalaufwand",
    "Dauer",
    "Betriebsmodell",
    "Open Source",
    "Lizenz",
    "Code oder Produkt",
    "Geeignet für Kommunen der Größe",
]
PREREQUISITE_LABELS = [
    "Daten",
    "Infrastruktur",
    "Rechtsgrundlage und Datenschutz (DSGVO)",
    "Vergabe",
    "Partner",
    "politischer Beschluss",
]


def _text(response):
    """The page with its white space collapsed, none around tags, and without the layout
    classes of the profile's rows."""
    html = re.sub(r"\s*(<[^>]+>)\s*", r"\1", " ".join(response.content.decode().split()))
    return re.sub(r' class="col-sm-\d+( mb-1)?"', "", html)


def _profiled(**fields):
    measure = factories.measure(
        title="Digitale Parkraumsensorik",
        goal="Weniger Parksuchverkehr in der Innenstadt.",
        transfer_phase=Measure.TransferPhase.REGULAR,
        continued_after_funding="ja",
        investment_eur=125_000,
        running_costs_band=CostBand.UP_TO_10K,
        funding_sources="Modellprojekte Smart Cities, Eigenanteil 10 %",
        staff_fte=Decimal("0.5"),
        staff_person_days=40,
        duration_months=18,
        operating_model=Measure.OperatingModel.SERVICE_PROVIDER,
        open_source="ja",
        licence="EUPL-1.2",
        code_url="https://code.example.org/parken",
        **fields,
    )
    MeasurePrerequisite.objects.create(
        measure=measure, kind="daten", needed="ja", note="Belegungsdaten der Parkplätze"
    )
    MeasurePrerequisite.objects.create(measure=measure, kind="beschluss", needed="nein")
    return measure


def test_an_empty_profile_says_not_known_for_every_field_and_prerequisite(client):
    measure = factories.measure()
    html = _text(client.get(measure.get_absolute_url()))
    assert "Steckbrief für die Übernahme" in html
    for label in PROFILE_LABELS:
        assert f"<dt>{label}</dt><dd>nicht bekannt</dd>" in html, label
    for label in PREREQUISITE_LABELS:
        assert f"<strong>{label}:</strong>nicht bekannt" in html, label


def test_a_filled_profile_shows_every_field(client):
    measure = _profiled()
    html = _text(client.get(measure.get_absolute_url()))
    assert "Weniger Parksuchverkehr in der Innenstadt." in html
    assert "<dd>Regelbetrieb</dd>" in html
    assert "<dt>Nach Ende der Förderung fortgeführt</dt><dd>ja</dd>" in html
    # The band follows the amount; the amount is shown, in German notation.
    assert "<dd>125.000 €</dd>" in html
    assert "<dt>Laufende Kosten pro Jahr</dt><dd>bis 10.000 €</dd>" in html
    assert "Eigenanteil 10 %" in html
    assert "0,5 Vollzeitäquivalente · 40 Personentage" in html
    assert "18 Monate" in html
    assert "<dd>Dienstleister</dd>" in html
    assert "<dt>Open Source</dt><dd>ja</dd>" in html
    assert "<dd>EUPL-1.2</dd>" in html
    assert 'href="https://code.example.org/parken"' in html
    assert "<strong>Daten:</strong>erforderlich –<span" in html
    assert "Belegungsdaten der Parkplätze" in html
    assert "<strong>politischer Beschluss:</strong>nicht erforderlich" in html
    assert "<strong>Vergabe:</strong>nicht bekannt" in html
    assert Measure.objects.get(pk=measure.pk).investment_band == CostBand.UP_TO_250K


@pytest.mark.parametrize(
    ("euros", "band"),
    [
        (0, CostBand.UP_TO_10K),
        (10_000, CostBand.UP_TO_10K),
        (10_001, CostBand.UP_TO_50K),
        (50_000, CostBand.UP_TO_50K),
        (250_000, CostBand.UP_TO_250K),
        (250_001, CostBand.OVER_250K),
    ],
)
def test_the_band_of_an_amount_includes_its_upper_bound(euros, band):
    assert CostBand.of(euros) == band
    measure = factories.measure(running_costs_eur=euros)
    measure.refresh_from_db()
    assert measure.running_costs_band == band


def test_saving_only_the_amount_saves_its_band_too():
    measure = factories.measure()
    measure.investment_eur = 60_000
    measure.save(update_fields=["investment_eur"])
    measure.refresh_from_db()
    assert measure.investment_band == CostBand.UP_TO_250K


def test_editor_fills_the_profile_and_the_checklist_in_the_admin(editor_client, client):
    measure = factories.measure()
    url = f"/admin/projects/measure/{measure.pk}/change/"
    data = form_data(
        editor_client,
        url,
        goal="Ein Ziel",
        transfer_phase="pilot",
        investment_eur="8000",
        staff_fte="1,5",
        open_source="nein",
        **{
            "prerequisites-TOTAL_FORMS": "2",
            "prerequisites-0-kind": "vergabe",
            "prerequisites-0-needed": "ja",
            "prerequisites-0-note": "Ausschreibung über 6 Monate",
            "prerequisites-1-kind": "partner",
            "prerequisites-1-needed": "nein",
        },
    )
    response = editor_client.post(url, data)
    assert response.status_code == 302, _text(response)[:3000]
    measure.refresh_from_db()
    assert (measure.goal, measure.transfer_phase, measure.open_source) == (
        "Ein Ziel",
        "pilot",
        "nein",
    )
    assert (measure.investment_band, measure.staff_fte) == (CostBand.UP_TO_10K, Decimal("1.5"))
    assert set(measure.prerequisites.values_list("kind", "needed")) == {
        ("vergabe", "ja"),
        ("partner", "nein"),
    }
    html = _text(client.get(measure.get_absolute_url()))
    assert "<strong>Vergabe:</strong>erforderlich –<span" in html
    assert "Ausschreibung über 6 Monate" in html


def test_an_amount_outside_the_chosen_band_is_refused_and_nothing_is_lost(editor_client):
    measure = factories.measure(goal="Bisheriges Ziel")
    url = f"/admin/projects/measure/{measure.pk}/change/"
    data = form_data(
        editor_client,
        url,
        goal="Neues Ziel",
        investment_eur="300000",
        investment_band=CostBand.UP_TO_50K,
    )
    response = editor_client.post(url, data)
    assert response.status_code == 200
    html = _text(response)
    assert "Der Betrag liegt in der Spanne „mehr als 250.000 €“." in html
    assert ">Neues Ziel</textarea>" in html
    measure.refresh_from_db()
    assert (measure.goal, measure.investment_eur) == ("Bisheriges Ziel", None)


def test_a_prerequisite_can_be_recorded_once_per_kind(editor_client):
    measure = factories.measure()
    url = f"/admin/projects/measure/{measure.pk}/change/"
    data = form_data(
        editor_client,
        url,
        **{
            "prerequisites-TOTAL_FORMS": "2",
            "prerequisites-0-kind": "daten",
            "prerequisites-0-needed": "ja",
            "prerequisites-1-kind": "daten",
            "prerequisites-1-needed": "nein",
        },
    )
    response = editor_client.post(url, data)
    assert response.status_code == 200
    assert not measure.prerequisites.exists()


def test_the_measure_list_filters_by_phase_costs_and_open_source(client):
    pilot = factories.measure(
        title="Pilot mit Open Source", transfer_phase="pilot", open_source="ja"
    )
    expensive = factories.measure(title="Teure Maßnahme", investment_eur=400_000)
    unknown = factories.measure(title="Ohne Steckbrief")

    def titles(**filters):
        response = client.get("/massnahmen/", filters)
        assert response.status_code == 200
        return {m.title for m in response.context["listing"]["page"].object_list}

    assert titles(phase="pilot") == {pilot.title}
    assert titles(quelloffen="ja") == {pilot.title}
    assert titles(quelloffen="nein") == set()
    assert titles(kosten="ueber_250000") == {expensive.title}
    small = factories.measure(title="Für kleine Gemeinden")
    small.size_classes.set([SizeClass.objects.get(slug="unter-5000")])
    assert titles(groesse="unter-5000") == {small.title}
    assert unknown.title in titles()
    html = client.get("/massnahmen/", {"phase": "pilot", "seite": "1"}).content.decode()
    assert '<option value="pilot" selected>Pilot</option>' in html


@pytest.mark.parametrize("field", ["phase", "kosten", "quelloffen", "groesse"])
def test_an_unknown_profile_filter_value_is_a_400_with_a_message(client, field):
    response = client.get("/massnahmen/", {field: "gibt-es-nicht"})
    assert response.status_code == 400
    assert "Diesen Filterwert gibt es nicht (mehr)." in response.content.decode()


def test_the_open_data_carry_every_profile_field_with_a_description(client):
    _profiled(slug="parkraum")
    rows = list(csv.DictReader(io.StringIO(client.get("/daten/massnahmen.csv").content.decode())))
    row = next(row for row in rows if row["slug"] == "parkraum")
    assert row["transferphase"] == "regelbetrieb"
    assert row["investitionskosten_euro"] == "125000"
    assert row["investitionskosten_spanne"] == "bis_250000"
    assert row["laufende_kosten_euro_pro_jahr"] == ""
    assert row["laufende_kosten_spanne"] == "bis_10000"
    assert row["personal_vollzeitaequivalente"] == "0.5"
    assert row["voraussetzung_daten"] == "ja"
    assert row["voraussetzung_daten_hinweis"] == "Belegungsdaten der Parkplätze"
    assert row["voraussetzung_vergabe"] == ""
    item = next(
        item
        for item in json.loads(client.get("/daten/massnahmen.json").content)["daten"]
        if item["slug"] == "parkraum"
    )
    assert item["open_source"] == "ja"
    assert item["dauer_monate"] == 18
    assert item["voraussetzung_beschluss"] == "nein"
    # Every column is described on /daten/.
    page = client.get("/daten/").content.decode()
    for column in row:
        assert "<code>" + column.replace("_", "_<wbr>") + "</code>" in page, column
    assert "Transferphase: idee, pilot, regelbetrieb, uebernommen oder leer" in page


@pytest.mark.parametrize(
    ("stored", "shown"), [("0.50", "0,5"), ("2.00", "2"), ("10.00", "10"), ("1.25", "1,25")]
)
def test_full_time_equivalents_are_shown_without_trailing_zeros(client, stored, shown):
    measure = factories.measure(staff_fte=Decimal(stored))
    html = _text(client.get(measure.get_absolute_url()))
    assert f"<dt>Personalaufwand</dt><dd>{shown} Vollzeitäquivalente</dd>" in html
