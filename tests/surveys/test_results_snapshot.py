"""ResultsSnapshot is derived data: after any change of responses, answers or options the
stored numbers of every survey equal a fresh count of its submitted responses."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from surveys import services
from surveys.forms import AnswerData
from surveys.models import Answer, Choice, Question, Response, ResultsSnapshot, Survey
from surveys.results import count_results
from tests import factories
from tests.surveys import factories as survey_factories

pytestmark = pytest.mark.django_db


def assert_snapshots_are_fresh():
    for survey in Survey.objects.all():
        snapshot = ResultsSnapshot.objects.get(survey=survey)
        participants, topic_counts, numbers = count_results(survey.pk)
        assert (snapshot.participants, snapshot.topic_counts, snapshot.numbers) == (
            participants,
            topic_counts,
            numbers,
        ), survey


@pytest.fixture
def setup():
    topics = factories.topic(name="Thema A"), factories.topic(name="Thema B")
    survey, questions = survey_factories.full_survey("offen", topics=topics)
    return survey, questions


def _submit(survey, questions, municipality, *, choice_ids, scale, submit=True):
    user = survey_factories.participant(municipality)
    answers = [
        AnswerData(questions["multiple"], choice_ids=choice_ids),
        AnswerData(questions["scale"], number=scale),
        AnswerData(questions["number"], number=scale * 10),
    ]
    services.save_response(
        survey=survey, municipality=municipality, user=user, answers=answers, submit=submit
    )


def test_a_new_survey_starts_with_empty_results(db):
    survey = survey_factories.survey("offen")
    snapshot = ResultsSnapshot.objects.get(survey=survey)
    assert snapshot.participants == 0 and snapshot.topic_counts == []
    assert_snapshots_are_fresh()


def test_saving_submitting_and_changing_responses_keep_the_results_fresh(setup):
    survey, questions = setup
    a, b, newsletter = questions["multiple"].choices.all()
    first, second = factories.municipality(), factories.municipality()
    _submit(survey, questions, first, choice_ids=[a.pk], scale=2, submit=False)  # a draft
    assert ResultsSnapshot.objects.get(survey=survey).participants == 0
    assert_snapshots_are_fresh()
    _submit(survey, questions, first, choice_ids=[a.pk, b.pk], scale=4)
    _submit(survey, questions, second, choice_ids=[newsletter.pk], scale=5)
    assert ResultsSnapshot.objects.get(survey=survey).participants == 2
    assert_snapshots_are_fresh()
    _submit(survey, questions, second, choice_ids=[b.pk], scale=1)  # changed after submitting
    assert_snapshots_are_fresh()


def test_editors_changes_keep_the_results_fresh(setup):
    """Set back to draft, options changed or deleted, a question or a response deleted."""
    survey, questions = setup
    a, b, newsletter = questions["multiple"].choices.all()
    for scale in (1, 3, 5):
        _submit(survey, questions, factories.municipality(), choice_ids=[a.pk, b.pk], scale=scale)
    response = Response.objects.first()
    response.state = Response.State.DRAFT
    response.save()
    assert ResultsSnapshot.objects.get(survey=survey).participants == 2
    assert_snapshots_are_fresh()
    answer = Answer.objects.filter(question=questions["multiple"]).last()
    answer.choices.remove(a)
    assert_snapshots_are_fresh()
    b.topic = None
    b.save()
    assert_snapshots_are_fresh()
    Choice.objects.get(pk=a.pk).delete()
    assert_snapshots_are_fresh()
    Question.objects.get(pk=questions["scale"].pk).delete()
    assert_snapshots_are_fresh()
    Response.objects.filter(state=Response.State.SUBMITTED).first().delete()
    assert ResultsSnapshot.objects.get(survey=survey).participants == 1
    assert_snapshots_are_fresh()


def test_deleting_a_survey_with_responses_leaves_no_snapshot(setup):
    survey, questions = setup
    _submit(survey, questions, factories.municipality(), choice_ids=[], scale=3)
    survey.delete()
    assert not ResultsSnapshot.objects.exists()


def test_the_command_counts_results_written_around_the_orm(client, setup):
    survey, questions = setup
    _submit(survey, questions, factories.municipality(), choice_ids=[], scale=3)
    Answer.objects.filter(question=questions["scale"]).update(number=5)  # no signals
    ResultsSnapshot.objects.all().delete()
    call_command("rebuild_response_topics", verbosity=0)
    assert_snapshots_are_fresh()
    page = client.get(reverse("surveys:survey_results", args=[survey.slug]))
    assert page.status_code == 200
    scale = page.context["results"].questions[2]
    assert scale.mean == 5 and [option.count for option in scale.options] == [0, 0, 0, 0, 1]


def test_a_missing_snapshot_is_counted_when_the_results_are_read(client, setup):
    survey, questions = setup
    _submit(survey, questions, factories.municipality(), choice_ids=[], scale=3)
    ResultsSnapshot.objects.all().delete()
    page = client.get(reverse("surveys:survey_results", args=[survey.slug]))
    assert page.status_code == 200
    assert page.context["results"].participants == 1
    assert_snapshots_are_fresh()
