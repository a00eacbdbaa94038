"""The seeded 2022 survey; the local sample survey and try-out account."""

import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from projects.models import Municipality
from surveys import initial_content, local_demo
from surveys.models import Participant, Response, Survey

pytestmark = pytest.mark.django_db


def test_2022_survey_is_closed_with_its_three_questions_and_no_responses(seeded):
    survey = Survey.objects.get(slug="kommunalumfrage-2022")
    assert survey.state == Survey.State.CLOSED
    assert survey.closes_at.year == 2022 and survey.closes_at.month == 1
    assert list(survey.questions.values_list("text", flat=True)) == [
        "Welche Aspekte der Projekte in den geförderten Kommunen interessieren Sie?",
        "Auf welchen Wegen möchten Sie sich austauschen und informieren?",
        "Wo stehen Sie im Bereich Smart City, Smart Region?",
    ]
    interests = survey.questions.get(position=1)
    assert interests.choices.filter(topic__isnull=False).count() == 12
    assert survey.reported_participants == 14
    assert not Response.objects.filter(survey=survey).exists()
    assert [link.topic.slug for link in survey.top_topic_links.all()] == [
        "partizipation",
        "strategieentwicklung",
        "mobilitaet",
    ]


def test_editors_read_that_the_2022_options_are_a_design_and_visitors_never_see_it(
    seeded, client, editor_client
):
    survey = Survey.objects.get(slug="kommunalumfrage-2022")
    assert "Entwurf des Portals" in survey.editor_note
    public = [
        survey.get_absolute_url(),
        reverse("surveys:survey_results", args=[survey.slug]),
        "/umfragen/",
        "/daten/umfrageergebnisse.json",
        "/suche/?q=Entwurf",
    ]
    for url in public:
        response = Client().get(url)
        assert response.status_code == 200, url
        assert "Entwurf des Portals" not in response.content.decode(), url
    admin = editor_client.get(reverse("admin:surveys_survey_change", args=[survey.pk]))
    assert "Entwurf des Portals" in admin.content.decode()
    # A follow-up copied from it keeps the note, with the options it describes.
    from surveys.services import duplicate_survey

    assert duplicate_survey(survey).editor_note == survey.editor_note


def test_older_installations_get_the_note_on_the_2022_options(seeded):
    from importlib import import_module

    from django.apps import apps

    Survey.objects.update(editor_note="")
    migration = import_module("surveys.migrations.0007_survey_editor_note")
    migration.note_the_2022_options(apps, None)
    assert "Entwurf des Portals" in Survey.objects.get(slug="kommunalumfrage-2022").editor_note


def test_the_initial_content_has_no_open_survey(seeded):
    """No source describes a survey that is open now: the open one is local sample data."""
    assert Survey.objects.count() == 1
    assert not any(survey.is_open for survey in Survey.objects.all())


def test_loading_again_keeps_editors_changes(seeded):
    survey = Survey.objects.get(slug="kommunalumfrage-2022")
    survey.title = "Von der Redaktion geändert"
    survey.save()
    call_command("load_initial_content", verbosity=0)
    survey.refresh_from_db()
    assert survey.title == "Von der Redaktion geändert"
    assert Survey.objects.count() == 1
    assert survey.questions.count() == 3


def test_loading_without_topics_still_works(db):
    initial_content.load()
    assert Survey.objects.count() == 1


def test_local_demo_creates_a_labelled_sample_municipality_and_participant(seeded, client):
    out = io.StringIO()
    local_demo.load(out)
    municipality = Municipality.objects.get(name="Beispielgemeinde (Testdaten)")
    assert municipality.is_sample
    participant = Participant.objects.get(municipality=municipality)
    assert local_demo.PARTICIPANT_EMAIL in out.getvalue()
    password = out.getvalue().split("Passwort: ")[1].split()[0]
    assert client.login(username=participant.user.username, password=password)
    survey = Survey.objects.get(slug="folgeumfrage-testdaten")
    assert survey.is_open and survey.published
    assert survey.questions.count() == 4
    page = client.get(reverse("surveys:survey_participate", args=[survey.slug]))
    assert page.status_code == 200
    assert "Beispielgemeinde (Testdaten)" in page.content.decode()
    assert "Folgeumfrage zum Smart-City-Transfer (Testdaten)" in page.content.decode()
    # Loading again (serve on a database that has it) adds no second sample survey.
    local_demo.load_sample_survey()
    assert Survey.objects.filter(slug=survey.slug).count() == 1


def test_older_installations_lose_the_invented_survey_unless_it_was_answered_or_edited(db):
    """Migration 0006 on data as the earlier initial content left it."""
    import importlib

    from django.apps import apps

    from tests.surveys import factories as survey_factories

    migration = importlib.import_module(
        "surveys.migrations.0006_withdraw_invented_follow_up_survey"
    )
    invented = survey_factories.survey(
        "offen", slug=migration.FOLLOW_UP_SLUG, title=migration.FOLLOW_UP_TITLE
    )
    survey_2022 = survey_factories.survey("geschlossen", slug="kommunalumfrage-2022")
    old_text = "Wo steht Ihre Kommune im Bereich Smart City, Smart Region?"
    question = survey_factories.question(survey_2022, "einfach", ["A"], text=old_text)
    migration.forwards(apps, None)
    invented.refresh_from_db()
    question.refresh_from_db()
    assert not invented.published
    assert question.text == "Wo stehen Sie im Bereich Smart City, Smart Region?"

    answered = Survey.objects.get(pk=invented.pk)
    answered.published = True
    answered.save()
    survey_factories.response(answered)
    migration.forwards(apps, None)
    answered.refresh_from_db()
    assert answered.published  # answered: the editors decide
