"""Sample data for trying the survey form locally: an open follow-up survey, a municipality
and a participant account, each labelled as test data wherever it is shown.

Only `manage.py serve` loads it, on a fresh database with DEBUG on: the source describes no
survey that is open now, so an open one with a deadline would be an invented fact.
"""

import datetime
import secrets

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from projects.models import Municipality, Topic
from surveys.initial_content import add_questions, questions
from surveys.models import Participant, Question, Survey
from transfer_portal.lib.accounts import create_verified_user

PARTICIPANT_EMAIL = "kommune@example.org"
SAMPLE_MUNICIPALITY = "Beispielgemeinde (Testdaten)"
SAMPLE_SURVEY_DAYS = 90

SAMPLE_SURVEY = {
    "slug": "folgeumfrage-testdaten",
    "title": "Folgeumfrage zum Smart-City-Transfer (Testdaten)",
    "intro": (
        "Nur zum Ausprobieren des Umfrageformulars in einer lokalen Installation: Diese "
        "Folgeumfrage ist ein Beispiel, keine Umfrage der DigitalAgentur Brandenburg, und ihre "
        "Frist ist ausgedacht. Sie stellt die Fragen der Kommunalumfrage 2022 und eine Frage "
        "nach Themen, die die Modellprojekte noch nicht abdecken. Sie können zwischendurch "
        "speichern."
    ),
}

NEW_TOPICS_QUESTION = {
    "text": (
        "Welche Themen, die die Modellprojekte bisher nicht abdecken, sind für Ihre Kommune "
        "wichtig?"
    ),
    "help_text": "Zum Beispiel ein Handlungsfeld, eine Technik oder eine Frage der Umsetzung.",
    "kind": Question.Kind.TEXT,
    "max_length": 2000,
}


@transaction.atomic
def load_sample_survey(now=None):
    """The open sample survey (idempotent); returns it."""
    now = now or timezone.now()
    closes_at = (timezone.localtime(now) + datetime.timedelta(days=SAMPLE_SURVEY_DAYS)).replace(
        hour=23, minute=59, second=0, microsecond=0
    )
    survey, created = Survey.objects.get_or_create(
        slug=SAMPLE_SURVEY["slug"],
        defaults={
            **SAMPLE_SURVEY,
            "opens_at": now,
            "closes_at": closes_at,
            "results_visibility": Survey.ResultsVisibility.AFTER_CLOSING,
            "published": True,
        },
    )
    if created:
        topics = {topic.slug: topic for topic in Topic.objects.all()}
        add_questions(survey, [*questions(), NEW_TOPICS_QUESTION], topics)
    return survey


def load(stdout):
    survey = load_sample_survey()
    municipality, _created = Municipality.objects.get_or_create(
        slug="beispielgemeinde-testdaten",
        defaults={
            "name": SAMPLE_MUNICIPALITY,
            "kind": Municipality.Kind.MUNICIPALITY,
            "is_sample": True,
        },
    )
    password = secrets.token_urlsafe(12)
    user = create_verified_user(
        PARTICIPANT_EMAIL, password, first_name="Beispiel", last_name="Kommune"
    )
    # Confirmed as if by the editors, so that the printed account can answer at once.
    Participant.objects.create(
        user=user,
        municipality=municipality,
        status=Participant.Status.CONFIRMED,
        decided_via=Participant.DecidedVia.EDITOR,
        decided_at=timezone.now(),
    )
    stdout.write(
        f"Lokales Teilnahmekonto für Umfragen ({SAMPLE_MUNICIPALITY}), "
        f"Anmeldung unter {settings.SITE_URL}{reverse('account_login')}:\n"
        f"  E-Mail:   {PARTICIPANT_EMAIL}\n  Passwort: {password}\n"
        f"  Zum Ausprobieren: {settings.SITE_URL}{survey.get_absolute_url()}\n"
    )
