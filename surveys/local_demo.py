"""Sample data for trying the survey form locally: an open survey, a municipality and a
participant account, each labelled as test data wherever it is shown.

Only `manage.py serve` loads it, on a fresh database with DEBUG on: the source describes
no survey that is open now, and the answer options below are made up for trying the form.
"""

import datetime
import secrets

from django.db import transaction
from django.utils import timezone

from projects.models import Municipality, Topic
from surveys.initial_content import QUESTIONS_2022, add_questions
from surveys.models import Participant, Question, Survey
from transfer_portal.local_demo import create_verified_user

PARTICIPANT_EMAIL = "kommune@example.org"
SAMPLE_MUNICIPALITY = "Beispielgemeinde (Testdaten)"
SAMPLE_SURVEY_DAYS = 90

SAMPLE_SURVEY = {
    "slug": "beispielumfrage-testdaten",
    "title": "Beispielumfrage zum Ausprobieren (Testdaten)",
    "intro": (
        "Nur zum Ausprobieren des Umfrageformulars in einer lokalen Installation: Dies ist "
        "keine Umfrage der DigitalAgentur Brandenburg. Die Fragen folgen der Kommunalumfrage "
        "2022, die Antwortmöglichkeiten sind Beispiele. Sie können zwischendurch speichern."
    ),
}

# Sample options: each topic option counts interest in its topic on the topic pages.
SAMPLE_TOPICS = [
    "partizipation",
    "strategieentwicklung",
    "mobilitaet",
    "verwaltung",
    "bildung",
    "gesundheit",
    "energie-klima",
    "stadtentwicklung",
    "wirtschaft",
    "daten-infrastruktur",
    "digitale-teilhabe",
    "sicherheit",
]
SAMPLE_CHANNELS = [
    "Onlinekurse zum Selbstlernen",
    "Online-Workshops",
    "Workshops vor Ort",
    "Austausch- und Vernetzungstreffen mit den Modellprojekten",
    "Newsletter",
    "Praxisbeispiele und Materialien in diesem Portal",
]
SAMPLE_STAGES = [
    "Wir haben uns mit dem Thema noch nicht befasst.",
    "Wir sammeln erste Ideen und Informationen.",
    "Wir erarbeiten eine Smart-City- oder Digitalstrategie.",
    "Wir setzen bereits Maßnahmen um.",
]


def _sample_questions():
    interests, channels, stage = QUESTIONS_2022
    return [
        {
            "text": interests,
            "kind": Question.Kind.MULTIPLE,
            "required": True,
            "allow_other": True,
            "topics": SAMPLE_TOPICS,
        },
        {
            "text": channels,
            "kind": Question.Kind.MULTIPLE,
            "required": True,
            "allow_other": True,
            "labels": SAMPLE_CHANNELS,
        },
        {
            "text": stage,
            "kind": Question.Kind.SINGLE,
            "required": True,
            "labels": SAMPLE_STAGES,
        },
        {
            "text": "Welche Themen fehlen Ihnen bisher?",
            "help_text": (
                "Zum Beispiel ein Handlungsfeld, eine Technik oder eine Frage der Umsetzung."
            ),
            "kind": Question.Kind.TEXT,
            "max_length": 2000,
        },
    ]


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
        add_questions(survey, _sample_questions(), topics)
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
    Participant.objects.create(user=user, municipality=municipality)
    stdout.write(
        f"Lokales Teilnahmekonto für Umfragen ({SAMPLE_MUNICIPALITY}), "
        "Anmeldung unter http://127.0.0.1:8000/konto/login/:\n"
        f"  E-Mail:   {PARTICIPANT_EMAIL}\n  Passwort: {password}\n"
        f"  Zum Ausprobieren: http://127.0.0.1:8000{survey.get_absolute_url()}\n"
    )
