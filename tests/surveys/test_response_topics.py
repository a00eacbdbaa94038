"""ResponseTopic is derived data: after any change of answers, options, topics or a
response's state it holds exactly the (response, topic) pairs that the answers of submitted
responses imply, each with its response's survey."""

import datetime

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from surveys import services
from surveys.forms import AnswerData
from surveys.models import (
    Answer,
    Choice,
    PublicTopicInterest,
    Response,
    ResponseTopic,
    Survey,
)
from surveys.results import top_topics, topic_interest
from tests import factories
from tests.surveys import factories as survey_factories

pytestmark = pytest.mark.django_db
SECOND = datetime.timedelta(seconds=1)


def implied():
    return set(
        Answer.choices.through.objects.filter(
            choice__topic__isnull=False, answer__response__state=Response.State.SUBMITTED
        )
        .values_list("answer__response_id", "choice__topic_id")
        .distinct()
    )


def stored():
    rows = list(
        ResponseTopic.objects.values_list(
            "response_id",
            "topic_id",
            "survey_id",
            "response__survey_id",
            "municipality_id",
            "response__municipality_id",
        )
    )
    # Survey and municipality are the response's, stored along.
    assert all(row[2] == row[3] and row[4] == row[5] for row in rows)
    pairs = [(response, topic) for response, topic, *_copies in rows]
    assert len(pairs) == len(set(pairs))
    return set(pairs)


def assert_in_step():
    assert stored() == implied()
    assert_interest_in_step()


def assert_interest_in_step():
    """PublicTopicInterest tells, at every moment, which municipalities have chosen a topic
    in a survey whose results are public then (results_public): checked at now and around
    every survey's opening and closing."""
    now = timezone.now()
    moments = {now}
    for opens, closes in Survey.objects.values_list("opens_at", "closes_at"):
        for moment in (opens, closes):
            moments.update((moment - SECOND, moment, moment + SECOND))
    for moment in moments:
        public = Survey.objects.results_public(moment)
        expected = set(
            ResponseTopic.objects.filter(survey__in=public).values_list("topic", "municipality")
        )
        since = PublicTopicInterest.objects.filter(public_from__lte=moment)
        assert set(since.values_list("topic", "municipality")) == expected, moment


@pytest.fixture
def setup():
    topic_a, topic_b = factories.topic(slug="a-thema"), factories.topic(slug="b-thema")
    survey, questions = survey_factories.full_survey(topics=(topic_a, topic_b))
    choices = list(questions["multiple"].choices.order_by("position"))  # A, B, Newsletter
    return survey, questions, choices, topic_a, topic_b


def submit(survey, questions, municipality, choice_ids):
    user = survey_factories.participant(municipality)
    answers = [AnswerData(questions["multiple"], choice_ids=choice_ids)]
    services.save_response(
        survey=survey, municipality=municipality, user=user, answers=answers, submit=True
    )


def test_saving_and_changing_a_response_keeps_its_topics(setup):
    survey, questions, (a, b, newsletter), topic_a, topic_b = setup
    place = factories.municipality()
    submit(survey, questions, place, [a.pk, newsletter.pk])
    assert stored() == {(Response.objects.get().pk, topic_a.pk)}
    submit(survey, questions, place, [b.pk])  # changed after submitting
    assert stored() == {(Response.objects.get().pk, topic_b.pk)}
    submit(survey, questions, place, [newsletter.pk])
    assert stored() == set()
    assert_in_step()


def test_only_submitted_responses_count(setup):
    survey, questions, (a, _b, _newsletter), topic_a, _topic_b = setup
    place = factories.municipality()
    user = survey_factories.participant(place)
    answers = [AnswerData(questions["multiple"], choice_ids=[a.pk])]
    services.save_response(
        survey=survey, municipality=place, user=user, answers=answers, submit=False
    )
    assert stored() == set()  # a draft
    assert top_topics(survey) == [] and topic_interest(topic_a).municipality_count == 0
    services.save_response(
        survey=survey, municipality=place, user=user, answers=answers, submit=True
    )
    response = Response.objects.get()
    assert stored() == {(response.pk, topic_a.pk)}
    assert topic_interest(topic_a).municipality_count == 1
    # The admin sets it back to draft and submits it again.
    response = Response.objects.get()
    response.state = Response.State.DRAFT
    response.save()
    assert stored() == set()
    response = Response.objects.get()
    response.state = Response.State.SUBMITTED
    response.save()
    assert_in_step()
    assert stored() == {(response.pk, topic_a.pk)}


