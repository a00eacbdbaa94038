"""The seeded 2022 survey and the open follow-up survey; the local try-out account."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from projects.models import Municipality
from surveys import initial_content, local_demo
from surveys.models import Participant, Response, Survey

pytestmark = pytest.mark.django_db


def test_2022_survey_is_closed_with_its_three_questions_and_no_responses(seeded):
    survey = Survey.objects.get(slug="kommunalumfrage-2022")
    assert survey.state == Survey.State.CLOSED
    assert survey.closes_at.year == 2022 and survey.closes_at.month == 1
    assert survey.questions.count() == 3
    assert survey.reported_participants == 14
    assert not Response.objects.filter(survey=survey).exists()
    assert [link.topic.slug for link in survey.top_topic_links.all()] == [
        "partizipation",
        "strategieentwicklung",
        "mobilitaet",
    ]
    interests = survey.questions.get(position=1)
    assert interests.choices.filter(topic__isnull=False).count() == 12


def test_follow_up_survey_is_open_with_a_question_about_missing_topics(seeded):
    survey = Survey.objects.get(slug="folgeumfrage-smart-city-transfer")
    assert survey.is_open and survey.published
    assert survey.questions.count() == 4
    assert "nicht abdecken" in survey.questions.last().text


def test_loading_again_keeps_editors_changes_and_dates(seeded):
    survey = Survey.objects.get(slug="folgeumfrage-smart-city-transfer")
    survey.title = "Von der Redaktion geändert"
    survey.save()
    closes_at = survey.closes_at
    call_command("load_initial_content", verbosity=0)
    survey.refresh_from_db()
    assert survey.title == "Von der Redaktion geändert"
    assert survey.closes_at == closes_at
    assert Survey.objects.count() == 2
    assert survey.questions.count() == 4


def test_loading_without_topics_still_works(db):
    initial_content.load()
    assert Survey.objects.count() == 2


def test_local_demo_creates_a_labelled_sample_municipality_and_participant(seeded, client):
    out = io.StringIO()
    local_demo.load(out)
    municipality = Municipality.objects.get(name="Beispielgemeinde (Testdaten)")
    assert municipality.is_sample
    participant = Participant.objects.get(municipality=municipality)
    assert local_demo.PARTICIPANT_EMAIL in out.getvalue()
    password = out.getvalue().split("Passwort: ")[1].strip()
    assert client.login(username=participant.user.username, password=password)
    survey = Survey.objects.get(slug="folgeumfrage-smart-city-transfer")
    page = client.get(reverse("surveys:survey_participate", args=[survey.slug]))
    assert page.status_code == 200
    assert "Beispielgemeinde (Testdaten)" in page.content.decode()
