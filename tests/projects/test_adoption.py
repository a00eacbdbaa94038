"""Adoption of measures by municipalities (issue 19, 2): who may mark, history, mail, pages,
open data."""

import csv
import io
import json
import re

import pytest

from projects.models import Adoption, AdoptionChange
from surveys.models import Participant
from tests import factories
from tests.surveys import factories as survey_factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def municipality():
    return factories.municipality(name="Musterstadt", slug="musterstadt", ags="12345678")


@pytest.fixture
def measure():
    project = factories.project(title="Smart Parken", contact_email="kontakt@projekt.example")
    return factories.measure(project, title="Parkraumsensorik", slug="parkraumsensorik")


@pytest.fixture
def member(municipality):
    user = survey_factories.participant(municipality, "amt@musterstadt.example")
    user.first_name, user.last_name = "Mia", "Muster"
    user.save()
    return user


def _mark(client, measure, **data):
    return client.post(
        f"/massnahmen/{measure.slug}/nachnutzung/", {"stage": "interessiert", **data}
    )


def _text(response):
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def test_a_confirmed_member_marks_a_measure_and_the_page_lists_the_municipality(
    client, member, measure, mailoutbox
):
    client.force_login(member)
    page = client.get(measure.get_absolute_url()).content.decode()
    assert "Für Musterstadt" in page and 'name="stage"' in page
    response = _mark(client, measure, note="Wir schauen uns das an.")
    assert response.status_code == 302
    assert response["Location"] == measure.get_absolute_url() + "#nachnutzung"
    adoption = Adoption.objects.get()
    assert (adoption.stage, adoption.contact) == ("interessiert", None)
    assert not mailoutbox  # "interessiert" is not reported yet
    client.logout()
    text = _text(client.get(measure.get_absolute_url()))
    assert "Musterstadt interessiert Wir schauen uns das an. –" in text
    assert "amt@musterstadt.example" not in client.get(measure.get_absolute_url()).content.decode()


def test_from_under_review_on_the_project_contact_gets_one_mail(
    client, member, measure, mailoutbox
):
    client.force_login(member)
    _mark(client, measure)
    _mark(client, measure, stage="in_pruefung", note="Prüfung im Bauausschuss")
    _mark(client, measure, stage="in_pruefung", note="Prüfung im Bauausschuss")  # again
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["kontakt@projekt.example"]
    assert mail.subject == "[Transferportal] Musterstadt: „Parkraumsensorik“ in Prüfung"
    assert "Prüfung im Bauausschuss" in mail.body
    assert (
        "Musterstadt hat die Maßnahme „Parkraumsensorik“ im Smart-City-Transferportal" in mail.body
    )
    assert "Niemand aus der Kommune möchte als Ansprechperson genannt werden" in mail.body
    assert mail.reply_to == []
    assert "amt@musterstadt.example" not in mail.body
    _mark(client, measure, stage="umgesetzt", named_as_contact="on")
    assert len(mailoutbox) == 2
    assert "Mia Muster, amt@musterstadt.example" in mailoutbox[1].body
    assert mailoutbox[1].reply_to == ["amt@musterstadt.example"]
    # One current state, with its history.
    adoption = Adoption.objects.get()
    assert adoption.stage == "umgesetzt"
    assert list(adoption.changes.values_list("stage", flat=True)) == [
        "umgesetzt",
        "in_pruefung",
        "interessiert",
    ]


def test_without_a_project_contact_dabb_gets_the_mail(client, member, settings, mailoutbox):
    settings.PORTAL_CONTACT_EMAIL = "transfer@dabb.example"
    measure = factories.measure(factories.project(contact_email=""))
    client.force_login(member)
    _mark(client, measure, stage="in_umsetzung")
    assert mailoutbox[0].to == ["transfer@dabb.example"]
    assert "Bitte leiten Sie sie weiter." in mailoutbox[0].body


def test_the_contact_is_named_only_with_consent_and_until_it_is_withdrawn(client, member, measure):
    client.force_login(member)
    _mark(client, measure, named_as_contact="on")
    client.logout()
    html = client.get(measure.get_absolute_url()).content.decode()
    assert "Mia Muster" in html and 'href="mailto:amt@musterstadt.example"' in html
    client.force_login(member)
    form = client.get(measure.get_absolute_url()).content.decode()
    assert re.search(r'name="named_as_contact"[^>]*checked', form)
    _mark(client, measure)
    client.logout()
    assert "Mia Muster" not in client.get(measure.get_absolute_url()).content.decode()


def test_deleting_the_account_removes_the_contact_but_keeps_the_adoption(client, member, measure):
    client.force_login(member)
    _mark(client, measure, named_as_contact="on")
    member.delete()
    adoption = Adoption.objects.get()
    assert adoption.contact is None
    assert adoption.changes.get().changed_by is None


def test_rejecting_needs_a_reason_and_keeps_what_was_typed(client, member, measure):
    client.force_login(member)
    response = _mark(client, measure, stage="verworfen", note="Mein Hinweis")
    assert response.status_code == 400
    html = response.content.decode()
    assert "Bitte sagen Sie kurz, warum die Maßnahme verworfen wurde." in html
    assert re.search(r'name="note"[^>]*>\s*Mein Hinweis</textarea>', html)
    assert not Adoption.objects.exists()
    assert _mark(client, measure, stage="verworfen", reason="Zu teuer").status_code == 302
    assert Adoption.objects.get().reason == "Zu teuer"
    # A reason is kept only with "verworfen".
    _mark(client, measure, stage="interessiert", reason="Zu teuer")
    assert Adoption.objects.get().reason == ""


