"""Attendance after a date (issue 21, 2): editors mark it in the list of registrations,
attendees get the link to a printable confirmation once."""

import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from offers.models import Registration
from offers.services import attendance_token, mark_attendance
from tests.checkers import assert_valid_html
from tests.offers import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def past():
    start = timezone.now().replace(microsecond=0) - datetime.timedelta(days=1)
    return factories.event_date(
        factories.offer(title="Schreibwerkstatt Digitalstrategien"),
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2, minutes=30),
        title="Grundlagen",
        location="Potsdam",
    )


def _changelist_action(editor_client, action, registrations):
    return editor_client.post(
        reverse("admin:offers_registration_changelist"),
        {"action": action, "_selected_action": [r.pk for r in registrations]},
        follow=True,
    )


def test_editors_mark_attendance_and_attendees_get_their_confirmation_once(
    editor_client, past, mailoutbox
):
    kim = factories.registration(past, name="Kim Kommunal", email="kim@example.org")
    absent = factories.registration(past)
    waiting = factories.registration(past, state=Registration.State.WAITING)
    future = factories.registration(factories.event_date(days=3))
    response = _changelist_action(editor_client, "mark_attended", [kim, waiting, future])
    assert "1 Anmeldung markiert." in response.text
    assert "2 Anmeldungen blieben unverändert" in response.text
    _changelist_action(editor_client, "mark_absent", [absent])
    assert [
        r.attended
        for r in Registration.objects.filter(pk__in=[kim.pk, absent.pk, waiting.pk]).order_by("pk")
    ] == [True, False, None]
    [mail] = mailoutbox
    assert mail.to == ["kim@example.org"] and "Danke für Ihre Teilnahme" in mail.subject
    path = re.search(r"http://[^/\s]+(/termine/teilnahme/\S+/)", mail.body)[1]
    # Marking again sends nothing more.
    _changelist_action(editor_client, "mark_attended", [kim])
    assert len(mailoutbox) == 1

    page = Client().get(path)
    assert page.status_code == 200
    text = re.sub(r"\s+", " ", page.text)
    for expected in (
        "Teilnahmebestätigung",
        "Kim Kommunal",
        "Schreibwerkstatt Digitalstrategien – Grundlagen",
        "2 Stunden 30 Minuten",
        "Potsdam",
        "DigitalAgentur Brandenburg",
    ):
        assert expected in text, expected
    assert_valid_html({"confirmation of attendance": page.text})


def test_only_attendees_have_a_confirmation_and_links_cannot_be_made_up(client, past):
    absent = factories.registration(past, attended=False)
    assert (
        client.get(f"/termine/teilnahme/{attendance_token(absent)}/bestaetigung/").status_code
        == 404
    )
    assert client.get("/termine/teilnahme/erfunden/bestaetigung/").status_code == 404
    attendee = factories.registration(past)
    mark_attendance(Registration.objects.filter(pk=attendee.pk), True)
    assert (
        client.get(f"/termine/teilnahme/{attendance_token(attendee)}/bestaetigung/").status_code
        == 200
    )


def _feedback_path(mail):
    return re.search(r"http://[^/\s]+(/termine/rueckmeldung/\S+/)", mail.body)[1]


ANSWER = {"useful": "5", "applicable": "4", "organised": "3", "comment": "Mehr Beispiele, bitte."}


def test_an_attendee_answers_the_feedback_form_once_anonymously_and_editors_see_the_means(
    editor_client, past, mailoutbox
):
    from offers.models import DateFeedback

    kim = factories.registration(past, name="Kim Kommunal", email="kim@example.org")
    mark_attendance(Registration.objects.filter(pk=kim.pk), True)
    path = _feedback_path(mailoutbox[0])
    visitor = Client()
    page = visitor.get(path)
    assert page.status_code == 200 and "anonym" in page.text
    assert_valid_html({"feedback form": page.text})
    bad = visitor.post(path, {**ANSWER, "useful": "9"})
    assert bad.status_code == 400 and "Mehr Beispiele, bitte." in bad.text
    assert not DateFeedback.objects.exists()
    response = visitor.post(path, ANSWER, follow=True)
    assert "Vielen Dank für Ihre Rückmeldung" in response.text
    # Once: a second answer through the same link is not stored.
    again = visitor.post(path, {**ANSWER, "useful": "1"})
    assert again.status_code == 409 and "Vielen Dank für Ihre Rückmeldung" in again.text
    [answer] = DateFeedback.objects.all()
    assert (answer.useful, answer.applicable, answer.organised) == (5, 4, 3)
    assert answer.event_date == past
    # Nothing in the answer leads back to the person.
    stored = {field.name for field in DateFeedback._meta.concrete_fields}
    assert stored == {
        "id",
        "event_date",
        "useful",
        "applicable",
        "organised",
        "comment",
        "given_on",
    }

    date_page = editor_client.get(reverse("admin:offers_eventdate_change", args=[past.pk])).text
    assert "1 Antwort" in date_page and "hilfreich: 5,0" in date_page
    offer_page = editor_client.get(reverse("admin:offers_offer_change", args=[past.offer_id])).text
    assert "1 Antwort" in offer_page
    listing = editor_client.get(reverse("admin:offers_datefeedback_changelist")).text
    assert "Mehr Beispiele, bitte." in listing


def test_only_attendees_reach_the_feedback_form(client, past):
    from offers.services import feedback_token

    absent = factories.registration(past, attended=False)
    assert client.get(f"/termine/rueckmeldung/{feedback_token(absent)}/").status_code == 404
    assert client.get("/termine/rueckmeldung/erfunden/").status_code == 404
    assert client.post("/termine/rueckmeldung/erfunden/", ANSWER).status_code == 404
