"""ResponseTopic is derived data: after any change of answers, options, topics or a
response's state it holds exactly the (response, topic) pairs that the answers of submitted
responses imply, each with its response's survey."""

import pytest
from django.core.management import call_command
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from surveys import services
from surveys.forms import AnswerData
from surveys.models import Answer, Choice, Response, ResponseTopic
from surveys.results import top_topics, topic_interest
from tests import factories
from tests.surveys import factories as survey_factories

pytestmark = pytest.mark.django_db


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
    ResponseTopic.objects.all().delete()
    call_command("rebuild_response_topics", verbosity=0)
    assert stored() == expected == implied()


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
