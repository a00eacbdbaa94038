"""Writes that span several models: saving a response with its answers (and its history),
copying a survey. Links of accounts to municipalities: surveys/membership.py."""

import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from projects.models import Municipality
from surveys.models import Answer, AssessmentRating, Choice, Response, ResponseVersion, Survey
from transfer_portal.lib import mail
from transfer_portal.lib.slugs import unique_slug


class SurveyClosedError(Exception):
    """The survey does not accept answers at this moment."""


class ConcurrentChangeError(Exception):
    """A colleague saved the municipality's response after this form was loaded."""

    def __init__(self, response):
        super().__init__("The response was changed since the form was loaded.")
        self.response = response


def response_version(response):
    """The state a form was loaded in: the response's last change, "" if there is none."""
    return "" if response is None else response.updated_at.isoformat()


def save_response(*, survey, municipality, user, answers, submit, loaded_version=None):
    """Replace the municipality's answers and, if `submit`, hand the response in.

    One response per survey and municipality: concurrent first saves meet at the unique
    constraint, and the loser continues with the winner's row (locked, so colleagues'
    saves run one after the other). With `loaded_version` (response_version() when the
    form was loaded), a response that a colleague saved in the meantime is not overwritten:
    ConcurrentChangeError. Returns (response, first_submission).
    """
    for attempt in range(2):
        try:
            with transaction.atomic():
                return _save(survey, municipality, user, answers, submit, loaded_version)
        except IntegrityError:
            if attempt:
                raise
    raise AssertionError("unreachable")


def _save(survey, municipality, user, answers, submit, loaded_version):
    now = timezone.now()
    if survey.state_at(now) != Survey.State.OPEN:
        raise SurveyClosedError
    response, created = Response.objects.select_for_update().get_or_create(
        survey=survey, municipality=municipality, defaults={"updated_by": user}
    )
    if (
        loaded_version is not None
        and not created
        and response_version(response) != loaded_version
        and response.updated_by_id != user.pk  # a double click or a second tab of one's own
    ):
        raise ConcurrentChangeError(response)
    first_submission = submit and not response.is_submitted
    if response.is_submitted:
        submit = True  # a submitted response stays submitted; changes are submitted again
    response.updated_by = user
    if submit:
        response.state = Response.State.SUBMITTED
        response.submitted_by = user
        response.submitted_at = now

    response.answers.all().delete()
    rows = Answer.objects.bulk_create(
        Answer(
            response=response,
            question=item.question,
            other_selected=item.other_selected,
            other_text=item.other_text,
            text=item.text,
            number=item.number,
        )
        for item in answers
    )
    Through = Answer.choices.through
    Through.objects.bulk_create(
        Through(answer_id=row.pk, choice_id=choice_id)
        for row, item in zip(rows, answers, strict=True)
        for choice_id in item.choice_ids
    )
    AssessmentRating.objects.bulk_create(
        AssessmentRating(answer_id=row.pk, dimension_id=dimension_id, today=today, target=target)
        for row, item in zip(rows, answers, strict=True)
        for dimension_id, (today, target) in item.ratings.items()
    )
    # Saved after its answers: saving a response recomputes which topics it chose
    # (surveys/topics.py; bulk_create sends no signal of its own).
    response.save()
    ResponseVersion.objects.create(
        response=response,
        saved_by=user,
        saved_at=response.updated_at,
        state=response.state,
        answers=version_answers(answers),
    )
    if submit and user.email:
        _confirm_submission(response, user, first=first_submission)
    return response, first_submission


def _confirm_submission(response, user, *, first):
    """The submitter's confirmation, in the language they answered in."""
    survey = response.survey
    title = {"title": survey.title}
    mail.send(
        to=[user.email],
        subject=lambda: (
            _("Your answers to “%(title)s” have been submitted") % title
            if first
            else _("Your changed answers to “%(title)s” have been submitted") % title
        ),
        template="surveys/email/confirmation.txt",
        context={
            "survey": survey,
            "response": response,
            "first": first,
            "url": settings.SITE_URL + reverse("surveys:survey_participate", args=[survey.slug]),
        },
        language=translation.get_language(),
        category="survey.submitted",
    )


def version_answers(answers):
    """The answers as a history entry keeps them: with the question's text and the options'
    labels as they read at the time (AnswerData with questions whose options are loaded)."""
    rows = []
    for item in answers:
        question = item.question
        labels = {choice.pk: choice.label for choice in question.choices.all()}
        rows.append(
            {
                "question_id": question.pk,
                "question": question.text,
                "choices": [labels[pk] for pk in item.choice_ids if pk in labels],
                "other": item.other_text if item.other_selected else "",
                "text": item.text,
                "number": item.number,
                **({"ratings": _version_ratings(question, item.ratings)} if item.ratings else {}),
            }
        )
    return rows


def _version_ratings(question, ratings):
    """[[dimension, step today, step aimed for]] with the names as they read at the time."""
    steps = question.steps
    return [
        [dimension.name, steps.get(ratings[dimension.pk][0]), steps.get(ratings[dimension.pk][1])]
        for dimension in question.dimensions.all()
        if dimension.pk in ratings
    ]


@transaction.atomic
def create_requested_municipality(participant):
    """Create the municipality a participant named (or find it) and link the participant
    to it, still pending: the editor confirms the link. Returns the municipality."""
    name = participant.requested_municipality.strip()
    municipality = Municipality.objects.filter(name__iexact=name).first()
    if municipality is None:
        municipality = Municipality.objects.create(
            name=name,
            slug=unique_slug(Municipality.objects.all(), name, fallback="kommune"),
            kind=Municipality.Kind.MUNICIPALITY,
        )
    participant.municipality = municipality
    participant.save(update_fields=["municipality", "updated_at"])
    return municipality


@transaction.atomic
def duplicate_survey(survey, *, now=None):
    """A draft copy with the same questions, options and self-assessment dimensions, for
    a follow-up round: the next wave of `survey`, each question mapped to its original."""
    now = now or timezone.now()
    slug = unique_slug(Survey.objects.all(), survey.slug, fallback="umfrage", suffix="-kopie")
    opens_at = now + datetime.timedelta(days=7)
    copy = Survey.objects.create(
        title=_("Copy of %(title)s") % {"title": survey.title},
        slug=slug,
        intro=survey.intro,
        opens_at=opens_at,
        closes_at=opens_at + (survey.closes_at - survey.opens_at),
        results_visibility=survey.results_visibility,
        editor_note=survey.editor_note,  # where the copied questions and options come from
        published=False,
        previous_wave=survey,
    )
    for question in survey.questions.prefetch_related("choices", "dimensions__topics"):
        choices = list(question.choices.all())
        dimensions = list(question.dimensions.all())
        original = question.pk
        question.pk = None
        question.survey = copy
        question.previous_question_id = original
        question._state.adding = True
        question.save()
        Choice.objects.bulk_create(
            Choice(question=question, position=c.position, label=c.label, topic_id=c.topic_id)
            for c in choices
        )
        for dimension in dimensions:
            topics = list(dimension.topics.all())
            dimension.pk, dimension.question = None, question
            dimension._state.adding = True
            dimension.save()
            dimension.topics.set(topics)
    return copy
