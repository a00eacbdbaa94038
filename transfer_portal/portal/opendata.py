"""Open data under CC BY 4.0: model projects, measures, lessons learned, survey results.

Never personal data (no contact persons, no accounts, no registrations) and never
free-text answers: survey results are the published aggregates only.
"""

import itertools
import json
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.urls import reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from projects.models import (
    Adoption,
    CostBand,
    Insight,
    Measure,
    MeasurePrerequisite,
    ModelProject,
)
from surveys.models import Survey
from surveys.results import survey_results
from transfer_portal.lib.spreadsheets import csv_text

LICENSE_URL = "https://creativecommons.org/licenses/by/4.0/"
DCAT_LICENSE = "http://dcat-ap.de/def/licenses/cc-by/4.0"
PUBLISHER = "DigitalAgentur Brandenburg"


@dataclass(frozen=True)
class Dataset:
    slug: str
    title: str
    description: str
    fields: tuple  # (name, description)
    rows: callable

    def download_url(self, fmt):
        return reverse("open_data_download", args=[self.slug, fmt])

    @property
    def download_url_csv(self):
        return self.download_url("csv")

    @property
    def download_url_excel_csv(self):
        return self.download_url(EXCEL_CSV)

    @property
    def download_url_json(self):
        return self.download_url("json")


def _join(values):
    return "; ".join(values)


def _project_rows():
    for project in ModelProject.objects.published().prefetch_related(
        "municipalities", "topics", "sources"
    ):
        yield {
            "slug": project.slug,
            "titel": project.title,
            "kommunen": _join(m.name for m in project.municipalities.all()),
            "amtliche_gemeindeschluessel": _join(
                m.ags for m in project.municipalities.all() if m.ags
            ),
            "foerderstaffel": project.funding_round or "",
            "motto": project.motto,
            "zusammenfassung": project.summary,
            "handlungsfelder": _join(project.fields_of_action_list),
            "themen": _join(t.name for t in project.topics.all()),
            "website": project.website,
            "quellen": _join(s.url or s.title for s in project.sources.all()),
            "url": settings.SITE_URL + project.get_absolute_url(),
        }


def _number(value):
    """An amount as it is stored ("" if none); a decimal with a point, without trailing
    zeros ("0.5")."""
    if value is None:
        return ""
    return format(value.normalize(), "f") if isinstance(value, Decimal) else value


def _profile_columns(measure):
    """The measure's profile for transfer (issue 19), every field in a column of its own."""
    columns = {
        "ziel": measure.goal,
        "transferphase": measure.transfer_phase,
        "nach_foerderende_fortgefuehrt": measure.continued_after_funding,
        "investitionskosten_euro": _number(measure.investment_eur),
        "investitionskosten_spanne": measure.investment_band,
        "laufende_kosten_euro_pro_jahr": _number(measure.running_costs_eur),
        "laufende_kosten_spanne": measure.running_costs_band,
        "finanzierung": measure.funding_sources,
        "personal_vollzeitaequivalente": _number(measure.staff_fte),
        "personal_personentage": _number(measure.staff_person_days),
        "dauer_monate": _number(measure.duration_months),
        "betriebsmodell": measure.operating_model,
        "open_source": measure.open_source,
        "lizenz": measure.licence,
        "code_oder_produkt": measure.code_url,
        "groessenklassen": _join(size.name for size in measure.size_classes.all()),
    }
    recorded = {item.kind: item for item in measure.prerequisites.all()}
    for kind in MeasurePrerequisite.Kind.values:
        item = recorded.get(kind)
        columns[f"voraussetzung_{kind}"] = item.needed if item else ""
        columns[f"voraussetzung_{kind}_hinweis"] = item.note if item else ""
    return columns


def _measure_rows():
    for measure in (
        Measure.objects.published()
        .select_related("project")
        .prefetch_related("topics", "sources", "prerequisites", "size_classes")
        .order_by("project__title", "title")
    ):
        yield {
            "slug": measure.slug,
            "titel": measure.title,
            "modellprojekt": measure.project.slug,
            "stand": measure.status,
            "zusammenfassung": measure.summary,
            "beschreibung": measure.description,
            "themen": _join(t.name for t in measure.topics.all()),
            "voraussetzungen": measure.transfer_preconditions,
            "aufwand": measure.transfer_effort,
            "hinweise": measure.transfer_notes,
            **_profile_columns(measure),
            "quellen": _join(s.url or s.title for s in measure.sources.all()),
            "url": settings.SITE_URL + measure.get_absolute_url(),
        }


def _insight_rows():
    for insight in Insight.objects.published().select_related("project", "measure", "topic"):
        yield {
            "id": insight.pk,
            "art": insight.kind,
            "text": insight.text,
            "thema": insight.topic.name,
            "modellprojekt": insight.project.slug,
            "massnahme": insight.measure.slug if insight.measure_id else "",
        }


