"""The pages of issue 19 are valid HTML (Nu Html Checker), in their fullest states."""

import pytest

from projects.models import Adoption, MeasurePrerequisite
from tests import factories
from tests.checkers import assert_valid_html
from tests.surveys import factories as survey_factories

pytestmark = pytest.mark.django_db


def test_profile_adoption_compare_plan_and_municipality_pages_are_valid_html(client):
    topic = factories.topic()
    measure = factories.measure(
        topics=[topic],
        goal="Ziel\nmit Zeilenumbruch",
        transfer_phase="pilot",
        investment_eur=20_000,
        staff_fte="0.5",
        code_url="https://code.example.org/",
    )
    other = factories.measure(topics=[topic])
    MeasurePrerequisite.objects.create(
        measure=measure, kind="daten", needed="ja", note="Zählstellen"
    )
    amt = factories.municipality(name="Amt Muster", slug="amt-muster", kind="amt")
    municipality = factories.municipality(slug="musterdorf", amt=amt, population=4_000)
    member = survey_factories.participant(municipality, "amt@musterdorf.example")
    Adoption.objects.create(
        municipality=factories.municipality(),
        measure=measure,
        stage="verworfen",
        reason="Zu teuer",
        note="Vielleicht später",
        contact=factories.user(),
    )
    documents = {
        "measure list": client.get("/massnahmen/", {"phase": "pilot", "kosten": "bis_50000"}),
        "measure list, unknown filter": client.get("/massnahmen/", {"quelloffen": "x"}),
        "measure, visitor": client.get(measure.get_absolute_url()),
        "compare": client.get("/massnahmen/vergleich/", {"m": [measure.slug, other.slug]}),
        "compare, problems": client.get("/massnahmen/vergleich/", {"m": ["x", measure.slug]}),
        "compare, empty": client.get("/massnahmen/vergleich/"),
        "transfer plan": client.get(f"/massnahmen/{measure.slug}/transferplan/"),
        "municipality, empty": client.get("/kommunen/musterdorf/"),
    }
    client.force_login(member)
    documents["measure, member"] = client.get(measure.get_absolute_url())
    documents["measure, member, errors"] = client.post(
        f"/massnahmen/{measure.slug}/nachnutzung/", {"stage": "verworfen"}
    )
    client.post(f"/massnahmen/{measure.slug}/nachnutzung/", {"stage": "umgesetzt"})
    documents["municipality"] = client.get("/kommunen/musterdorf/")
    documents["amt"] = client.get("/kommunen/amt-muster/")
    client.force_login(factories.editor())
    documents["transfer overview"] = client.get("/redaktion/transfer/")
    documents["transfer overview, bad filter"] = client.get(
        "/redaktion/transfer/", {"landkreis": "x", "massnahme": measure.slug}
    )
    assert documents["transfer overview, bad filter"].status_code == 400
    assert_valid_html({name: response.content.decode() for name, response in documents.items()})
