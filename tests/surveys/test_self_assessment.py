"""The self-assessment (issue 20, part 1): rated in the survey form, a private profile
against peers with small groups hidden, and measures and offers where to go further."""

import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from offers.models import EventDate, Offer
from projects.models import Municipality
from surveys.forms import field_name
from surveys.models import (
    Answer,
    AssessmentDimension,
    AssessmentRating,
    Question,
    Response,
    Survey,
)
from surveys.results import median_step, refresh_results
from tests import factories
from tests.checkers import assert_valid_html
from tests.surveys import factories as survey_factories

pytestmark = pytest.mark.django_db

STEPS = ["Noch nicht begonnen", "Erste Schritte", "Fortgeschritten", "Vorreiter"]


@pytest.fixture
def setup():
    survey = survey_factories.survey()
    participation = factories.topic(name="Partizipation", slug="partizipation")
    question = survey_factories.question(
        survey, Question.Kind.SELF_ASSESSMENT, STEPS, text="Wo stehen Sie?", required=True
    )
    dimensions = []
    for position, name in enumerate(["Daten", "Beteiligung", "Verwaltung digital"], 1):
        dimension = AssessmentDimension.objects.create(
            question=question, position=position, name=name
        )
        dimensions.append(dimension)
    dimensions[1].topics.add(participation)
    measure = factories.measure(topics=[participation], title="Beteiligungsplattform")
    offer = Offer.objects.create(
        title="Online-Kurs Beteiligung", slug="kurs-beteiligung", kind="onlinekurs", published=True
    )
    offer.topics.add(participation)
    EventDate.objects.create(
        offer=offer, title="Grundlagen", starts_at=timezone.now() + datetime.timedelta(days=9)
    )
    barnim = factories.municipality(name="Barnim", kind=Municipality.Kind.DISTRICT)
    own = factories.municipality(name="Musterstadt", district=barnim, population=8_000)
    member = survey_factories.participant(own, "musterstadt@example.org")
    return {
        "survey": survey,
        "question": question,
        "dimensions": dimensions,
        "measure": measure,
        "offer": offer,
        "barnim": barnim,
        "own": own,
        "member": member,
    }


def rate(setup, municipality, values, state=Response.State.SUBMITTED):
    """A response of `municipality` with ratings [(today, target)] per dimension."""
    response = Response.objects.create(
        survey=setup["survey"],
        municipality=municipality,
        state=state,
        submitted_at=timezone.now() if state == Response.State.SUBMITTED else None,
    )
    answer = Answer.objects.create(response=response, question=setup["question"])
    for dimension, (today, target) in zip(setup["dimensions"], values, strict=True):
        AssessmentRating.objects.create(
            answer=answer, dimension=dimension, today=today, target=target
        )
    refresh_results([setup["survey"].pk])
    return response


def peers(setup, count, *, in_barnim, population=9_000):
    for _ in range(count):
        municipality = factories.municipality(
            district=setup["barnim"] if in_barnim else None, population=population
        )
        rate(setup, municipality, [(3, 4), (3, 3), (1, 2)])


def page(client, setup, **params):
    url = reverse("surveys:self_assessment", args=[setup["survey"].slug])
    return client.get(url, params)


def test_median_step():
    assert median_step({}) is None
    assert median_step({"1": 1, "3": 1}) == 2
    assert median_step({"1": 2, "2": 1, "4": 2}) == 2
    assert median_step({"2": 3, "3": 3}) == 2.5


def test_a_member_rates_in_the_survey_form_and_gets_the_ratings_back(client, setup):
    client.force_login(setup["member"])
    url = reverse("surveys:survey_participate", args=[setup["survey"].slug])
    html = client.get(url).content.decode()
    name = field_name(setup["question"])
    assert f'name="{name}_0"' in html and f'name="{name}_5"' in html
    words = " ".join(html.split())
    assert "Heute: Daten</label>" in words
    assert "Ziel in 2–3 Jahren: Verwaltung digital</label>" in words

    # Submitting with one rating missing: the question says what is missing, nothing saved.
    incomplete = {f"{name}_{i}": "2" for i in range(5)} | {"action": "absenden"}
    response = client.post(url, incomplete)
    assert response.status_code == 400
    assert "Bitte schätzen Sie jede Dimension" in response.content.decode()
    assert not Response.objects.exists()

    # A draft may be partial; the form shows it again.
    client.post(url, {f"{name}_0": "2", f"{name}_1": "4", "action": "zwischenspeichern"})
    rating = AssessmentRating.objects.get()
    assert (rating.dimension, rating.today, rating.target) == (setup["dimensions"][0], 2, 4)
    html = client.get(url).content.decode()
    assert '<option value="4" selected>Vorreiter</option>' in html

    complete = {f"{name}_{i}": str(1 + i % 4) for i in range(6)} | {"action": "absenden"}
    assert client.post(url, complete).status_code == 302
    ratings = AssessmentRating.objects.order_by("dimension__position")
    assert [(r.today, r.target) for r in ratings] == [(1, 2), (3, 4), (1, 2)]
    assert "Ihre Selbsteinschätzung im Vergleich" in client.get(url).content.decode()