def test_a_response_moved_to_another_municipality_takes_its_interest_along(setup):
    survey, questions, (a, _b, _newsletter), topic_a, _topic_b = setup
    response = survey_factories.response(survey, answers={questions["multiple"]: [a]})
    before, after = response.municipality, factories.municipality()
    response.municipality = after
    response.save()
    assert_in_step()
    assert list(PublicTopicInterest.objects.values_list("municipality", flat=True)) == [after.pk]
    assert before.pk != after.pk


def test_saving_a_stale_copy_of_a_response_keeps_the_rows_right(setup):
    survey, questions, (a, _b, _newsletter), topic_a, _topic_b = setup
    response = survey_factories.response(survey, answers={questions["multiple"]: [a]})
    first, second = Response.objects.get(pk=response.pk), Response.objects.get(pk=response.pk)
    first.state = Response.State.DRAFT
    first.save()
    assert stored() == set()
    second.save()  # submitted again, from a copy loaded before
    assert stored() == {(response.pk, topic_a.pk)}
    first.refresh_from_db()
    first.state = Response.State.DRAFT
    first.save()
    assert stored() == set()
    first.save(update_fields=["updated_at"])  # nothing that decides about the rows
    assert_in_step()


def test_a_response_moved_to_another_survey_takes_its_rows_along(setup):
    survey, questions, (a, _b, _newsletter), _topic_a, _topic_b = setup
    response = survey_factories.response(survey, answers={questions["multiple"]: [a]})
    other, _questions = survey_factories.full_survey()
    response = Response.objects.get(pk=response.pk)
    response.survey = other
    response.save()
    assert set(ResponseTopic.objects.values_list("survey_id", flat=True)) == {other.pk}


def test_changing_options_of_an_answer_directly(setup):
    survey, questions, (a, b, newsletter), _topic_a, _topic_b = setup
    response = survey_factories.response(survey, answers={questions["multiple"]: [a]})
    answer = response.answers.get()
    assert_in_step()
    answer.choices.add(b)
    assert_in_step()
    answer.choices.remove(a)
    assert_in_step()
    answer.choices.clear()
    assert stored() == set()
    b.answers.add(answer)  # from the option's side
    assert_in_step()
    assert len(stored()) == 1
    b.answers.remove(answer)
    assert stored() == set()
    b.answers.add(answer)
    b.answers.clear()
    assert stored() == set()
    assert_in_step()


def test_linking_an_option_to_another_topic_or_none(setup):
    survey, questions, (a, b, newsletter), topic_a, topic_b = setup
    for picked in ([a], [newsletter], [a, newsletter]):
        survey_factories.response(survey, answers={questions["multiple"]: picked})
    option = Choice.objects.get(pk=newsletter.pk)  # as the admin loads it
    option.topic = topic_b
    option.save()
    assert_in_step()
    assert {topic for _response, topic in stored()} == {topic_a.pk, topic_b.pk}
    option = Choice.objects.get(pk=a.pk)
    option.topic = None
    option.save()
    assert_in_step()
    Choice(pk=newsletter.pk, question=newsletter.question, label="neu", topic=None).save()
    assert_in_step()
    assert stored() == set()


def test_deleting_options_questions_topics_and_responses(setup):
    survey, questions, (a, b, newsletter), topic_a, topic_b = setup
    first = survey_factories.response(survey, answers={questions["multiple"]: [a, b]})
    survey_factories.response(survey, answers={questions["multiple"]: [b]})
    Choice.objects.get(pk=a.pk).delete()
    assert_in_step()
    first.delete()
    assert_in_step()
    survey_factories.response(survey, answers={questions["multiple"]: [b, newsletter]})
    topic_b.delete()  # the option loses its topic (SET_NULL), the rows go (CASCADE)
    assert_in_step()
    assert stored() == set()
    newsletter.topic = topic_a
    newsletter.save()
    assert_in_step()
    questions["multiple"].delete()
    assert_in_step()
    assert stored() == set()


def test_deleting_a_whole_survey_leaves_nothing_behind(setup):
    survey, questions, (a, b, _newsletter), _topic_a, _topic_b = setup
    for _ in range(3):
        survey_factories.response(survey, answers={questions["multiple"]: [a, b]})
    survey.delete()
    assert stored() == set()
    connection.check_constraints()  # no row points to a deleted response