def _adoption_rows():
    for adoption in (
        Adoption.objects.public()
        .select_related("municipality", "measure")
        .order_by("measure__title", "municipality__name", "pk")
    ):
        yield {
            "amtlicher_gemeindeschluessel": adoption.municipality.ags or "",
            "kommune": adoption.municipality.name,
            "massnahme": adoption.measure.slug,
            "stufe": adoption.stage,
            "stand": adoption.changed_at.date().isoformat(),
        }


def _survey_result_rows():
    for survey in Survey.objects.published().results_public().order_by("opens_at"):
        results = survey_results(survey, include_texts=False)
        if not results.has_responses:
            # Only published findings, no recorded answers: there are no counts to share.
            continue
        for result in results.questions:
            for option in result.options:
                yield {
                    "umfrage": survey.slug,
                    "teilnehmende_kommunen": results.participants,
                    "frage_nr": result.question.position,
                    "frage": result.question.text,
                    "option": str(_("Other")) if option.is_other else option.label,
                    "anzahl": option.count,
                    "anteil_prozent": option.percent,
                }


def _values(choices):
    return ", ".join(value for value, _label in choices)


# The columns of the measure profile; empty where nothing is recorded (not known).
PROFILE_FIELDS = (
    ("ziel", _("Goal")),
    (
        "transferphase",
        format_lazy(
            _("Transfer phase: {values} or empty"), values=_values(Measure.TransferPhase.choices)
        ),
    ),
    ("nach_foerderende_fortgefuehrt", _("Continued after the funding ended: ja, nein or empty")),
    ("investitionskosten_euro", _("Investment costs in euros (whole number), if known")),
    (
        "investitionskosten_spanne",
        format_lazy(
            _("Band of the investment costs: {values} or empty"), values=_values(CostBand.choices)
        ),
    ),
    (
        "laufende_kosten_euro_pro_jahr",
        _("Running costs per year in euros (whole number), if known"),
    ),
    (
        "laufende_kosten_spanne",
        format_lazy(
            _("Band of the running costs per year: {values} or empty"),
            values=_values(CostBand.choices),
        ),
    ),
    ("finanzierung", _("Funding sources")),
    (
        "personal_vollzeitaequivalente",
        _("Staff in full-time equivalents (decimal point), if known"),
    ),
    ("personal_personentage", _("Staff effort in person-days, if known")),
    ("dauer_monate", _("Duration in months, if known")),
    (
        "betriebsmodell",
        format_lazy(
            _("Operating model: {values} or empty"), values=_values(Measure.OperatingModel.choices)
        ),
    ),
    ("open_source", _("Open source: ja, nein or empty")),
    ("lizenz", _("Licence")),
    ("code_oder_produkt", _("Address of the source code or of the product")),
    ("groessenklassen", _("Sizes of municipality it suits, separated by semicolons")),
    *(
        column
        for kind, label in MeasurePrerequisite.Kind.choices
        for column in (
            (
                f"voraussetzung_{kind}",
                format_lazy(
                    _(
                        "Prerequisite “{label}”: ja (needed), nein (not needed) or empty "
                        "(not known)"
                    ),
                    label=label,
                ),
            ),
            (
                f"voraussetzung_{kind}_hinweis",
                format_lazy(_("Note on the prerequisite “{label}”"), label=label),
            ),
        )
    ),
)

