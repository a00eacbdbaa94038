"""Compiled queries (transfer_portal/lib/compiled.py) of the results pages: building and
compiling their querysets cost more CPU than running them (issue 18). Relations take the
ids of their questions and annotate each row's question as `owner` (compiled.prefetch())."""

from django.db.models import F

from projects.models import Topic
from surveys.models import AssessmentDimension, Choice, Question, ResultsSnapshot, Survey
from transfer_portal.lib.compiled import compiled


@compiled
def survey_by_slug(slug, *, editor):
    """The survey of a results page, with the numbers of its results (not those by segment:
    only their own page reads them, surveys/segments.py)."""
    return (
        Survey.objects.visible(editor=editor)
        .filter(slug=slug)
        .select_related("results_snapshot")
        .defer("results_snapshot__segments")
    )


@compiled
def questions_of_survey(survey):
    return Question.objects.filter(survey=survey)


@compiled
def choices_of_questions(questions):
    return Choice.objects.filter(question__in=questions).annotate(owner=F("question"))


@compiled
def dimensions_of_questions(questions):
    return AssessmentDimension.objects.filter(question__in=questions).annotate(owner=F("question"))


@compiled
def snapshot_of_survey(survey):
    # Without the numbers by segment: only their own page reads them (surveys/segments.py).
    return ResultsSnapshot.objects.defer("segments").filter(survey=survey)


@compiled
def topics_by_ids(ids):
    return Topic.objects.filter(pk__in=ids)
