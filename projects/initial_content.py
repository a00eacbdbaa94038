"""Initial content of the knowledge base, taken only from ../shared/source.

Every fact here has its source address and the date it was checked; what the sources do
not say stays empty. Loading is idempotent: existing records (possibly edited in the
admin) are left alone, missing ones are created.
"""

import datetime

from django.db import transaction

from projects.models import (
    Measure,
    MeasureSource,
    ModelProject,
    Municipality,
    ProjectSource,
    Topic,
)
from projects.topic_counts import counted_once
from transfer_portal.lib.slugs import portal_slugify

CHECKED_ON = datetime.date(2026, 11, 28)

TOPICS = [
    (
        "Partizipation",
        "partizipation",
        "Beteiligung von Einwohnerinnen und Einwohnern, auch mit digitalen Werkzeugen.",
    ),
    (
        "Strategieentwicklung",
        "strategieentwicklung",
        "Wie eine Kommune ihre eigene Smart-City- oder Digitalstrategie entwickelt und umsetzt.",
    ),
    ("Mobilität", "mobilitaet", "Verkehr, Mobilitätsangebote und Mobilitätswende."),
    ("Verwaltung", "verwaltung", "Digitale Verwaltung und Dienstleistungen für die Bürgerschaft."),
    ("Bildung", "bildung", "Lernen, Schule und digitale Kompetenzen."),
    ("Gesundheit", "gesundheit", "Gesundheitsversorgung und Pflege."),
    ("Energie & Klima", "energie-klima", "Energie, Klimaschutz und Klimaanpassung."),
    (
        "Stadtentwicklung",
        "stadtentwicklung",
        "Innenstädte, Quartiere und Dörfer lebendig entwickeln.",
    ),
    ("Wirtschaft", "wirtschaft", "Wirtschaft, Arbeit und Strukturwandel."),
    (
        "Daten & Infrastruktur",
        "daten-infrastruktur",
        "Datenplattformen, offene Daten, Sensornetze wie LoRaWAN und digitale Netze.",
    ),
    (
        "Digitale Teilhabe",
        "digitale-teilhabe",
        "Damit alle Menschen digitale Angebote nutzen können.",
    ),
    ("Sicherheit", "sicherheit", "Gefahrenabwehr, Katastrophenschutz und Resilienz."),
]

DISTRICTS = [
    "Barnim",
    "Dahme-Spreewald",
    "Elbe-Elster",
    "Havelland",
    "Märkisch-Oderland",
    "Oberhavel",
    "Oberspreewald-Lausitz",
    "Oder-Spree",
    "Ostprignitz-Ruppin",
    "Potsdam-Mittelmark",
    "Prignitz",
    "Spree-Neiße",
    "Teltow-Fläming",
    "Uckermark",
]
DISTRICT_FREE_CITIES = ["Brandenburg an der Havel", "Cottbus", "Frankfurt (Oder)", "Potsdam"]
# (name, kind, district) of the model-project municipalities that are not district-free.
MODEL_PROJECT_MUNICIPALITIES = [
    ("Guben", Municipality.Kind.CITY, "Spree-Neiße"),
    ("Bad Belzig", Municipality.Kind.CITY, "Potsdam-Mittelmark"),
    ("Wiesenburg/Mark", Municipality.Kind.MUNICIPALITY, "Potsdam-Mittelmark"),
]


def _source(title, url=""):
    return {"title": title, "url": url, "checked_on": CHECKED_ON}


PROGRAMME_SOURCE = _source(
    "Smart City Dialog: Modellprojekte Smart Cities",
    "https://smart-city-dialog.de/modellprojekte",
)

ZUKUNFTSSCHUSTEREI_SOURCES = [
    _source(
        "Smart City Dialog: Bad Belzig und Wiesenburg/Mark",
        "https://smart-city-dialog.de/mpsc/bad-belzig-und-wiesenburgmark",
    ),
    _source("Zukunftsschusterei: Förderprojekt", "https://zukunftsschusterei.de/foerderprojekt"),
    _source("Zukunftsschusterei: MPSC-Community", "https://zukunftsschusterei.de/mpsc-community"),
    _source("smartcountry.berlin Newsblog: „Bad Belzig auf dem Weg zur Smart City“"),
]

