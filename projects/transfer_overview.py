"""DABB's view of transfer (issue 19, 4): where municipalities ask for help and where
transfer happens. Each table is one aggregating query, whatever the amount of data."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q
from django.db.models.functions import Coalesce, TruncQuarter
from django.utils import timezone

from offers.models import Offer
from projects.models import Adoption, AdoptionChange, Municipality, QuestionAsked, Topic
from surveys.models import Response, ResponseTopic

STAGES = Adoption.Stage
QUARTERS = 8
MEASURES_SHOWN = 50


@dataclass(frozen=True)
class Filters:
    """What the adoption tables are narrowed to (None: all)."""

    topic: Topic | None = None
    district: Municipality | None = None
    measure_slug: str | None = None

    def of_adoptions(self, prefix=""):
        conditions = Q()
        if self.topic is not None:
            conditions &= Q(**{f"{prefix}measure__topics": self.topic})
        if self.district is not None:
            conditions &= Q(**{f"{prefix}municipality__district": self.district})
        if self.measure_slug:
            conditions &= Q(**{f"{prefix}measure__slug": self.measure_slug})
        return conditions


def _per_stage(prefix=""):
    """One count per stage, named by the stage's value."""
    return {
        stage.value: Count("pk", filter=Q(**{f"{prefix}stage": stage.value}), distinct=True)
        for stage in STAGES
    }


@dataclass
class TopicRow:
    topic: Topic
    demand: int  # municipalities that chose the topic in a survey
    measures: int
    insights: int
    offers: int
    adoptions: int  # municipalities marking one of its measures, not rejected

    @property
    def supply(self):
        return self.measures + self.offers

    @property
    def demand_per_supply(self):
        """Municipalities asking per measure or offer: the larger, the bigger the gap."""
        return self.demand / (1 + self.supply)


def topics():
    """Demand against supply per topic, the biggest gaps first."""
    demand = dict(
        ResponseTopic.objects.order_by()
        .values("topic")
        .annotate(n=Count("municipality", distinct=True))
        .values_list("topic", "n")
    )
    offers = dict(
        Offer.topics.through.objects.filter(offer__published=True)
        .order_by()
        .values("topic")
        .annotate(n=Count("offer"))
        .values_list("topic", "n")
    )
    adoptions = dict(
        Adoption.objects.public()
        .exclude(stage=STAGES.REJECTED)
        .order_by()
        .values("measure__topics")
        .annotate(n=Count("municipality", distinct=True))
        .values_list("measure__topics", "n")
    )
    rows = [
        TopicRow(
            topic=topic,
            demand=demand.get(topic.pk, 0),
            measures=topic.measure_count,
            insights=topic.insight_count,
            offers=offers.get(topic.pk, 0),
            adoptions=adoptions.get(topic.pk, 0),
        )
        for topic in Topic.objects.annotate(
            measure_count=Coalesce("public_counts__measures", 0),
            insight_count=Coalesce("public_counts__insights", 0),
        )
    ]
    return sorted(rows, key=lambda row: (-row.demand_per_supply, -row.demand, row.topic.position))


def answered_municipalities():
    return (
        Response.objects.filter(state=Response.State.SUBMITTED)
        .values("municipality")
        .distinct()
        .count()
    )


def adoptions_over_time(filters, now=None):
    """[("2026 Q4", [adoptions that reached each stage in the quarter])], the last QUARTERS
    quarters, oldest first; the counts in the order of the stages."""
    now = now or timezone.now()
    quarters = []
    year, quarter = now.year, (now.month - 1) // 3
    for _ in range(QUARTERS):
        quarters.append((year, quarter * 3 + 1))
        year, quarter = (year, quarter - 1) if quarter else (year - 1, 3)
    quarters.reverse()
    first = timezone.make_aware(datetime.datetime(*quarters[0], 1))
    counted = (
        AdoptionChange.objects.filter(filters.of_adoptions("adoption__"), changed_at__gte=first)
        .annotate(quarter=TruncQuarter("changed_at"))
        .order_by()
        .values("quarter", "stage")
        .annotate(n=Count("adoption", distinct=True))
    )
    table = {key: dict.fromkeys(STAGES.values, 0) for key in quarters}
    for row in counted:
        start = row["quarter"]
        if timezone.is_aware(start):
            start = timezone.localtime(start)
        key = (start.year, start.month)
        if key in table:
            table[key][row["stage"]] = row["n"]
    return [
        (f"{year} Q{(month - 1) // 3 + 1}", [table[year, month][stage] for stage in STAGES.values])
        for year, month in quarters
    ]


def _with_counts(rows):
    """The rows, each with its counts per stage also as a list, in the order of the stages."""
    rows = list(rows)
    for row in rows:
        row["counts"] = [row[stage] for stage in STAGES.values]
    return rows


def measures(filters):
    """The measures with the most adoptions, with their counts per stage."""
    return _with_counts(
        Adoption.objects.public()
        .filter(filters.of_adoptions())
        .order_by()
        .values("measure__slug", "measure__title", "measure__project__title")
        .annotate(total=Count("pk"), **_per_stage())
        .order_by("-total", "measure__title")[:MEASURES_SHOWN]
    )


def districts(filters):
    """Adoptions per Landkreis (municipalities without one – kreisfreie Städte – together)."""
    return _with_counts(
        Adoption.objects.public()
        .filter(filters.of_adoptions())
        .order_by()
        .values("municipality__district__name")
        .annotate(total=Count("pk"), **_per_stage())
        .order_by("municipality__district__name")
    )


def questions(now=None):
    """Questions sent to each model project: in the last 365 days and in all."""
    now = now or timezone.now()
    recent = now - datetime.timedelta(days=365)
    return list(
        QuestionAsked.objects.order_by()
        .values("project__slug", "project__title")
        .annotate(total=Count("pk"), recent=Count("pk", filter=Q(asked_at__gte=recent)))
        .order_by("-recent", "-total", "project__title")
    )


def _topic_rows(filters):
    header = [
        "thema",
        "nachfrage_kommunen",
        "massnahmen",
        "erkenntnisse",
        "angebote",
        "nachnutzende_kommunen",
        "nachfrage_je_angebot",
    ]
    rows = [
        [r.topic.name, r.demand, r.measures, r.insights, r.offers, r.adoptions]
        + [round(r.demand_per_supply, 2)]
        for r in topics()
    ]
    return header, rows


def _quarter_rows(filters):
    rows = [[quarter, *counts] for quarter, counts in adoptions_over_time(filters)]
    return ["quartal", *STAGES.values], rows


def _measure_rows(filters):
    header = ["massnahme", "titel", "modellprojekt", "gesamt", *STAGES.values]
    rows = [
        [r["measure__slug"], r["measure__title"], r["measure__project__title"], r["total"]]
        + r["counts"]
        for r in measures(filters)
    ]
    return header, rows


def _district_rows(filters):
    rows = [
        [r["municipality__district__name"] or "", r["total"], *r["counts"]]
        for r in districts(filters)
    ]
    return ["landkreis", "gesamt", *STAGES.values], rows


def _question_rows(filters):
    header = ["modellprojekt", "titel", "fragen_letzte_365_tage", "fragen_gesamt"]
    rows = [[r["project__slug"], r["project__title"], r["recent"], r["total"]] for r in questions()]
    return header, rows


# Each table of the view as CSV: (header, rows) of the filters.
EXPORTS = {
    "themen": _topic_rows,
    "verlauf": _quarter_rows,
    "massnahmen": _measure_rows,
    "landkreise": _district_rows,
    "fragen": _question_rows,
}
