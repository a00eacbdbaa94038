"""The two DABB offers and their contact persons, from the DABB page in ../shared/source.

The page gives no time of day for the Schreibwerkstatt dates, so they are date-only
entries. Idempotent: what exists (possibly edited in the admin) is left alone.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from offers.models import Contact, EventDate, Offer
from projects.initial_content import CHECKED_ON  # the DABB page, checked with the rest
from projects.models import Topic

CONTACTS = {
    "stefanie.klein@digital-agentur.de": {
        "name": "Stefanie Klein",
        "helps_with": "Fragen zum Onlinekurs Digitale Bürgerbeteiligung.",
        "position": 1,
    },
    "madleen.poeser@digital-agentur.de": {
        "name": "Madleen Poeser",
        "helps_with": "Fragen zur Schreibwerkstatt Digitalstrategien und zu ihren Terminen.",
        "position": 2,
    },
}

OFFERS = [
    {
        "slug": "onlinekurs-digitale-buergerbeteiligung",
        "title": "Onlinekurs Digitale Bürgerbeteiligung",
        "kind": Offer.Kind.ONLINE_COURSE,
        "format": Offer.Format.ONLINE,
        "topic": "partizipation",
        "contact": "stefanie.klein@digital-agentur.de",
        "summary": (
            "Wie sich kommunale Beteiligungsverfahren mit digitalen Formaten einfacher und "
            "mit wenig Aufwand umsetzen lassen."
        ),
        "description": (
            "Immer mehr Kommunen beziehen ihre Einwohnerinnen und Einwohner über die "
            "gesetzlich vorgeschriebenen Verfahren hinaus in Stadtplanung und "
            "Regionalentwicklung ein. Bei Bürgerhaushalten ist Brandenburg schon weit: Ein "
            "Drittel der Menschen im Land kann in der eigenen Kommune über einen "
            "Bürgerhaushalt mitentscheiden, teilweise auch digital.\n\n"
            "Auch viele andere Beteiligungsverfahren lassen sich mit digitalen Formaten "
            "leichter und mit weniger Aufwand durchführen. Wie das gelingt, zeigt der "
            "Onlinekurs der DigitalAgentur Brandenburg."
        ),
        "dates": [],
    },
    {
        "slug": "schreibwerkstatt-digitalstrategien",
        "title": "Schreibwerkstatt Digitalstrategien",
        "kind": Offer.Kind.WORKSHOP,
        "format": Offer.Format.ONLINE,
        "topic": "strategieentwicklung",
        "contact": "madleen.poeser@digital-agentur.de",
        "summary": (
            "Digitalstrategien entwickeln und umsetzen: ein Online-Workshop für Kommunen, "
            "der die Planung der Prozess- und Entwicklungsschritte verständlich macht und "
            "die ersten Schritte erklärt."
        ),
        "description": (
            "Die Digitalisierung verändert unser gesellschaftliches Zusammenleben wie kaum "
            "etwas anderes. Als Querschnittsthema eröffnet sie viele Möglichkeiten, eine "
            "Kommune oder Region attraktiver und lebenswerter zu machen – dieses Ziel steht "
            "hinter den Begriffen Smart City und Smart Region.\n\n"
            "Die DigitalAgentur Brandenburg bringt Erfahrung und Kompetenz auf dem Weg zur "
            "eigenen kommunalen Digitalstrategie mit. Die Schreibwerkstatt ist ein eigens auf "
            "Kommunen zugeschnittenes Format: Sie macht die Planung der Prozess- und "
            "Entwicklungsschritte der Digitalisierung verständlich und erklärt die ersten "
            "Schritte. Sie ist als Online-Workshop angelegt und begleitet die Teilnehmenden "
            "auch beim Einsatz passender digitaler Werkzeuge."
        ),
        # The source names only the days, no time of day.
        "dates": [
            ("Grundlagen", datetime.date(2022, 4, 5)),
            ("Vertiefung", datetime.date(2022, 4, 28)),
        ],
    },
]


def _midnight(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


@transaction.atomic
def load():
    contacts = {}
    for email, fields in CONTACTS.items():
        contacts[email], _created = Contact.objects.get_or_create(
            email=email, defaults={**fields, "published": True, "checked_on": CHECKED_ON}
        )
    for data in OFFERS:
        offer, created = Offer.objects.get_or_create(
            slug=data["slug"],
            defaults={
                "title": data["title"],
                "kind": data["kind"],
                "format": data["format"],
                "summary": data["summary"],
                "description": data["description"],
                "contact": contacts[data["contact"]],
                "published": True,
                "checked_on": CHECKED_ON,
            },
        )
        if not created:
            continue
        offer.topics.set(Topic.objects.filter(slug=data["topic"]))
        for title, day in data["dates"]:
            EventDate.objects.create(
                offer=offer, title=title, starts_at=_midnight(day), all_day=True
            )
