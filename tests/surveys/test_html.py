"""Valid HTML (Nu Html Checker) on every survey page, in every state, errors included."""

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from projects.models import Topic
from surveys.forms import field_name
from surveys.results import home_highlights, topic_interest
from tests import factories
from tests.checkers import assert_valid_html
from tests.surveys import factories as survey_factories
from transfer_portal.lib.jinja import macro

pytestmark = pytest.mark.django_db

SAMPLE = "folgeumfrage-testdaten"
SURVEY_2022 = "kommunalumfrage-2022"


def _get(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, url
    return response.content.decode()


def test_public_survey_pages_are_valid_html(client, sample_survey):
    urls = [
        reverse("surveys:survey_list"),
        reverse("surveys:survey_detail", args=[SAMPLE]),
        reverse("surveys:survey_detail", args=[SURVEY_2022]),
        reverse("surveys:survey_results", args=[SURVEY_2022]),
    ]
    documents = {url: _get(client, url) for url in urls}
    forbidden = reverse("surveys:survey_results", args=[SAMPLE])
    documents[forbidden] = _get(client, forbidden, 403)
    assert_valid_html(documents)


def test_participant_pages_are_valid_html_including_errors(
    participant_client, member, sample_survey, closed_survey
):
    survey, questions = survey_factories.full_survey()
    survey_factories.response(survey, answers={questions["text"]: "Antwort"})
    url = reverse("surveys:survey_participate", args=[survey.slug])
    documents = {
        "form": _get(participant_client, reverse("surveys:survey_participate", args=[SAMPLE])),
        "closed": _get(
            participant_client, reverse("surveys:survey_participate", args=[closed_survey[0].slug])
        ),
        "detail as participant": _get(participant_client, survey.get_absolute_url()),
        "results with responses": _get(
            participant_client, reverse("surveys:survey_results", args=[survey.slug])
        ),
        "municipality already chosen": _get(
            participant_client, reverse("surveys:choose_municipality")
        ),
    }
    errors = participant_client.post(
        url,
        {
            "action": "absenden",
            field_name(questions["text"]): "x" * 60,
            field_name(questions["number"]): "500",
            field_name(questions["multiple"]): ["sonstiges"],
        },
    )
    assert errors.status_code == 400
    documents["form with errors"] = errors.content.decode()
    participant_client.post(url, {"action": "zwischenspeichern"})
    documents["draft"] = _get(participant_client, url)

    documents["history"] = _get(
        participant_client, reverse("surveys:response_history", args=[survey.slug])
    )

    participant_client.force_login(member)
    choose = reverse("surveys:choose_municipality")
    documents["choose"] = _get(participant_client, choose)
    documents["choose search"] = _get(participant_client, choose + "?q=Pots")
    documents["choose no match"] = _get(participant_client, choose + "?q=zzzz")
    invalid = participant_client.post(
        reverse("surveys:link_municipality"), {"municipality": "999999"}
    )
    assert invalid.status_code == 400
    documents["choose with errors"] = invalid.content.decode()
    missing = participant_client.post(reverse("surveys:report_missing_municipality"), {})
    assert missing.status_code == 400
    documents["missing with errors"] = missing.content.decode()
    assert_valid_html(documents)


def test_pages_of_pending_links_and_their_confirmation_are_valid_html(
    client, participant, municipality, open_survey
):
    from surveys import membership
    from surveys.models import Participant

    survey, _questions = open_survey
    newcomer = survey_factories.participant(municipality, "neu@example.org", status="offen")
    request = Participant.objects.get(user=newcomer)
    token = membership.decision_token(request, participant)
    decide = reverse("surveys:decide_link", args=[token])
    documents = {"decide": _get(client, decide)}
    wrong = client.post(decide, {"entscheidung": "vielleicht"})
    assert wrong.status_code == 400
    documents["decide without choice"] = wrong.content.decode()
    client.force_login(participant)
    documents["overview with a request"] = _get(client, reverse("surveys:membership"))
    client.force_login(newcomer)
    documents["pending: questions only"] = _get(client, survey_factories_url(survey))
    documents["pending: survey"] = _get(client, survey.get_absolute_url())
    documents["pending: overview"] = _get(client, reverse("surveys:membership"))
    documents["pending: choose"] = _get(client, reverse("surveys:choose_municipality"))
    client.post(decide, {"entscheidung": "ablehnen"})
    documents["declined"] = _get(client, decide)
    documents["declined: choose"] = _get(client, reverse("surveys:choose_municipality"))
    stranger = survey_factories.participant(factories.municipality(), "fremd@example.org")
    documents["not allowed"] = _get(
        client,
        reverse("surveys:decide_link", args=[membership.decision_token(request, stranger)]),
        403,
    )
    assert_valid_html(documents)


def survey_factories_url(survey):
    return reverse("surveys:survey_participate", args=[survey.slug])


def test_editor_results_and_partials_are_valid_html(editor_client, seeded):
    survey, questions = survey_factories.full_survey()
    survey_factories.response(survey, answers={questions["text"]: "Freitext"})
    documents = {
        "results for editors": _get(
            editor_client, reverse("surveys:survey_results", args=[survey.slug])
        )
    }
    topic = Topic.objects.get(slug="partizipation")
    partials = str(macro("surveys/interest.html", "topic_interest")(topic_interest(topic)))
    partials += render_to_string(
        "surveys/includes/home_call_to_action.html", {"highlights": home_highlights()}
    )
    assert "TOP-Thema" in partials and "Jetzt teilnehmen" in partials
    documents["partials"] = (
        '<!DOCTYPE html><html lang="de"><head><meta charset="utf-8"><title>Partials</title>'
        f"</head><body><main>{partials}</main></body></html>"
    )
    assert_valid_html(documents)


def test_survey_list_says_open_once(client, open_survey):
    """The section "Offene Umfragen" and "Offen bis …" say it; no "offen" badge between."""
    html = client.get("/umfragen/").content.decode()
    assert "Offen bis" in html
    assert ">offen</span>" not in html