def test_an_unknown_step_is_refused(client, setup):
    client.force_login(setup["member"])
    url = reverse("surveys:survey_participate", args=[setup["survey"].slug])
    name = field_name(setup["question"])
    data = {f"{name}_{i}": "2" for i in range(6)} | {f"{name}_3": "9", "action": "absenden"}
    response = client.post(url, data)
    assert response.status_code == 400
    assert not AssessmentRating.objects.exists()


def test_the_profile_hides_peer_groups_under_five_and_shows_them_at_five(client, setup):
    rate(setup, setup["own"], [(2, 4), (1, 3), (2, 2)])
    peers(setup, 4, in_barnim=True)
    peers(setup, 2, in_barnim=False)
    client.force_login(setup["member"])
    html = page(client, setup).content.decode()
    assert "Selbsteinschätzung: Musterstadt" in html
    # Brandenburg: 6 others, shown; Landkreis Barnim: 4 others, hidden with the reason.
    assert "Median heute: ganz Brandenburg" in html
    assert "Median heute: Landkreis Barnim" not in html
    assert "Weniger als 5 andere Kommunen dieser Gruppe" in html
    assert "6 andere Kommunen haben eingeschätzt" in html
    assert "<polygon" in html and 'role="img"' in html  # the chart, with the table below

    peers(setup, 1, in_barnim=True)
    html = page(client, setup).content.decode()
    assert "Median heute: Landkreis Barnim" in html
    assert "5 andere Kommunen haben eingeschätzt" in html


def test_fields_for_action_list_measures_and_offers_with_their_next_date(client, setup):
    rate(setup, setup["own"], [(2, 2), (1, 3), (2, 2)])
    peers(setup, 5, in_barnim=False)
    client.force_login(setup["member"])
    html = page(client, setup).content.decode()
    section = html.split('id="handlungsfelder"', 1)[1]
    # "Beteiligung": target above today and below the median of Brandenburg (3).
    assert "Beteiligung" in section
    assert "Ihr Ziel liegt über Ihrem heutigen Stand" in section
    assert "unter dem Median von ganz Brandenburg" in section
    assert "Beteiligungsplattform" in section
    assert "Online-Kurs Beteiligung" in section and "nächster Termin" in section
    # "Daten": at its target, above the median (3 > 2? no: 2 < 3) – below the median too.
    assert "Daten" in section
    # "Verwaltung digital": at target and above the median of 1: nothing to do.
    assert "Verwaltung digital" not in section


def test_only_members_and_editors_see_a_profile(client, setup, editor_client):
    rate(setup, setup["own"], [(2, 4), (1, 3), (2, 2)])
    assert (
        Client().get(reverse("surveys:self_assessment", args=[setup["survey"].slug])).status_code
        == 302
    )
    stranger = Client()
    stranger.force_login(factories.user())
    assert page(stranger, setup).status_code == 403
    other = Client()
    other.force_login(survey_factories.participant(factories.municipality()))
    assert "Musterstadt" not in page(other, setup).content.decode()  # their own, not submitted
    assert page(editor_client, setup, kommune=setup["own"].slug).status_code == 200
    assert (
        "Selbsteinschätzung: Musterstadt"
        in page(editor_client, setup, kommune=setup["own"].slug).content.decode()
    )
    assert page(editor_client, setup, kommune="gibt-es-nicht").status_code == 404


def test_a_draft_shows_no_profile(client, setup):
    rate(setup, setup["own"], [(2, 4), (1, 3), (2, 2)], state=Response.State.DRAFT)
    client.force_login(setup["member"])
    html = page(client, setup).content.decode()
    assert "hat die Umfrage noch nicht abgegeben" in html
    assert "<polygon" not in html


def test_a_survey_without_self_assessment_has_no_profile(client, setup):
    client.force_login(setup["member"])
    other = survey_factories.survey()
    url = reverse("surveys:self_assessment", args=[other.slug])
    assert client.get(url).status_code == 404


def test_public_results_show_only_medians(client, setup):
    rate(setup, setup["own"], [(2, 4), (1, 3), (2, 2)])
    peers(setup, 2, in_barnim=False)
    html = client.get(reverse("surveys:survey_results", args=[setup["survey"].slug])).content
    html = html.decode()
    assert "Median heute" in html
    assert "Fortgeschritten" in html  # the median of "Daten" today: 3, 3, 2 → 3
    assert "Musterstadt" not in html