POTSDAM_SOURCES = [
    _source("Smart City Dialog: Potsdam", "https://smart-city-dialog.de/mpsc/potsdam"),
    _source(
        "Smart City Potsdam: Modellprojekt Smart City",
        "https://smartcity.potsdam.de/de/modellprojekt-smart-city",
    ),
    _source(
        "Smart City Potsdam: Rückblick und Ausblick",
        "https://smartcity.potsdam.de/de/rueckblick-und-ausblick",
    ),
]

PROJECTS = [
    {
        "slug": "cottbus",
        "title": "Cottbus/Chóśebuz",
        "municipalities": ["Cottbus"],
        "funding_round": 2019,
        "motto": "Agenda „Digitale Stadt Cottbus“",
        "summary": (
            "Cottbus/Chóśebuz wurde am 10. Juli 2019 als eines der ersten 13 Modellprojekte "
            "Smart Cities ausgewählt, in der Kategorie „Mittlere Städte“, und war in der "
            "ersten Staffel der einzige Standort in Brandenburg. Weil es die Agenda "
            "„Digitale Stadt Cottbus“ bereits gab, konnte die Stadt direkt mit der "
            "Umsetzung beginnen."
        ),
        "fields_of_action": [
            "Bildung",
            "Energie",
            "Gesundheit",
            "Mobilität",
            "Stadtentwicklung",
            "Verwaltung",
            "Wirtschaft",
        ],
        "website": "https://cottbus-digital.de",
        "topics": [
            "bildung",
            "energie-klima",
            "gesundheit",
            "mobilitaet",
            "stadtentwicklung",
            "verwaltung",
            "wirtschaft",
        ],
        "sources": [
            # The facts file gives these two only as addresses: no titles are made up.
            _source(
                "Märkischer Bote",
                "https://maerkischer-bote.de/titel-beitraege/cottbus-ist-smart-modell-195314",
            ),
            _source(
                "rbb24 Studio Cottbus",
                "https://rbb24.de/studiocottbus/politik/2019/07/cottbus-modellstadt-smart-cities.html",
            ),
            _source("Süddeutsche Zeitung (dpa), 10.07.2019"),
            _source(
                "Cottbus digital: Mitwirkende", "https://cottbus-digital.de/de/mitwirkende.html"
            ),
        ],
        "measures": [
            {
                "title": "Energiemonitoring",
                "topics": ["energie-klima"],
                "sources": [_source("Cottbus digital (2023)", "https://cottbus-digital.de")],
            },
            {
                "title": "Self-Check-in am Carl-Thiem-Klinikum",
                "topics": ["gesundheit"],
                "sources": [
                    _source(
                        "smartcountry.berlin Newsblog: „Cottbus/Chóśebuz auf dem Weg zur "
                        "Smart City“"
                    )
                ],
            },
            {
                "title": "App für Großschadenslagen",
                "topics": ["sicherheit", "gesundheit"],
                "sources": [
                    _source(
                        "smartcountry.berlin Newsblog: „Cottbus/Chóśebuz auf dem Weg zur "
                        "Smart City“"
                    )
                ],
            },
            {
                "title": "Open-Data-Portal mit 3D-Stadtansicht",
                "topics": ["daten-infrastruktur", "stadtentwicklung"],
                "sources": [_source("Kommune21: „Datendrehscheibe der Stadt“")],
            },
            {
                "title": "Planungs- und Beteiligungsportal",
                "topics": ["partizipation", "stadtentwicklung"],
                "sources": [_source("Kommune21: „Datendrehscheibe der Stadt“")],
            },
            {
                "title": "Immobilienportal",
                "topics": ["stadtentwicklung", "wirtschaft"],
                "sources": [_source("Kommune21: „Datendrehscheibe der Stadt“")],
            },
            {
                "title": "Verkehrszählung",
                "topics": ["mobilitaet", "daten-infrastruktur"],
                "sources": [_source("Kommune21: „Datendrehscheibe der Stadt“")],
            },
        ],
    },
    {
        "slug": "bad-belzig-wiesenburg-mark",
        "title": "Bad Belzig & Wiesenburg/Mark – Zukunftsschusterei",
        "municipalities": ["Bad Belzig", "Wiesenburg/Mark"],
        "funding_round": 2020,
        "motto": "Zukunftsschusterei",
        "summary": (
            "Die Stadt Bad Belzig und die Gemeinde Wiesenburg/Mark bilden gemeinsam ein "
            "Modellprojekt Smart Cities der zweiten Staffel (2020). Die Förderung läuft seit "
            "Januar 2021 über sieben Jahre. Leitziele sind „Starke Verbindungen“, "
            "„Lebendige Zentren“ und „Gesundes Lebensumfeld“."
        ),
        "fields_of_action": [
            "Verwaltung für Morgen",
            "Gesundheit der Zukunft",
            "Mobilität / Mobilitätscampus",
            "Vitale Innenstadt",
            "Dorfgemeinschaftshäuser 2.0",
            "Smart Village Campus",
            "Digitale Teilhabe",
            "Planen mit Daten / LoRaWAN",
        ],
        "topics": [
            "verwaltung",
            "gesundheit",
            "mobilitaet",
            "stadtentwicklung",
            "digitale-teilhabe",
            "daten-infrastruktur",
        ],
        "website": "https://zukunftsschusterei.de",
        "sources": ZUKUNFTSSCHUSTEREI_SOURCES,
        "measures": [
            {"title": "Verwaltung für Morgen", "topics": ["verwaltung"]},
            {"title": "Gesundheit der Zukunft", "topics": ["gesundheit"]},
            {"title": "Mobilität / Mobilitätscampus", "topics": ["mobilitaet"]},
            {"title": "Vitale Innenstadt", "topics": ["stadtentwicklung"]},
            {"title": "Dorfgemeinschaftshäuser 2.0", "topics": ["stadtentwicklung"]},
            {"title": "Smart Village Campus", "topics": []},
            {"title": "Digitale Teilhabe", "topics": ["digitale-teilhabe"]},
            {"title": "Planen mit Daten / LoRaWAN", "topics": ["daten-infrastruktur"]},
        ],
        "measure_summary": "Eines der acht Maßnahmenbündel der Zukunftsschusterei.",
        # As for Potsdam: the facts file does not say which of the project's sources names
        # the bundles, so each cites all of them.
        "measure_sources": ZUKUNFTSSCHUSTEREI_SOURCES,
        "measure_slug_prefix": "zukunftsschusterei",
    },
    {
        "slug": "potsdam",
        "title": "Potsdam",
        "municipalities": ["Potsdam"],
        "funding_round": 2021,
        "motto": "Innovativ. Grün. Gerecht.",
        "summary": (
            "Potsdam wurde am 15. Juli 2021 in der dritten Staffel als Modellprojekt Smart "
            "Cities bewilligt. Die Strategie steht unter dem Leitbild „Innovativ. Grün. "
            "Gerecht.“"
        ),
        "fields_of_action": [
            "Urbane Netzwerke",
            "Digitale Teilhabe",
            "Quartiersentwicklung",
            "Klimaschutz und Klimaanpassung",
            "Mobilitätswende",
            "Smart Region",
        ],
        "topics": [
            "daten-infrastruktur",
            "digitale-teilhabe",
            "stadtentwicklung",
            "energie-klima",
            "mobilitaet",
        ],
        "website": "https://smartcity.potsdam.de",
        "sources": POTSDAM_SOURCES,
        "measures": [
            {"title": "Potsdam Lab", "topics": []},
            {"title": "Regio.hub", "topics": []},
            {"title": "LoRaWAN-Netz", "topics": ["daten-infrastruktur"]},
            {"title": "Urbane Datenplattform", "topics": ["daten-infrastruktur"]},
            {"title": "PaSMo", "topics": []},
            {"title": "Cooling Points", "topics": ["energie-klima"]},
        ],
        # The facts file names the projects for Potsdam without saying which of its three
        # sources names them: each measure cites all three.
        "measure_sources": POTSDAM_SOURCES,
        "measure_slug_prefix": "potsdam",
    },
    {
        "slug": "guben",
        "title": "Guben",
        "municipalities": ["Guben"],
        "funding_round": 2021,
        "motto": "Eurostadt Guben/Gubin – Grenzenlos.smart",
        "summary": (
            "Guben ist seit 2021 Modellprojekt Smart Cities (dritte Staffel). Die Vision "
            "„Eurostadt Guben/Gubin – Grenzenlos.smart“ bezieht die polnische Nachbarstadt "
            "Gubin ein."
        ),
        "fields_of_action": [
            "Digitalisierung für den Strukturwandel",
            "Smarte europäische Stadt / resiliente Bürgerschaft",
            "Smarte Gefahrenabwehr",
        ],
        "topics": ["wirtschaft", "stadtentwicklung", "sicherheit"],
        "website": "https://smart.guben.de",
        "sources": [
            _source(
                "Smart City Dialog: Smart-City-Modellprojekt Guben",
                "https://smart-city-dialog.de/modellprojekte/smart-city-modellprojekt-guben",
            ),
            _source("Smart Guben", "https://smart.guben.de"),
        ],
        "measures": [],
    },
]


