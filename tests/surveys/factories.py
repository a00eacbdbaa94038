"""Factories for surveys: a survey with one question of every kind, and responses."""

import datetime
import itertools

from django.utils import timezone

from surveys.models import Answer, Choice, Participant, Question, Response, Survey
from surveys.results import refresh_results
from tests import factories

_counter = itertools.count(1)
DAY = datetime.timedelta(days=1)


def survey(state="offen", **fields):
    n = next(_counter)
    now = timezone.now()
    opens, closes = {
        "offen": (now - DAY, now + 30 * DAY),
        "geplant": (now + DAY, now + 30 * DAY),
        "geschlossen": (now - 30 * DAY, now - DAY),
    }[state]
    fields.setdefault("title", f"Testumfrage {n}")
    fields.setdefault("slug", f"testumfrage-{n}")
    fields.setdefault("opens_at", opens)
    fields.setdefault("closes_at", closes)
    fields.setdefault("published", True)
    fields.setdefault("results_visibility", Survey.ResultsVisibility.WHILE_OPEN)
    return Survey.objects.create(**fields)


def question(survey_, kind, choices=(), **fields):
    fields.setdefault("position", survey_.questions.count() + 1)
    fields.setdefault("text", f"Frage {next(_counter)} ({kind})?")
    obj = Question.objects.create(survey=survey_, kind=kind, **fields)
    for position, spec in enumerate(choices, 1):
        label, topic = spec if isinstance(spec, tuple) else (spec, None)
        Choice.objects.create(question=obj, position=position, label=label, topic=topic)
    return obj


def full_survey(state="offen", topics=(), **fields):
    """A survey with one question of each kind; returns it with the questions by kind."""
    obj = survey(state, **fields)
    topic_a, topic_b = topics or (factories.topic(), factories.topic())
    questions = {
        "single": question(obj, Question.Kind.SINGLE, ["Ja", "Nein", "Weiß nicht"], required=True),
        "multiple": question(
            obj,
            Question.Kind.MULTIPLE,
            [("Thema A", topic_a), ("Thema B", topic_b), "Newsletter"],
            max_choices=2,
            allow_other=True,
        ),
        "scale": question(
            obj,
            Question.Kind.SCALE,
            scale_min_label="gar nicht",
            scale_max_label="sehr",
            required=True,
        ),
        "text": question(obj, Question.Kind.TEXT, max_length=50),
        "number": question(obj, Question.Kind.NUMBER, min_value=0, max_value=100),
    }
    return obj, questions


def participant(municipality=None, email=None, status=Participant.Status.CONFIRMED):
    """An account linked to a municipality; confirmed (by the editors) unless told."""
    user = factories.user(email)
    confirmed = status == Participant.Status.CONFIRMED
    Participant.objects.create(
        user=user,
        municipality=municipality or factories.municipality(),
        status=status,
        decided_via=Participant.DecidedVia.EDITOR if confirmed else "",
        decided_at=timezone.now() if confirmed else None,
    )
    return user


def response(survey_, municipality=None, state=Response.State.SUBMITTED, answers=None):
    """A response with answers {question: value}; value is choices, text or number."""
    obj = Response.objects.create(
        survey=survey_,
        municipality=municipality or factories.municipality(),
        state=state,
        submitted_at=timezone.now() if state == Response.State.SUBMITTED else None,
    )
    for question_, value in (answers or {}).items():
        answer = Answer(response=obj, question=question_)
        if question_.is_choice:
            answer.save()
            answer.choices.set(value)
            continue
        if question_.kind == Question.Kind.TEXT:
            answer.text = value
        else:
            answer.number = value
        answer.save()
    # Answers saved one by one, around surveys.services: count the results as it does.
    refresh_results([survey_.pk])
    return obj