@pytest.mark.parametrize("stage", ["", "gibt-es-nicht"])
def test_an_unknown_stage_is_a_400(client, member, measure, stage):
    client.force_login(member)
    assert _mark(client, measure, stage=stage).status_code == 400
    assert not Adoption.objects.exists()


@pytest.mark.parametrize(
    "status", [Participant.Status.PENDING, Participant.Status.DECLINED, "kein Mitglied"]
)
def test_only_confirmed_members_may_mark(client, municipality, measure, status):
    if status == "kein Mitglied":
        user = factories.user("fremd@example.org")
    else:
        user = survey_factories.participant(municipality, "offen@example.org", status=status)
    client.force_login(user)
    page = client.get(measure.get_absolute_url()).content.decode()
    assert 'name="stage"' not in page
    assert "für Ihre Kommune bestätigt" in page
    assert _mark(client, measure).status_code == 403
    assert not Adoption.objects.exists()


def test_anonymous_visitors_are_sent_to_the_login(client, measure):
    page = client.get(measure.get_absolute_url()).content.decode()
    assert f'href="/konto/login/?next=/massnahmen/{measure.slug}/"' in page
    response = _mark(client, measure)
    assert response.status_code == 302 and "/konto/login/" in response["Location"]
    assert not Adoption.objects.exists()


def test_a_measure_the_member_may_not_see_cannot_be_marked(client, member):
    draft = factories.measure(published=False)
    client.force_login(member)
    assert _mark(client, draft).status_code == 404
    assert not Adoption.objects.exists()


def test_the_marking_needs_the_csrf_token(member, measure):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(member)
    assert _mark(strict, measure).status_code == 403


def test_the_municipality_page_lists_its_adoptions(client, member, municipality, measure):
    client.force_login(member)
    _mark(client, measure, stage="in_umsetzung")
    hidden = factories.measure(title="Zurückgezogen")
    Adoption.objects.create(municipality=municipality, measure=hidden, stage="interessiert")
    hidden.published = False
    hidden.save()
    client.logout()
    response = client.get("/kommunen/musterstadt/")
    assert response.status_code == 200
    text = _text(response)
    assert "Parkraumsensorik Smart Parken in Umsetzung" in text
    assert "Zurückgezogen" not in text
    assert client.get("/kommunen/gibt-es-nicht/").status_code == 404
    empty = factories.municipality(slug="leer")
    assert "Diese Kommune hat noch keine Maßnahme markiert." in _text(client.get("/kommunen/leer/"))
    assert empty.slug == "leer"


@pytest.mark.parametrize(
    "population, shown",
    [
        (4_999, "Größenklasse: unter 5.000 Einwohner"),
        (100_000, "100.000 Einwohner und mehr"),
        (None, None),
    ],
)
def test_the_municipality_page_names_its_size_class_in_the_same_query(
    client, population, shown, django_assert_num_queries
):
    factories.municipality(slug="gross", population=population)
    with django_assert_num_queries(2):  # the municipality with its size class, its adoptions
        text = _text(client.get("/kommunen/gross/"))
    if shown:
        assert shown in text
    else:
        assert "Größenklasse" not in text


def test_the_open_data_list_adoptions_without_personal_data(client, member, measure):
    client.force_login(member)
    _mark(client, measure, stage="umgesetzt", note="Privater Hinweis", named_as_contact="on")
    client.logout()
    content = client.get("/daten/nachnutzungen.csv").content.decode()
    rows = list(csv.DictReader(io.StringIO(content)))
    assert [
        (r["amtlicher_gemeindeschluessel"], r["kommune"], r["massnahme"], r["stufe"]) for r in rows
    ] == [("12345678", "Musterstadt", "parkraumsensorik", "umgesetzt")]
    assert "amt@musterstadt.example" not in content and "Privater Hinweis" not in content
    assert "Mia" not in content


def test_an_editor_correction_is_part_of_the_history(editor_client, municipality, measure):
    adoption = Adoption.objects.create(
        municipality=municipality, measure=measure, stage="interessiert"
    )
    url = f"/admin/projects/adoption/{adoption.pk}/change/"
    assert editor_client.get(url).status_code == 200
    response = editor_client.post(
        url,
        {
            "municipality": municipality.pk,
            "measure": measure.pk,
            "stage": "in_umsetzung",
            "reason": "",
            "note": "",
            "contact": "",
            "changes-TOTAL_FORMS": "0",
            "changes-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, _text(response)[:2000]
    change = AdoptionChange.objects.get()
    assert (change.stage, change.changed_by.is_staff) == ("in_umsetzung", True)


def test_my_data_download_lists_the_adoption_changes_of_the_person(client, member, measure):
    client.force_login(member)
    _mark(client, measure, stage="in_pruefung", note="Im Ausschuss", named_as_contact="on")
    data = json.loads(client.post("/konto/meine-daten/").content)
    [change] = data["von_ihnen_geaenderte_nachnutzungen"]
    assert change["kommune"] == "Musterstadt" and change["stand"] == "in Prüfung"
    assert change["hinweis"] == "Im Ausschuss" and change["als_ansprechperson_genannt"] is True
    from transfer_portal.portal.privacy import data_inventory

    assert any(str(what).startswith("Nachnutzung von Maßnahmen") for what, *_ in data_inventory())
