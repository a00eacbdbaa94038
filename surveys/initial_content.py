"""The 2022 DABB survey, as the source describes it.

Facts come only from ../shared/source (DABB page "Modellprojekte Smart Cities-Transfer
Unterstützung", checked 2026-11-28). The individual 2022 responses are unknown, so none
are created. Loading is idempotent: existing surveys, possibly edited, are left alone.
An open survey to try the form with is sample data (surveys/local_demo.py).
"""

import datetime
import zoneinfo

from django.conf import settings
from django.db import transaction

from projects.models import Topic
from surveys.models import Choice, Question, Survey, SurveyTopTopic

BERLIN = zoneinfo.ZoneInfo(settings.TIME_ZONE)

SURVEY_2022 = {
    "slug": "kommunalumfrage-2022",
    "title": "Kommunalumfrage 2022 zum Smart-City-Transfer",
    "intro": (
        "Damit das Wissen und die Erfahrungen aus den Modellprojekten Smart Cities allen "
        "Brandenburger Kommunen bedarfsgerecht zugutekommen, hat die DigitalAgentur "
        "Brandenburg alle Brandenburger Kommunen zu einer kurzen Online-Umfrage eingeladen: "
        "Welche Aspekte der Projekte in den geförderten Kommunen interessieren sie? Auf "
        "welchen Wegen möchten sie sich austauschen und informieren? Und wo stehen sie im "
        "Bereich Smart City, Smart Region?"
    ),
    # The source names only the month in which the survey ended (January 2022), so the
    # pages show closed surveys with month precision; the day here is a placeholder.
    "opens_at": datetime.datetime(2022, 1, 1, 0, 0, tzinfo=BERLIN),
    "closes_at": datetime.datetime(2022, 1, 31, 23, 59, tzinfo=BERLIN),
    "summary": (
        "Die Online-Umfrage endete im Januar 2022. 14 Brandenburger Kommunen haben sich "
        "beteiligt.\n\n"
        "TOP-Themen für einen Austausch mit den Modellprojekten Smart Cities sind "
        "Partizipation, Strategieentwicklung und Mobilität. Zu diesen Themen bietet die "
        "DigitalAgentur Brandenburg bereits Formate an, etwa den Onlinekurs Digitale "
        "Bürgerbeteiligung und die Schreibwerkstatt Digitalstrategien.\n\n"
        "Quelle: DigitalAgentur Brandenburg, „Modellprojekte Smart Cities-Transfer "
        "Unterstützung“ (geprüft am 28.11.2026)."
    ),
    "reported_participants": 14,
    "editor_note": (
        "Die Quelle (DABB-Seite „Modellprojekte Smart Cities-Transfer Unterstützung“) nennt "
        "nur die drei Fragen dieser Umfrage. Ihre Antwortmöglichkeiten hier sind ein Entwurf "
        "des Portals, nicht die der Umfrage 2022; deren Einzelantworten sind nicht bekannt. "
        "Bekannt sind nur die Angaben der Zusammenfassung."
    ),
    "top_topics": ["partizipation", "strategieentwicklung", "mobilitaet"],
}

QUESTIONS_2022 = [
    "Welche Aspekte der Projekte in den geförderten Kommunen interessieren Sie?",
    "Auf welchen Wegen möchten Sie sich austauschen und informieren?",
    "Wo stehen Sie im Bereich Smart City, Smart Region?",
]

# Topics in the order of the projects app; each option counts interest in its topic.
TOPIC_OPTIONS = [
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

CHANNEL_OPTIONS = [
    "Onlinekurse zum Selbstlernen",
    "Online-Workshops",
    "Workshops vor Ort",
    "Austausch- und Vernetzungstreffen mit den Modellprojekten",
    "Hospitationen und Besuche bei den Modellprojekten",
    "Newsletter",
    "Praxisbeispiele und Materialien in diesem Portal",
    "Persönliche Beratung durch die DigitalAgentur Brandenburg",
]

STAGE_OPTIONS = [
    "Wir haben uns mit dem Thema noch nicht befasst.",
    "Wir sammeln erste Ideen und Informationen.",
    "Wir erarbeiten eine Smart-City- oder Digitalstrategie.",
    "Wir haben eine Strategie und setzen erste Maßnahmen um.",
    "Wir setzen bereits mehrere Maßnahmen um und entwickeln sie weiter.",
]


def questions():
    """The three questions the source describes, in its words and order. The source gives no
    answer options: these are the portal's design (the 2022 survey has no recorded
    responses, so its options are never shown as its results)."""
    return [
        {
            "text": QUESTIONS_2022[0],
            "kind": Question.Kind.MULTIPLE,
            "required": True,
            "allow_other": True,
            "topics": TOPIC_OPTIONS,
        },
        {
            "text": QUESTIONS_2022[1],
            "kind": Question.Kind.MULTIPLE,
            "required": True,
            "allow_other": True,
            "labels": CHANNEL_OPTIONS,
        },
        {
            "text": QUESTIONS_2022[2],
            "kind": Question.Kind.SINGLE,
            "required": True,
            "labels": STAGE_OPTIONS,
        },
    ]


def add_questions(survey, specs, topics):
    for position, spec in enumerate(specs, 1):
        spec = dict(spec)
        topic_slugs = spec.pop("topics", [])
        labels = spec.pop("labels", [])
        question = Question.objects.create(survey=survey, position=position, **spec)
        options = [(topics[slug].name, topics[slug]) for slug in topic_slugs if slug in topics]
        options += [(label, None) for label in labels]
        Choice.objects.bulk_create(
            Choice(question=question, position=number, label=label, topic=topic)
            for number, (label, topic) in enumerate(options, 1)
        )


@transaction.atomic
def load():
    topics = {topic.slug: topic for topic in Topic.objects.all()}
    fields = {
        key: SURVEY_2022[key]
        for key in (
            "title",
            "intro",
            "opens_at",
            "closes_at",
            "summary",
            "reported_participants",
            "editor_note",
        )
    }
    survey, created = Survey.objects.get_or_create(
        slug=SURVEY_2022["slug"],
        defaults={
            **fields,
            "results_visibility": Survey.ResultsVisibility.AFTER_CLOSING,
            "published": True,
        },
    )
    if created:
        add_questions(survey, questions(), topics)
        for position, slug in enumerate(SURVEY_2022["top_topics"], 1):
            if slug in topics:
                SurveyTopTopic.objects.create(survey=survey, topic=topics[slug], position=position)
