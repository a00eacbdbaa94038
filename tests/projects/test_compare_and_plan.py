"""Comparing measures and the printable transfer plan (issue 19, 3)."""

import re

import pytest
from django.core.exceptions import ValidationError

from projects.models import Adoption, MeasurePrerequisite
from tests import factories
from tests.offers import factories as offer_factories

pytestmark = pytest.mark.django_db


def _text(response):
    html = response.content.decode()
    # An e-mail address is split into spans (email_display): joined again here.
    html = re.sub(r"@</span>(<wbr>)?<span[^>]*>", "@", html)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.fixture
def three():
    topic = factories.topic(name="Mobilität", slug="mobilitaet")
    return [
        factories.measure(
            title=f"Maßnahme {letter}",
            slug=f"massnahme-{letter}",
            topics=[topic],
            transfer_phase=phase,
            investment_eur=euros,
        )
        for letter, phase, euros in [
            ("a", "pilot", 5000),
            ("b", "regelbetrieb", None),
            ("c", "", None),
        ]
    ]


def test_three_measures_side_by_side_in_one_real_table(client, three):
    MeasurePrerequisite.objects.create(measure=three[0], kind="vergabe", needed="ja")
    response = client.get("/massnahmen/vergleich/", {"m": [m.slug for m in three]})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<caption>Steckbriefe für die Übernahme, eine Spalte je Maßnahme</caption>" in html
    assert html.count('<th scope="col">') == 4
    text = _text(response)
    assert "Transferphase Pilot Regelbetrieb nicht bekannt" in text
    assert "Investitionskosten 5.000 € nicht bekannt nicht bekannt" in text
    assert "Vergabe erforderlich nicht bekannt nicht bekannt" in text
    # Each column can be left out; the rest stays in the address.
    assert 'href="/massnahmen/vergleich/?m=massnahme-b&amp;m=massnahme-c"' in html
    assert 'name="m"' not in html.split("<table")[1].split("</table>")[0]  # no form in it


def test_with_fewer_than_three_a_measure_on_the_same_topics_can_be_added(client, three):
    response = client.get("/massnahmen/vergleich/", {"m": "massnahme-a"})
    html = response.content.decode()
    assert '<input type="hidden" name="m" value="massnahme-a">' in html
    assert '<option value="massnahme-b">' in html and '<option value="massnahme-a">' not in html
    full = client.get("/massnahmen/vergleich/", {"m": [m.slug for m in three]}).content.decode()
    assert 'id="hinzufuegen"' not in full


def test_more_than_three_or_unknown_measures_are_a_400_with_a_message(client, three):
    fourth = factories.measure(slug="massnahme-d")
    response = client.get("/massnahmen/vergleich/", {"m": [m.slug for m in [*three, fourth]]})
    assert response.status_code == 400
    assert "Höchstens 3 Maßnahmen lassen sich vergleichen" in _text(response)
    assert "Maßnahme d" not in _text(response)
    response = client.get("/massnahmen/vergleich/", {"m": ["massnahme-a", "gibt-es-nicht"]})
    assert response.status_code == 400
    assert "Keine Maßnahme hat die Adresse „gibt-es-nicht“" in _text(response)
    assert "Maßnahme a" in _text(response)
    draft = factories.measure(slug="entwurf", published=False)
    assert client.get("/massnahmen/vergleich/", {"m": draft.slug}).status_code == 400
    response = client.get("/massnahmen/vergleich/", {"m": ["x0", "x1", "x2"]})
    assert "Keine Maßnahme hat die Adressen „x0“, „x1“, „x2“; sie fehlen im Vergleich." in _text(
        response
    )


def test_an_empty_comparison_explains_how_to_choose(client, db):
    response = client.get("/massnahmen/vergleich/")
    assert response.status_code == 200
    assert "Noch ist keine Maßnahme zum Vergleich ausgewählt." in _text(response)


def test_the_list_of_measures_offers_to_compare_the_chosen_ones(client, three):
    html = client.get("/massnahmen/").content.decode()
    assert '<form id="vergleich" method="get" action="/massnahmen/vergleich/"' in html
    assert f'name="m" value="massnahme-a" id="vergleich-{three[0].pk}" form="vergleich"' in html


def test_no_measure_may_take_the_address_of_the_comparison():
    measure = factories.measure(slug="vergleich")
    with pytest.raises(ValidationError) as raised:
        measure.full_clean()
    assert "slug" in raised.value.message_dict


def test_the_transfer_plan_brings_together_what_a_council_submission_needs(client, three):
    measure = three[0]
    measure.project.contact_name = "Paula Projekt"
    measure.project.contact_email = "paula@projekt.example"
    measure.project.save()
    MeasurePrerequisite.objects.create(
        measure=measure, kind="beschluss", needed="ja", note="Stadtverordnetenbeschluss"
    )
    municipality = factories.municipality(name="Musterdorf")
    contact = factories.user("ansprech@musterdorf.example", first_name="Ada", last_name="Amt")
    Adoption.objects.create(
        municipality=municipality, measure=measure, stage="umgesetzt", contact=contact
    )
    quiet = factories.municipality(name="Stilledorf")
    Adoption.objects.create(municipality=quiet, measure=measure, stage="in_pruefung")
    rejected = factories.municipality(name="Neindorf")
    Adoption.objects.create(
        municipality=rejected, measure=measure, stage="verworfen", reason="Zu teuer"
    )
    offer = offer_factories.offer(title="Schreibwerkstatt", topics=list(measure.topics.all()))
    offer_factories.offer(title="Sprechstunde Wärmeplanung", topics=[factories.topic()])
    response = client.get(f"/massnahmen/{measure.slug}/transferplan/")
    assert response.status_code == 200
    text = _text(response)
    assert "Transferplan: Maßnahme a Maßnahme des Modellprojekts" in text
    assert "Investitionskosten 5.000 €" in text
    assert "politischer Beschluss: erforderlich – Stadtverordnetenbeschluss" in text
    assert (
        "Die Voraussetzungen prüfen, die das Modellprojekt brauchte: politischer Beschluss." in text
    )
    assert "Daten, Infrastruktur" in text  # not known yet: ask
    assert "Paula Projekt" in text and "paula@projekt.example" in text
    assert "Musterdorf: umgesetzt – Ansprechperson Ada Amt, ansprech@musterdorf.example" in text
    assert "Stilledorf: in Prüfung" in text and "Neindorf" not in text
    assert offer.title in text and "Sprechstunde Wärmeplanung" not in text  # other topic
    assert "ansprech@musterdorf.example" in text


def test_the_transfer_plan_of_an_unknown_or_draft_measure_is_404(client, db):
    assert client.get("/massnahmen/gibt-es-nicht/transferplan/").status_code == 404
    draft = factories.measure(published=False)
    assert client.get(f"/massnahmen/{draft.slug}/transferplan/").status_code == 404