def test_rebuilding_everything_restores_rows_written_around_the_orm(setup):
    survey, questions, (a, b, _newsletter), _topic_a, _topic_b = setup
    survey_factories.response(survey, answers={questions["multiple"]: [a]})
    survey_factories.response(survey, answers={questions["multiple"]: [a, b]})
    survey_factories.response(
        survey, answers={questions["multiple"]: [b]}, state=Response.State.DRAFT
    )
    expected = stored()
    interest = set(PublicTopicInterest.objects.values_list("topic", "municipality", "public_from"))
    assert len(interest) == 3
    ResponseTopic.objects.all().delete()
    PublicTopicInterest.objects.all().delete()
    call_command("rebuild_response_topics", verbosity=0)
    assert stored() == expected == implied()
    assert_interest_in_step()
    assert interest == set(
        PublicTopicInterest.objects.values_list("topic", "municipality", "public_from")
    )


def test_interest_is_public_from_the_earliest_public_results_of_a_place(setup):
    """A municipality that chose a topic in two surveys: public from the earlier of the two
    moments at which their results are public – and only as long as one of them is."""
    survey, questions, (a, _b, _newsletter), topic_a, _topic_b = setup
    later, later_questions = survey_factories.full_survey(
        "geschlossen",
        topics=(topic_a, _topic_b),
        results_visibility=Survey.ResultsVisibility.AFTER_CLOSING,
    )
    place = factories.municipality()
    survey_factories.response(survey, municipality=place, answers={questions["multiple"]: [a]})
    later_a = later_questions["multiple"].choices.get(topic=topic_a)
    survey_factories.response(
        later, municipality=place, answers={later_questions["multiple"]: [later_a]}
    )
    # The first is public while open (since it opened), the second since it closed.
    assert PublicTopicInterest.objects.get(topic=topic_a).public_from == min(
        survey.opens_at, later.closes_at
    )
    survey.results_visibility = Survey.ResultsVisibility.EDITORS
    survey.save()
    assert PublicTopicInterest.objects.get(topic=topic_a).public_from == later.closes_at
    assert_interest_in_step()
    later.closes_at = timezone.now() + datetime.timedelta(days=3)
    later.save()
    assert topic_interest(topic_a).municipality_count == 0  # not public yet
    soon = timezone.now() + datetime.timedelta(days=4)
    assert topic_interest(topic_a, now=soon).municipality_count == 1
    assert_interest_in_step()
    later.published = False
    later.save(update_fields=["published"])
    assert not PublicTopicInterest.objects.exists()
    assert_interest_in_step()


def test_publishing_and_withdrawing_surveys_in_the_list_updates_the_interest(setup, editor_client):
    survey, questions, (a, b, _newsletter), topic_a, _topic_b = setup
    survey_factories.response(survey, answers={questions["multiple"]: [a, b]})
    changelist = "/admin/surveys/survey/"
    for action, count in (("unpublish", 0), ("publish", 1)):
        response = editor_client.post(
            changelist, {"action": action, "_selected_action": [survey.pk]}, follow=True
        )
        assert response.status_code == 200
        assert topic_interest(topic_a).municipality_count == count
        assert_interest_in_step()


def test_a_deleted_response_or_survey_takes_its_interest_along(setup):
    survey, questions, (a, b, _newsletter), topic_a, topic_b = setup
    first = survey_factories.response(survey, answers={questions["multiple"]: [a, b]})
    survey_factories.response(survey, answers={questions["multiple"]: [b]})
    first.delete()
    assert set(PublicTopicInterest.objects.values_list("topic", flat=True)) == {topic_b.pk}
    assert_interest_in_step()
    survey.delete()
    assert not PublicTopicInterest.objects.exists()


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.lists(st.sampled_from([0, 1, 2]), max_size=2, unique=True), max_size=6))
def test_any_sequence_of_submissions_keeps_topics_and_counts_right(setup, submissions):
    survey, questions, choices, topic_a, topic_b = setup
    Response.objects.filter(survey=survey).delete()  # hypothesis runs many examples per test
    places = [factories.municipality() for _ in range(3)]
    for number, picked in enumerate(submissions):
        submit(survey, questions, places[number % 3], [choices[i].pk for i in picked])
    assert_in_step()
    # The counts the pages show, from the rows, against a count from the answers.
    final = {}
    for number, picked in enumerate(submissions):
        final[number % 3] = {choices[i].topic_id for i in picked} - {None}
    expected = {
        topic.pk: sum(topic.pk in chosen for chosen in final.values())
        for topic in (topic_a, topic_b)
    }
    shown = {rank.topic.pk: rank.count for rank in top_topics(survey)}
    assert shown == {pk: n for pk, n in expected.items() if n}
    interest = topic_interest(topic_a)
    assert interest.municipality_count == expected[topic_a.pk]