def _ensure_municipality(name, kind, district=None):
    municipality = Municipality.objects.filter(name=name, kind=kind).first()
    if municipality is None:
        slug = portal_slugify(name)
        if Municipality.objects.filter(slug=slug).exists():
            slug = portal_slugify(f"{name} {kind}")
        municipality = Municipality.objects.create(
            name=name, slug=slug, kind=kind, district=district
        )
    return municipality


def load_municipalities():
    districts = {name: _ensure_municipality(name, Municipality.Kind.DISTRICT) for name in DISTRICTS}
    for name in DISTRICT_FREE_CITIES:
        _ensure_municipality(name, Municipality.Kind.DISTRICT_FREE_CITY)
    for name, kind, district in MODEL_PROJECT_MUNICIPALITIES:
        _ensure_municipality(name, kind, districts[district])


def load_topics():
    for position, (name, slug, description) in enumerate(TOPICS, start=1):
        Topic.objects.get_or_create(
            slug=slug, defaults={"name": name, "description": description, "position": position}
        )


def load_projects():
    topics = {topic.slug: topic for topic in Topic.objects.all()}
    municipalities = {
        m.name: m for m in Municipality.objects.exclude(kind=Municipality.Kind.DISTRICT)
    }
    for data in PROJECTS:
        project, created = ModelProject.objects.get_or_create(
            slug=data["slug"],
            defaults={
                "title": data["title"],
                "funding_round": data["funding_round"],
                "motto": data["motto"],
                "summary": data["summary"],
                "fields_of_action": "\n".join(data["fields_of_action"]),
                "website": data.get("website", ""),
                "published": True,
            },
        )
        if not created:
            continue
        project.municipalities.set([municipalities[name] for name in data["municipalities"]])
        project.topics.set([topics[slug] for slug in data["topics"]])
        for source in [*data["sources"], PROGRAMME_SOURCE]:
            ProjectSource.objects.create(project=project, **source)
        prefix = data.get("measure_slug_prefix", data["slug"])
        for item in data["measures"]:
            measure = Measure.objects.create(
                project=project,
                title=item["title"],
                slug=portal_slugify(f"{prefix} {item['title']}"),
                summary=data.get("measure_summary", ""),
                published=True,
            )
            measure.topics.set([topics[slug] for slug in item["topics"]])
            for source in item.get("sources", data.get("measure_sources", [])):
                MeasureSource.objects.create(measure=measure, **source)


@transaction.atomic
def load():
    with counted_once():
        load_topics()
        load_municipalities()
        load_projects()