DATASETS = [
    Dataset(
        "modellprojekte",
        _("Model projects"),
        _("The Brandenburg model projects Smart Cities with their municipalities and topics."),
        (
            ("slug", _("Identifier in the portal's addresses")),
            ("titel", _("Title")),
            ("kommunen", _("Municipalities, separated by semicolons")),
            ("amtliche_gemeindeschluessel", _("Official municipality keys (AGS), if known")),
            ("foerderstaffel", _("Year of the funding round")),
            ("motto", _("Motto or strategy")),
            ("zusammenfassung", _("Summary")),
            (
                "handlungsfelder",
                _(
                    "Focus areas (fields of action, bundles of measures or tasks) as named "
                    "by the project"
                ),
            ),
            ("themen", _("Topics of the portal")),
            ("website", _("Website of the project")),
            ("quellen", _("Sources of the facts")),
            ("url", _("Page in the portal")),
        ),
        _project_rows,
    ),
    Dataset(
        "massnahmen",
        _("Measures"),
        _("Measures of the model projects with status and notes on transferability."),
        (
            ("slug", _("Identifier in the portal's addresses")),
            ("titel", _("Title")),
            ("modellprojekt", _("Identifier of the model project")),
            ("stand", _("Status: geplant, in_umsetzung, abgeschlossen, verstetigt or empty")),
            ("zusammenfassung", _("Summary")),
            ("beschreibung", _("Description")),
            ("themen", _("Topics of the portal")),
            ("voraussetzungen", _("Transferability: preconditions")),
            ("aufwand", _("Transferability: effort")),
            ("hinweise", _("Transferability: what others should know")),
            *PROFILE_FIELDS,
            ("quellen", _("Sources of the facts")),
            ("url", _("Page in the portal")),
        ),
        _measure_rows,
    ),
    Dataset(
        "erkenntnisse",
        _("Lessons learned"),
        _("Success factors, pitfalls and tips from the model projects."),
        (
            ("id", _("Number")),
            ("art", _("Kind: erfolgsfaktor, stolperstein or tipp")),
            ("text", _("Text")),
            ("thema", _("Topic")),
            ("modellprojekt", _("Identifier of the model project")),
            ("massnahme", _("Identifier of the measure, if any")),
        ),
        _insight_rows,
    ),
    Dataset(
        "nachnutzungen",
        _("Adoptions"),
        _(
            "Which municipalities take which measure over, and how far they are. Without "
            "personal data: no contact persons, no notes."
        ),
        (
            ("amtlicher_gemeindeschluessel", _("Official municipality key (AGS), if known")),
            ("kommune", _("Municipality")),
            ("massnahme", _("Identifier of the measure")),
            (
                "stufe",
                format_lazy(_("Stage: {values}"), values=_values(Adoption.Stage.choices)),
            ),
            ("stand", _("Date of the last change (YYYY-MM-DD)")),
        ),
        _adoption_rows,
    ),
    Dataset(
        "umfrageergebnisse",
        _("Survey results"),
        _(
            "Aggregated results of the municipal surveys whose results are public: counts per "
            "answer option. No individual responses, no free-text answers."
        ),
        (
            ("umfrage", _("Identifier of the survey")),
            ("teilnehmende_kommunen", _("Number of municipalities that submitted answers")),
            ("frage_nr", _("Position of the question")),
            ("frage", _("Question")),
            ("option", _("Answer option")),
            ("anzahl", _("Number of municipalities that chose this option")),
            ("anteil_prozent", _("Share of the participating municipalities in percent")),
        ),
        _survey_result_rows,
    ),
]
DATASETS_BY_SLUG = {dataset.slug: dataset for dataset in DATASETS}
EXCEL_CSV = "excel.csv"  # /daten/massnahmen.excel.csv
FORMATS = ("csv", EXCEL_CSV, "json")


def as_csv(dataset, *, excel=False):
    """RFC 4180 CSV in UTF-8, or for Excel (as the survey exports of the admin). Text that
    a spreadsheet program would run as a formula ("=HYPERLINK(…)" in a measure's text, or
    just "- gering") gets a leading apostrophe, as the page says; the JSON files carry
    every value unchanged."""
    names = [name for name, _label in dataset.fields]
    rows = ([row[name] for name in names] for row in dataset.rows())
    return csv_text(itertools.chain([names], rows), excel=excel)


def as_json(dataset):
    payload = {
        "titel": str(dataset.title),
        "lizenz": LICENSE_URL,
        "herausgeber": PUBLISHER,
        "daten": list(dataset.rows()),
    }
    return json.dumps(payload, ensure_ascii=False, indent=2, default=str)


def catalog_jsonld(request_language="de"):
    """DCAT-AP.de-style catalogue description for the page's JSON-LD block."""
    site = settings.SITE_URL
    return {
        "@context": {
            "dcat": "http://www.w3.org/ns/dcat#",
            "dct": "http://purl.org/dc/terms/",
            "dcatde": "http://dcat-ap.de/def/dcatde/",
            "foaf": "http://xmlns.com/foaf/0.1/",
        },
        "@type": "dcat:Catalog",
        "dct:title": "Smart-City-Transferportal Brandenburg – Offene Daten",
        "dct:publisher": {"@type": "foaf:Organization", "foaf:name": PUBLISHER},
        "dct:language": {"@id": "http://publications.europa.eu/resource/authority/language/DEU"},
        "foaf:homepage": {"@id": site + reverse("open_data")},
        "dcat:dataset": [
            {
                "@type": "dcat:Dataset",
                "dct:identifier": f"{site}/daten/{dataset.slug}",
                "dct:title": str(dataset.title),
                "dct:description": str(dataset.description),
                "dct:publisher": {"@type": "foaf:Organization", "foaf:name": PUBLISHER},
                "dct:license": {"@id": DCAT_LICENSE},
                "dcat:theme": {
                    "@id": "http://publications.europa.eu/resource/authority/data-theme/GOVE"
                },
                "dcat:distribution": [
                    {
                        "@type": "dcat:Distribution",
                        "dct:format": {
                            "@id": "http://publications.europa.eu/resource/authority/"
                            f"file-type/{fmt.upper()}"
                        },
                        "dcat:mediaType": media_type,
                        "dcat:downloadURL": {"@id": site + dataset.download_url(fmt)},
                        "dct:license": {"@id": DCAT_LICENSE},
                    }
                    for fmt, media_type in (("csv", "text/csv"), ("json", "application/json"))
                ],
            }
            for dataset in DATASETS
        ],
    }
