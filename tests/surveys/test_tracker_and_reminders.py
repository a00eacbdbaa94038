"""Running a survey (issue 20, part 4): the editors' response tracker and the reminders to
municipalities that have not submitted, from the outside."""

import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from projects.models import Municipality, SizeClass
from surveys.models import Participant, Response, SurveyReminder
from tests import factories
from tests.checkers import assert_valid_html
from tests.surveys import factories as survey_factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def running():
    """An open survey; in the Landkreis Barnim one municipality submitted, one saved a draft,
    one has not started; Cottbus (district-free) has not started either."""
    survey, questions = survey_factories.full_survey()
    barnim = factories.municipality(name="Barnim", slug="barnim", kind=Municipality.Kind.DISTRICT)
    done = factories.municipality(name="Bernau", district=barnim, population=40_000)
    draft = factories.municipality(name="Biesenthal", district=barnim, population=6_000)
    idle = factories.municipality(name="Britz", district=barnim, population=2_000)
    cottbus = factories.municipality(
        name="Cottbus", kind=Municipality.Kind.DISTRICT_FREE_CITY, population=98_000
    )
    survey_factories.response(survey, done, answers={questions["single"]: []})
    survey_factories.response(survey, draft, state=Response.State.DRAFT)
    members = {
        "done": survey_factories.participant(done, "bernau@example.org"),
        "draft": survey_factories.participant(draft, "biesenthal@example.org"),
        "idle": survey_factories.participant(idle, "britz@example.org"),
        "idle-opted-out": survey_factories.participant(idle, "britz-nein@example.org"),
        "pending": survey_factories.participant(
            cottbus, "cottbus@example.org", status=Participant.Status.PENDING
        ),
    }
    Participant.objects.filter(user=members["idle-opted-out"]).update(survey_reminders=False)
    return survey, members


def tracker_url(survey, **params):
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return reverse("surveys:response_tracker", args=[survey.slug]) + ("?" + query if query else "")


def remind_url(survey):
    return reverse("surveys:send_reminder", args=[survey.slug])


ROW = re.compile(r'<th scope="row"[^>]*>([^<]+)</th>\s*<td[^>]*>[^<]*</td>\s*<td>([^<]+?)\s*</td>')


def rows(html):
    """(name, state) of each municipality in the list (after the table of rates)."""
    return ROW.findall(html.split("Kommunen und ihr Stand", 1)[-1])


def test_only_editors_see_the_tracker_and_send_reminders(running, client):
    survey, members = running
    assert Client().get(tracker_url(survey)).status_code == 302  # to the login
    client.force_login(members["idle"])
    assert client.get(tracker_url(survey)).status_code == 403
    assert client.post(remind_url(survey)).status_code == 403
    assert not SurveyReminder.objects.exists()


def test_the_tracker_shows_each_municipality_with_its_state(running, editor_client):
    survey, _members = running
    html = editor_client.get(tracker_url(survey)).content.decode()
    states = dict(rows(html))
    assert states["Bernau"] == "abgegeben"
    assert states["Biesenthal"] == "Entwurf gespeichert"
    assert states["Britz"] == "nicht begonnen"
    assert states["Cottbus"] == "nicht begonnen"


@pytest.mark.parametrize(
    ("params", "shown"),
    [
        ({"landkreis": "barnim"}, {"Barnim", "Bernau", "Biesenthal", "Britz"}),
        ({"art": "kreisfreie_stadt"}, {"Cottbus"}),
        ({"stand": "entwurf"}, {"Biesenthal"}),
        ({"stand": "offen", "landkreis": "barnim"}, {"Barnim", "Britz"}),
    ],
)
def test_the_tracker_filters(running, editor_client, params, shown):
    survey, _members = running
    html = editor_client.get(tracker_url(survey, **params)).content.decode()
    assert {name for name, _state in rows(html)} == shown


def test_the_tracker_filters_by_size_class(running, editor_client):
    survey, _members = running
    size_class = SizeClass.objects.for_population(98_000)
    html = editor_client.get(tracker_url(survey, groesse=size_class.slug)).content.decode()
    names = {name for name, _state in rows(html)}
    assert "Cottbus" in names and "Britz" not in names


def test_the_response_rate_per_group(running, editor_client):
    survey, _members = running
    html = editor_client.get(tracker_url(survey, nach="landkreis")).content.decode()
    # Barnim: the Landkreis itself and three municipalities, one submitted: 25 %.
    assert '<td class="text-end">4</td><td class="text-end">1</td>' in html
    assert "25 %" in html


@pytest.mark.parametrize("params", [{"landkreis": "nirgendwo"}, {"stand": "x"}, {"nach": "y"}])
def test_an_unknown_filter_value_is_a_400_with_a_message(running, editor_client, params):
    survey, _members = running
    response = editor_client.get(tracker_url(survey, **params))
    assert response.status_code == 400
    assert "Diesen Filterwert gibt es nicht" in response.content.decode()


