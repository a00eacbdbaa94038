"""The editors' side: response count and progress, duplicating, confirming municipalities."""

import pytest
from django.urls import reverse

from projects.models import Municipality
from surveys.models import Participant, Response, Survey
from tests import factories
from tests.surveys import factories as survey_factories

pytestmark = pytest.mark.django_db


def test_survey_list_shows_response_count_progress_and_export_links(editor_client):
    survey, _q = survey_factories.full_survey(title="Fortschrittsumfrage")
    survey_factories.response(survey)
    survey_factories.response(survey)
    survey_factories.response(survey, state=Response.State.DRAFT)
    html = editor_client.get(reverse("admin:surveys_survey_changelist")).content.decode()
    assert "Fortschrittsumfrage" in html
    assert "2 von 3 begonnenen Antworten abgegeben" in html
    assert reverse("surveys:survey_export", args=[survey.slug, "xlsx"]) in html


def test_survey_change_page_has_question_inlines(editor_client):
    survey, questions = survey_factories.full_survey()
    html = editor_client.get(
        reverse("admin:surveys_survey_change", args=[survey.pk])
    ).content.decode()
    assert questions["single"].text in html
    html = editor_client.get(
        reverse("admin:surveys_question_change", args=[questions["single"].pk])
    ).content.decode()
    assert "Weiß nicht" in html


def test_duplicate_action_copies_questions_and_options_as_a_draft(editor_client):
    survey, questions = survey_factories.full_survey(title="Runde 1")
    editor_client.post(
        reverse("admin:surveys_survey_changelist"),
        {"action": "duplicate", "_selected_action": [survey.pk]},
    )
    copy = Survey.objects.exclude(pk=survey.pk).get()
    assert copy.title == "Kopie von Runde 1"
    assert not copy.published
    assert [q.text for q in copy.questions.all()] == [q.text for q in questions.values()]
    copied_multiple = copy.questions.get(kind="mehrfach")
    assert [(c.label, c.topic) for c in copied_multiple.choices.all()] == [
        (c.label, c.topic) for c in questions["multiple"].choices.all()
    ]
    assert copied_multiple.max_choices == 2
    assert survey.questions.count() == 5  # the original keeps its questions


def test_confirming_a_named_municipality_creates_and_links_it(editor_client, member):
    participant = Participant.objects.create(user=member, requested_municipality="Neudorf")
    editor_client.post(
        reverse("admin:surveys_participant_changelist"),
        {"action": "confirm_requested", "_selected_action": [participant.pk]},
    )
    participant.refresh_from_db()
    assert participant.municipality == Municipality.objects.get(name="Neudorf")


def test_editors_can_correct_a_participants_municipality(editor_client, participant):
    link = Participant.objects.get(user=participant)
    other = factories.municipality(name="Andere Gemeinde")
    response = editor_client.post(
        reverse("admin:surveys_participant_change", args=[link.pk]),
        {"user": participant.pk, "municipality": other.pk, "requested_municipality": ""},
    )
    assert response.status_code == 302
    link.refresh_from_db()
    assert link.municipality == other


def test_non_editors_cannot_open_the_survey_admin(member_client):
    response = member_client.get(reverse("admin:surveys_survey_changelist"))
    assert response.status_code == 302
