"""DABB's view of transfer (issue 19, 4): who may see it, what it counts, CSV, queries."""

import csv
import io
import re

import pytest
import time_machine
from django.utils import timezone

from projects import adoption as adoption_service
from projects.models import Adoption, QuestionAsked
from tests import factories
from tests.offers import factories as offer_factories
from tests.surveys import factories as survey_factories

pytestmark = pytest.mark.django_db

URL = "/redaktion/transfer/"


def _text(response):
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def _csv(response):
    return list(csv.reader(io.StringIO(response.content.decode())))


@pytest.fixture
def portal():
    """Two topics: "Gefragt" chosen by two municipalities with nothing on offer, "Versorgt"
    by one with a measure and an offer; adoptions in two Landkreise."""
    asked, served = factories.topic(name="Gefragt"), factories.topic(name="Versorgt")
    survey, q = survey_factories.full_survey("geschlossen", topics=(asked, served))
    a, b, _newsletter = q["multiple"].choices.all()
    for choices in ([a], [a, b]):
        survey_factories.response(survey, answers={q["multiple"]: choices})
    measure = factories.measure(title="Versorgte Maßnahme", slug="versorgt", topics=[served])
    offer_factories.offer(topics=[served])
    north = factories.municipality(name="Landkreis Nord", kind="landkreis", slug="nord")
    south = factories.municipality(name="Landkreis Süd", kind="landkreis", slug="sued")
    user = factories.user()
    for name, district, stage in [
        ("Nordheim", north, "in_pruefung"),
        ("Nordhausen", north, "umgesetzt"),
        ("Südstadt", south, "verworfen"),
    ]:
        adoption_service.record(
            municipality=factories.municipality(name=name, district=district),
            measure=measure,
            user=user,
            stage=stage,
            reason="Zu teuer" if stage == "verworfen" else "",
        )
    QuestionAsked.objects.create(project=measure.project, measure=measure)
    return {"asked": asked, "served": served, "measure": measure, "north": north}


def test_only_editors_see_it(client, portal):
    response = client.get(URL)
    assert response.status_code == 302 and "/konto/login/" in response["Location"]
    client.force_login(survey_factories.participant(factories.municipality(), "m@x.example"))
    assert client.get(URL).status_code == 403
    assert client.get(URL + "?export=themen").status_code == 403


def test_demand_against_supply_with_the_biggest_gap_first(editor_client, portal):
    response = editor_client.get(URL)
    assert response.status_code == 200
    rows = response.context["topics"]
    assert [row.topic.name for row in rows][:2] == ["Gefragt", "Versorgt"]
    gefragt, versorgt = rows[0], rows[1]
    assert (gefragt.demand, gefragt.measures, gefragt.offers) == (2, 0, 0)
    assert (versorgt.demand, versorgt.measures, versorgt.offers, versorgt.adoptions) == (1, 1, 1, 2)
    assert "(2 Kommunen haben eine Umfrage beantwortet)" in _text(response)


def test_adoptions_per_stage_per_measure_per_landkreis_and_over_time(editor_client, portal):
    response = editor_client.get(URL)
    [row] = response.context["measures"]
    assert (row["measure__slug"], row["total"]) == ("versorgt", 3)
    assert (row["in_pruefung"], row["umgesetzt"], row["verworfen"], row["interessiert"]) == (
        1,
        1,
        1,
        0,
    )
    districts = {
        r["municipality__district__name"]: r["total"] for r in response.context["districts"]
    }
    assert districts == {"Landkreis Nord": 2, "Landkreis Süd": 1}
    quarter, counts = response.context["over_time"][-1]
    assert quarter.startswith(str(timezone.localtime().year))
    assert counts == [0, 1, 0, 1, 1]  # interessiert, in Prüfung, in Umsetzung, umgesetzt, verworfen
    narrowed = editor_client.get(URL, {"landkreis": "nord"})
    assert [r["total"] for r in narrowed.context["measures"]] == [2]
    assert editor_client.get(URL, {"thema": portal["asked"].slug}).context["measures"] == []


def test_a_change_counts_in_the_quarter_it_was_made(editor_client, portal):
    with time_machine.travel("2026-02-10 12:00 +01:00", tick=False):
        adoption_service.record(
            municipality=factories.municipality(),
            measure=portal["measure"],
            user=factories.user(),
            stage="interessiert",
        )
    with time_machine.travel("2026-12-06 12:00 +01:00", tick=False):
        over_time = dict(editor_client.get(URL).context["over_time"])
    assert over_time["2026 Q1"][0] == 1
    assert over_time["2026 Q4"][0] == 0
    assert list(over_time)[0] == "2025 Q1" and len(over_time) == 8


def test_questions_per_project(editor_client, portal):
    [row] = editor_client.get(URL).context["questions"]
    assert (row["project__title"], row["recent"], row["total"]) == (
        portal["measure"].project.title,
        1,
        1,
    )


@pytest.mark.parametrize(
    ("export", "header"),
    [
        ("themen", "thema"),
        ("verlauf", "quartal"),
        ("massnahmen", "massnahme"),
        ("landkreise", "landkreis"),
        ("fragen", "modellprojekt"),
    ],
)
def test_every_table_downloads_as_csv(editor_client, portal, export, header):
    response = editor_client.get(URL, {"export": export})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = _csv(response)
    assert rows[0][0] == header and len(rows) > 1


def test_the_csv_of_measures_follows_the_filters(editor_client, portal):
    rows = _csv(editor_client.get(URL, {"export": "massnahmen", "landkreis": "nord"}))
    assert rows[1][:4] == ["versorgt", "Versorgte Maßnahme", portal["measure"].project.title, "2"]


@pytest.mark.parametrize(
    "query", [{"export": "alles"}, {"landkreis": "gibt-es-nicht"}, {"thema": "x"}]
)
def test_bad_input_is_a_400_with_a_message(editor_client, portal, query):
    response = editor_client.get(URL, query)
    assert response.status_code == 400
    text = _text(response)
    assert "Diesen Filterwert gibt es nicht" in text or "Diesen Export gibt es nicht" in text


def test_the_queries_do_not_grow_with_the_data(
    editor_client, portal, django_assert_max_num_queries
):
    editor_client.get(URL)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as before:
        editor_client.get(URL)
    for _n in range(5):
        adoption_service.record(
            municipality=factories.municipality(district=portal["north"]),
            measure=factories.measure(topics=[portal["asked"]]),
            user=factories.user(),
            stage="interessiert",
        )
        QuestionAsked.objects.create(project=factories.project())
    with django_assert_max_num_queries(len(before.captured_queries)):
        editor_client.get(URL)
    assert Adoption.objects.count() == 8