def test_a_reminder_reaches_every_member_who_has_not_submitted_once(
    running, editor_client, editor, mailoutbox
):
    survey, members = running
    response = editor_client.post(remind_url(survey))
    assert response.status_code == 302
    to = sorted(address for mail in mailoutbox for address in mail.to)
    # Not Bernau (submitted), not the member who opted out, not the pending request.
    assert to == ["biesenthal@example.org", "britz@example.org"]
    by_address = {mail.to[0]: mail for mail in mailoutbox}
    assert "Entwurf" in by_address["biesenthal@example.org"].body
    assert "noch nicht geantwortet" in by_address["britz@example.org"].body
    assert f"/umfragen/{survey.slug}/teilnehmen/" in by_address["britz@example.org"].body
    assert "/umfragen/ihre-kommune/#erinnerungen" in by_address["britz@example.org"].body
    reminder = SurveyReminder.objects.get()
    assert (reminder.sent_by, reminder.municipalities, reminder.recipients) == (editor, 2, 2)

    # A second click, by anybody, within the week: refused with a message, nothing sent.
    again = editor_client.post(remind_url(survey))
    assert again.status_code == 409
    assert "die nächste ist ab" in again.content.decode()
    assert len(mailoutbox) == 2
    assert SurveyReminder.objects.count() == 1

    # A week later it is possible again.
    SurveyReminder.objects.update(sent_at=timezone.now() - datetime.timedelta(days=7, minutes=1))
    assert editor_client.post(remind_url(survey)).status_code == 302
    assert len(mailoutbox) == 4


def test_the_tracker_tells_when_the_next_reminder_is_possible(running, editor_client):
    survey, _members = running
    html = editor_client.get(tracker_url(survey)).content.decode()
    assert "Erinnerung senden" in html
    editor_client.post(remind_url(survey))
    html = editor_client.get(tracker_url(survey)).content.decode()
    assert "Erinnerung senden" not in html
    assert "die nächste ist möglich ab" in html


def test_a_closed_survey_is_not_reminded_of(editor_client, mailoutbox):
    survey, _questions = survey_factories.full_survey(state="geschlossen")
    survey_factories.participant(factories.municipality(), "spaet@example.org")
    response = editor_client.post(remind_url(survey))
    assert response.status_code == 409
    assert "Nur an eine veröffentlichte, laufende Umfrage" in response.content.decode()
    assert not mailoutbox


def test_a_member_turns_reminders_off_and_on(running, client):
    survey, members = running
    client.force_login(members["idle"])
    page = client.get(reverse("surveys:membership")).content.decode()
    assert 'name="survey_reminders" id="id_survey_reminders" checked' in page
    response = client.post(reverse("surveys:reminder_preference"), {})
    assert response.status_code == 302
    assert not Participant.objects.get(user=members["idle"]).survey_reminders
    client.post(reverse("surveys:reminder_preference"), {"survey_reminders": "on"})
    assert Participant.objects.get(user=members["idle"]).survey_reminders
    assert Client().post(reverse("surveys:reminder_preference")).status_code == 302  # login


def test_the_tracker_queries_do_not_grow(running, editor_client, django_assert_max_num_queries):
    survey, _members = running
    with django_assert_max_num_queries(TRACKER_QUERIES) as before:
        editor_client.get(tracker_url(survey, nach="groesse"))
    for position in range(15):
        municipality = factories.municipality(population=500 * (position + 1))
        survey_factories.response(survey, municipality, answers={})
        survey_factories.participant(municipality)
    with django_assert_max_num_queries(TRACKER_QUERIES) as after:
        editor_client.get(tracker_url(survey, nach="groesse"))
    assert len(after.captured_queries) == len(before.captured_queries)


TRACKER_QUERIES = 20


def test_the_pages_are_valid_html(running, editor_client, client):
    survey, members = running
    documents = {
        "tracker": editor_client.get(tracker_url(survey)).content.decode(),
        "filtered": editor_client.get(tracker_url(survey, stand="abgegeben")).content.decode(),
        "bad filter": editor_client.get(tracker_url(survey, stand="x")).content.decode(),
    }
    editor_client.post(remind_url(survey))
    documents["after the reminder"] = editor_client.get(tracker_url(survey)).content.decode()
    documents["refused"] = editor_client.post(remind_url(survey)).content.decode()
    member = Client()
    member.force_login(members["idle"])
    documents["membership"] = member.get(reverse("surveys:membership")).content.decode()
    assert_valid_html(documents)


def test_an_unpublished_survey_is_not_reminded_of(running, editor_client, mailoutbox):
    survey, _members = running
    survey.published = False
    survey.save()
    assert editor_client.post(remind_url(survey)).status_code == 409
    assert not mailoutbox
