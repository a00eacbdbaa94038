"""The history of a municipality's response: every save and submission, who and when, and
the answers of that version; seen by confirmed members and editors only."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from surveys import services
from surveys.forms import AnswerData
from surveys.models import Response, ResponseVersion
from tests import factories
from tests.surveys import factories as survey_factories
from tests.surveys.test_views import participate_url, valid_post

pytestmark = pytest.mark.django_db


def history_url(survey):
    return reverse("surveys:response_history", args=[survey.slug])


def test_every_save_and_submission_is_a_version_with_its_answers(
    client, participant, colleague, municipality, open_survey
):
    survey, questions = open_survey
    client.force_login(participant)
    client.post(participate_url(survey), valid_post(questions, action="zwischenspeichern"))
    client.force_login(colleague)
    client.post(
        participate_url(survey),
        valid_post(questions, **{f"frage_{questions['text'].pk}": "Geändert von Kollegin"}),
    )
    older, newer = ResponseVersion.objects.order_by("saved_at", "pk")
    assert (older.saved_by, older.state) == (participant, Response.State.DRAFT)
    assert (newer.saved_by, newer.state) == (colleague, Response.State.SUBMITTED)
    texts = {row["question"]: row for row in newer.answers}
    assert texts[questions["text"].text]["text"] == "Geändert von Kollegin"
    assert texts[questions["single"].text]["choices"] == ["Ja"]
    assert {row["question"]: row for row in older.answers}[questions["text"].text][
        "text"
    ] == "Mehr Austausch"


def test_a_version_keeps_the_wording_of_its_time(participant, municipality, open_survey):
    survey, questions = open_survey
    question = questions["single"]
    services.save_response(
        survey=survey,
        municipality=municipality,
        user=participant,
        answers=[AnswerData(question, choice_ids=[question.choices.first().pk])],
        submit=False,
    )
    question.text = "Neu formuliert?"
    question.save()
    question.choices.filter(label="Ja").update(label="Jawohl")
    [version] = ResponseVersion.objects.all()
    assert version.answers[0]["question"] != "Neu formuliert?"
    assert version.answers[0]["choices"] == ["Ja"]


def test_the_form_says_who_saved_last_and_when_and_links_the_history(
    client, participant, colleague, open_survey
):
    survey, questions = open_survey
    colleague.first_name, colleague.last_name = "Karla", "Kollegin"
    colleague.save()
    client.force_login(colleague)
    client.post(participate_url(survey), valid_post(questions, action="zwischenspeichern"))
    client.force_login(participant)
    html = client.get(participate_url(survey)).content.decode()
    assert "von: Karla Kollegin (kollegin@example.org)." in html
    assert "Verlauf: 1 gespeicherte Fassung" in html


def test_confirmed_members_read_the_history_newest_first(
    client, participant, colleague, open_survey
):
    survey, questions = open_survey
    for user, words in [(participant, "Erste Fassung"), (colleague, "Zweite Fassung")]:
        client.force_login(user)
        client.post(
            participate_url(survey),
            valid_post(
                questions, action="zwischenspeichern", **{f"frage_{questions['text'].pk}": words}
            ),
        )
    page = client.get(history_url(survey))
    assert page.status_code == 200
    html = page.content.decode()
    assert html.index("Zweite Fassung") < html.index("Erste Fassung")
    assert (
        "Gespeichert von: kollegin@example.org" in html
        and "Gespeichert von: teilnahme@example.org" in html
    )


def test_the_history_is_only_the_own_municipalitys(client, participant, open_survey):
    survey, questions = open_survey
    client.force_login(participant)
    client.post(participate_url(survey), valid_post(questions, action="zwischenspeichern"))
    elsewhere = survey_factories.participant(factories.municipality(), "anderswo@example.org")
    client.force_login(elsewhere)
    html = client.get(history_url(survey)).content.decode()
    assert "Mehr Austausch" not in html
    assert "Für Ihre Kommune ist noch nichts gespeichert." in html


def test_visitors_and_members_without_a_confirmed_link_do_not_see_the_history(
    client, member, open_survey
):
    survey, _questions = open_survey
    assert client.get(history_url(survey)).status_code == 302  # to the login
    client.force_login(member)
    assert client.get(history_url(survey)).status_code == 403


def test_a_deleted_account_is_named_as_such_and_its_versions_stay(
    client, participant, colleague, open_survey
):
    survey, questions = open_survey
    client.force_login(participant)
    client.post(participate_url(survey), valid_post(questions))
    client.post("/konto/loeschen/", {"password": "test-passwort-123"})
    assert not get_user_model().objects.filter(pk=participant.pk).exists()
    client.force_login(colleague)
    html = client.get(history_url(survey)).content.decode()
    assert "Gespeichert von: gelöschtes Konto" in html
    form = client.get(participate_url(survey)).content.decode()
    assert "von: gelöschtes Konto." in form
    assert Response.objects.get().is_submitted
