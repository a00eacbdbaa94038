"""Survey waves (issue 20, part 3): a later survey asks again, its questions mapped to the
earlier ones; results show the change, the self-assessment the municipality's own."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from surveys.models import AssessmentDimension, Question, Survey
from tests import factories
from tests.checkers import assert_valid_html
from tests.surveys import factories as survey_factories
from tests.surveys.test_self_assessment import STEPS, rate

pytestmark = pytest.mark.django_db


@pytest.fixture
def waves():
    earlier = survey_factories.survey("geschlossen", title="Umfrage 2024")
    later = survey_factories.survey(title="Umfrage 2026", previous_wave=earlier)
    questions = {}
    for survey in (earlier, later):
        options = ["Ja", "Nein"] if survey is earlier else ["Ja", " nein ", "Weiß nicht"]
        single = survey_factories.question(survey, Question.Kind.SINGLE, options, text="Digital?")
        questions[survey.pk] = single
    questions[later.pk].previous_question = questions[earlier.pk]
    questions[later.pk].save()
    yes_then, no_then = questions[earlier.pk].choices.all()
    for choice in [yes_then] * 1 + [no_then] * 3:  # 25 % "Ja" then
        survey_factories.response(earlier, answers={questions[earlier.pk]: [choice]})
    yes_now, no_now, unsure = questions[later.pk].choices.all()
    for choice in [yes_now] * 3 + [no_now] * 1:  # 75 % "Ja" now
        survey_factories.response(later, answers={questions[later.pk]: [choice]})
    return earlier, later, questions


def results_html(client, survey):
    return client.get(reverse("surveys:survey_results", args=[survey.slug])).content.decode()


def test_results_show_the_change_since_the_earlier_wave(client, waves):
    earlier, later, _questions = waves
    html = " ".join(results_html(client, later).split())
    assert "Im Vergleich mit der früheren Welle „Umfrage 2024“" in html
    assert "25,0 %" in html and "75,0 %" in html
    assert "+50,0 Prozentpunkte" in html
    assert "-50,0 Prozentpunkte" in html  # "nein" matched to "Nein" despite the spaces
    assert "nicht gefragt" in html  # "Weiß nicht" was not an option then
    # The earlier wave itself compares with nothing.
    assert "früheren Welle" not in results_html(client, earlier)


def test_a_question_is_mapped_only_to_the_earlier_wave_and_the_same_kind(waves):
    earlier, later, questions = waves
    elsewhere = survey_factories.question(survey_factories.survey(), Question.Kind.SINGLE, ["Ja"])
    question = questions[later.pk]
    question.previous_question = elsewhere
    with pytest.raises(ValidationError, match="früheren Welle"):
        question.full_clean()
    question.previous_question = survey_factories.question(earlier, Question.Kind.TEXT)
    with pytest.raises(ValidationError, match="derselben Art"):
        question.full_clean()


def test_a_survey_is_no_earlier_wave_of_itself(waves):
    earlier, later, _questions = waves
    earlier.previous_wave = later
    with pytest.raises(ValidationError, match="frühere Welle von sich selbst"):
        earlier.full_clean()


def test_a_self_assessment_shows_the_municipality_its_own_change(client):
    earlier = survey_factories.survey("geschlossen", title="Selbstcheck 2024")
    later = survey_factories.survey(title="Selbstcheck 2026", previous_wave=earlier)
    own = factories.municipality(name="Wellenstadt", population=3_000)
    member = survey_factories.participant(own, "welle@example.org")
    setups = {}
    for survey in (earlier, later):
        question = survey_factories.question(survey, Question.Kind.SELF_ASSESSMENT, STEPS)
        dimensions = [
            AssessmentDimension.objects.create(question=question, position=i, name=name)
            for i, name in enumerate(["Daten", "Beteiligung", "Verwaltung digital"], 1)
        ]
        setups[survey.pk] = {"survey": survey, "question": question, "dimensions": dimensions}
    setups[later.pk]["question"].previous_question = setups[earlier.pk]["question"]
    setups[later.pk]["question"].save()
    rate(setups[earlier.pk], own, [(1, 3), (1, 2), (2, 2)])
    rate(setups[later.pk], own, [(3, 4), (1, 3), (2, 3)])
    client.force_login(member)
    html = client.get(reverse("surveys:self_assessment", args=[later.slug])).content.decode()
    assert "Heute in „Selbstcheck 2024“" in html
    row = html.split(">Daten</th>", 1)[1].split("</tr>", 1)[0]
    assert "Fortgeschritten" in row and "Noch nicht begonnen" in row  # now 3, then 1
    # The results compare the medians of both waves per dimension.
    results = results_html(client, later)
    assert "Median heute, damals" in results


def test_the_results_of_a_later_wave_keep_their_query_budget(
    client, waves, django_assert_max_num_queries
):
    _earlier, later, questions = waves
    with django_assert_max_num_queries(WAVE_RESULTS_QUERIES) as before:
        results_html(client, later)
    for _ in range(10):
        survey_factories.response(
            later, answers={questions[later.pk]: [questions[later.pk].choices.first()]}
        )
    with django_assert_max_num_queries(WAVE_RESULTS_QUERIES) as after:
        results_html(client, later)
    assert len(after.captured_queries) == len(before.captured_queries)


# The results page's own (tests/surveys/test_results.py), then the earlier wave and its
# questions, options, dimensions, snapshot and TOP topics: constant in the responses.
WAVE_RESULTS_QUERIES = 13


def test_the_page_is_valid_html(client, waves):
    _earlier, later, _questions = waves
    assert_valid_html({"later wave": results_html(client, later)})


def test_an_earlier_wave_whose_results_are_not_public_is_not_compared(client, waves, editor):
    earlier, later, _questions = waves
    earlier.results_visibility = Survey.ResultsVisibility.EDITORS
    earlier.save()
    assert "früheren Welle" not in results_html(Client(), later)
    client.force_login(editor)
    assert "früheren Welle" in results_html(client, later)


def test_a_copy_is_the_next_wave_with_its_dimensions(waves):
    from surveys.services import duplicate_survey

    _earlier, later, _questions = waves
    question = survey_factories.question(later, Question.Kind.SELF_ASSESSMENT, STEPS)
    dimension = AssessmentDimension.objects.create(question=question, name="Daten")
    dimension.topics.add(factories.topic())
    copy = duplicate_survey(later)
    assert copy.previous_wave == later
    copied = copy.questions.get(kind=Question.Kind.SELF_ASSESSMENT)
    assert copied.previous_question == question
    assert [d.name for d in copied.dimensions.all()] == ["Daten"]
    assert copied.dimensions.get().topics.count() == 1
    assert [c.label for c in copied.choices.all()] == STEPS