def test_profile_queries_do_not_grow(client, setup, django_assert_max_num_queries):
    rate(setup, setup["own"], [(2, 4), (1, 3), (2, 2)])
    peers(setup, 5, in_barnim=True)
    client.force_login(setup["member"])
    with django_assert_max_num_queries(PROFILE_QUERIES) as before:
        page(client, setup)
    peers(setup, 12, in_barnim=False, population=30_000)
    with django_assert_max_num_queries(PROFILE_QUERIES) as after:
        page(client, setup)
    assert len(after.captured_queries) == len(before.captured_queries)


PROFILE_QUERIES = 22


def test_the_pages_are_valid_html(client, setup):
    client.force_login(setup["member"])
    participate = reverse("surveys:survey_participate", args=[setup["survey"].slug])
    documents = {
        "form": client.get(participate).content.decode(),
        "not submitted": page(client, setup).content.decode(),
    }
    name = field_name(setup["question"])
    documents["form with errors"] = client.post(
        participate, {f"{name}_0": "2", "action": "absenden"}
    ).content.decode()
    rate(setup, setup["own"], [(2, 4), (1, 3), (2, 2)])
    peers(setup, 5, in_barnim=True)
    documents["profile"] = page(client, setup).content.decode()
    documents["results"] = client.get(
        reverse("surveys:survey_results", args=[setup["survey"].slug])
    ).content.decode()
    assert_valid_html(documents)


def test_a_median_of_fewer_than_five_ratings_of_a_dimension_is_not_shown(client, setup):
    rate(setup, setup["own"], [(2, 4), (1, 3), (2, 2)])
    peers(setup, 4, in_barnim=False)
    # A fifth municipality rated only "Daten": Brandenburg has 5 others, "Beteiligung" 4.
    rate(setup, factories.municipality(), [(4, 4), (None, None), (None, None)])
    client.force_login(setup["member"])
    html = page(client, setup).content.decode()
    row = html.split('fw-normal">Beteiligung</th>', 1)[1].split("</tr>", 1)[0]
    # Today, target, and the median of Brandenburg: of four ratings, not shown.
    assert re.findall(r"<td>([^<]*)</td>", row) == ["Noch nicht begonnen", "Fortgeschritten", "–"]
    daten = html.split('fw-normal">Daten</th>', 1)[1].split("</tr>", 1)[0]
    assert "Fortgeschritten" in daten


def test_no_comparison_before_the_results_are_released(client, setup):
    survey = setup["survey"]
    survey.results_visibility = Survey.ResultsVisibility.AFTER_CLOSING
    survey.save()
    rate(setup, setup["own"], [(2, 4), (1, 3), (2, 2)])
    peers(setup, 6, in_barnim=True)
    client.force_login(setup["member"])
    html = page(client, setup).content.decode()
    assert "Median heute" not in html
    assert "noch nicht freigegeben" in html


def test_a_self_assessment_without_dimensions_does_not_block_submitting(client, setup):
    AssessmentDimension.objects.filter(question=setup["question"]).delete()
    client.force_login(setup["member"])
    url = reverse("surveys:survey_participate", args=[setup["survey"].slug])
    assert client.post(url, {"action": "absenden"}).status_code == 302
    assert Response.objects.get().state == Response.State.SUBMITTED


def _question_form(survey, **extra):
    data = {
        "survey": survey.pk,
        "position": 1,
        "text": "Wo stehen Sie?",
        "kind": "selbst",
        "max_length": 500,
        "choices-TOTAL_FORMS": 3,
        "choices-INITIAL_FORMS": 0,
        "choices-0-position": 1,
        "choices-0-label": "Am Anfang",
        "choices-1-position": 2,
        "choices-1-label": "Unterwegs",
        "choices-2-position": 3,
        "choices-2-label": "Weit",
        "dimensions-TOTAL_FORMS": 0,
        "dimensions-INITIAL_FORMS": 0,
    }
    data.update(extra)
    return data


def test_the_admin_refuses_a_self_assessment_without_dimensions(editor_client):
    survey = survey_factories.survey()
    url = reverse("admin:surveys_question_add")
    response = editor_client.post(url, _question_form(survey))
    assert response.status_code == 200  # the form again, with the reason
    assert "Eine Selbsteinschätzung braucht mindestens eine Dimension" in response.text
    assert not survey.questions.exists()
    response = editor_client.post(
        url,
        _question_form(
            survey,
            **{
                "dimensions-TOTAL_FORMS": 1,
                "dimensions-0-position": 1,
                "dimensions-0-name": "Daten und Plattformen",
            },
        ),
    )
    assert response.status_code == 302
    assert survey.questions.get().dimensions.get().name == "Daten und Plattformen"
