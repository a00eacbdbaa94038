"""A municipality's self-assessment profile (issue 20, part 1): where it stands today and
where it wants to be on each dimension, against the medians of its peers – same size class,
same Landkreis, all of Brandenburg – and, where it wants to go further or stands below
its peers, the measures of the model projects and the offers of DABB on the dimension's
topics. Private to the municipality's confirmed members and the editors.

A peer group is shown only when at least SURVEY_MIN_GROUP_SIZE other municipalities in it
have rated: a median of fewer would say too much about each of them.
"""

import math
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, F, Q
from django.utils.translation import gettext as _

from offers.services import offer_cards_of
from projects.models import Measure, Municipality, SizeClass
from surveys.models import AssessmentRating, Question, Response, wording_key
from surveys.results import median_step, step_label

MEASURES_PER_DIMENSION = 4
OFFERS_PER_DIMENSION = 3


@dataclass
class PeerGroup:
    key: str  # "groesse", "landkreis", "land"
    label: str  # "Gemeinden mit 5.000 bis unter 20.000 Einwohnern"
    members: int  # other municipalities in it that rated
    hidden_because: str = ""  # why its medians are not shown; "" when shown


@dataclass
class DimensionProfile:
    dimension: object
    today: int | None
    target: int | None
    today_label: str
    target_label: str
    peers: list = field(default_factory=list)  # [(PeerGroup, median today, its label)]
    earlier_label: str = ""  # today's step in the earlier wave, "" if not rated then
    reasons: list = field(default_factory=list)  # why it is a field for action
    measures: list = field(default_factory=list)
    offers: list = field(default_factory=list)

    @property
    def reason_text(self):
        """The reasons as one sentence."""
        text = "; ".join(str(reason) for reason in self.reasons)
        return f"{text[:1].upper()}{text[1:]}." if text else ""


@dataclass
class Profile:
    question: Question
    municipality: Municipality
    steps: dict  # {step: label}
    groups: list  # [PeerGroup]
    dimensions: list  # [DimensionProfile]
    chart: dict | None  # the radar's geometry (radar()), None for fewer than 3 dimensions
    earlier_survey: object = None  # the earlier wave the municipality answered, if any

    @property
    def fields_for_action(self):
        return [item for item in self.dimensions if item.reasons]


def self_assessment_question(survey):
    return (
        Question.objects.filter(survey=survey, kind=Question.Kind.SELF_ASSESSMENT)
        .prefetch_related("choices", "dimensions__topics")
        .first()
    )


def submitted_ratings(question, municipality):
    """{dimension id: rating} of the municipality's submitted response, or None."""
    ratings = AssessmentRating.objects.filter(
        answer__question=question,
        answer__response__municipality=municipality,
        answer__response__state=Response.State.SUBMITTED,
    )
    if not Response.objects.filter(
        survey=question.survey_id, municipality=municipality, state=Response.State.SUBMITTED
    ).exists():
        return None
    return {rating.dimension_id: rating for rating in ratings}


def profile(question, municipality, ratings, *, k=None, peers=True):
    """The Profile of `municipality` (ratings: submitted_ratings()); without the medians
    of its peers unless `peers` (the viewer may see the survey's results)."""
    k = k or settings.SURVEY_MIN_GROUP_SIZE
    steps = question.steps
    groups, conditions = _peer_groups(municipality)
    if not peers:
        for group in groups:
            group.hidden_because = group.hidden_because or _(
                "The results of this survey are not released yet; the comparison appears "
                "once they are."
            )
    others = AssessmentRating.objects.filter(
        answer__question=question, answer__response__state=Response.State.SUBMITTED
    ).exclude(answer__response__municipality=municipality)
    # How many other municipalities rated, per group: one query.
    possible = [group for group in groups if not group.hidden_because]
    members = others.aggregate(
        **{
            group.key: Count(
                "answer__response__municipality", distinct=True, filter=conditions[group.key]
            )
            for group in possible
        }
    )
    for group in possible:
        group.members = members[group.key] or 0
        if group.members < k:
            group.hidden_because = _(
                "Fewer than %(k)s other municipalities of this group have rated: their median "
                "would say too much about each of them."
            ) % {"k": k}
    shown = [group for group in groups if not group.hidden_because]
    # The distribution of "today" per dimension and group: one query.
    counts = {}
    if shown:
        for row in (
            others.filter(today__isnull=False)
            .values("dimension_id", "today")
            .annotate(**{group.key: Count("pk", filter=conditions[group.key]) for group in shown})
            .order_by()
        ):
            for group in shown:
                by_step = counts.setdefault((row["dimension_id"], group.key), {})
                by_step[row["today"]] = row[group.key]
    dimensions = []
    for dimension in question.dimensions.all():
        rating = ratings.get(dimension.pk)
        today = rating.today if rating else None
        target = rating.target if rating else None
        item = DimensionProfile(
            dimension, today, target, steps.get(today, ""), steps.get(target, "")
        )
        for group in shown:
            by_step = counts.get((dimension.pk, group.key), {})
            # A median of fewer than k ratings of this dimension is not shown either (some
            # may have left it unrated).
            median = median_step(by_step) if sum(by_step.values()) >= k else None
            item.peers.append((group, median, step_label(steps, median)))
            if today is not None and median is not None and today < median:
                item.reasons.append(_("below the median of %(group)s") % {"group": group.label})
        if today is not None and target is not None and target > today:
            item.reasons.insert(0, _("your target is above where you stand today"))
        dimensions.append(item)
    _suggest(dimensions)
    earlier_survey = _earlier_wave(question, municipality, dimensions)
    return Profile(
        question,
        municipality,
        steps,
        groups,
        dimensions,
        radar(dimensions, shown, len(steps)),
        earlier_survey,
    )


def _earlier_wave(question, municipality, dimensions):
    """The municipality's own "today" in the earlier wave, on each dimension of the same
    name (earlier_label); the earlier survey, or None where it did not answer it."""
    if question.previous_question_id is None:
        return None
    earlier = (
        Question.objects.select_related("survey")
        .prefetch_related("choices")
        .get(pk=question.previous_question_id)
    )
    ratings = AssessmentRating.objects.filter(
        answer__question=earlier,
        answer__response__municipality=municipality,
        answer__response__state=Response.State.SUBMITTED,
    ).select_related("dimension")
    steps = earlier.steps
    then = {wording_key(rating.dimension.name): rating.today for rating in ratings}
    if not then:
        return None
    for item in dimensions:
        step = then.get(wording_key(item.dimension.name))
        item.earlier_label = steps.get(step, "")
    return earlier.survey


def _peer_groups(municipality):
    """[PeerGroup] and {key: a Q on ratings that selects the group's municipalities, None
    for all} of the groups that can be shown."""
    prefix = "answer__response__municipality__"
    groups, conditions = [], {}
    size_class = SizeClass.objects.for_population(municipality.population)
    if size_class is not None:
        following = (
            SizeClass.objects.filter(min_population__gt=size_class.min_population)
            .order_by("min_population")
            .values_list("min_population", flat=True)
            .first()
        )
        condition = Q(**{f"{prefix}population__gte": size_class.min_population})
        if following is not None:
            condition &= Q(**{f"{prefix}population__lt": following})
        groups.append(PeerGroup("groesse", _("size class %(name)s") % {"name": size_class.name}, 0))
        conditions["groesse"] = condition
    else:
        groups.append(
            PeerGroup(
                "groesse",
                _("municipalities of the same size"),
                0,
                _("The directory has no population for your municipality."),
            )
        )
    district_id = (
        municipality.pk
        if municipality.kind == Municipality.Kind.DISTRICT
        else municipality.district_id
    )
    if district_id is not None:
        name = (
            municipality.name
            if municipality.kind == Municipality.Kind.DISTRICT
            else municipality.district.name
        )
        groups.append(PeerGroup("landkreis", _("Landkreis %(name)s") % {"name": name}, 0))
        conditions["landkreis"] = Q(**{f"{prefix}district_id": district_id}) | Q(
            **{f"{prefix}pk": district_id}
        )
    else:
        groups.append(
            PeerGroup(
                "landkreis",
                _("the same Landkreis"),
                0,
                _("Your municipality belongs to no Landkreis."),
            )
        )
    groups.append(PeerGroup("land", _("all of Brandenburg"), 0))
    conditions["land"] = None  # all of them
    return groups, conditions


def _suggest(dimensions):
    """The measures and offers on the topics of each dimension that is a field for action:
    two queries for all of them."""
    wanted = [item for item in dimensions if item.reasons]
    topic_ids = {topic.pk for item in wanted for topic in item.dimension.topics.all()}
    if not topic_ids:
        return
    measures = list(
        Measure.objects.published()
        .filter(topics__in=topic_ids, project__published=True)
        .select_related("project")
        .annotate(topic_id=F("topics"))
        .order_by("project_title", "title")
    )
    offers = list(
        offer_cards_of(editor=False)
        .filter(topics__in=topic_ids)
        .annotate(topic_id=F("topics"))
        .order_by("title")
    )
    for item in wanted:
        own = {topic.pk for topic in item.dimension.topics.all()}
        item.measures = _first_distinct(measures, own, MEASURES_PER_DIMENSION)
        item.offers = _first_distinct(offers, own, OFFERS_PER_DIMENSION)


def _first_distinct(rows, topic_ids, limit):
    seen, chosen = set(), []
    for row in rows:
        if row.topic_id in topic_ids and row.pk not in seen:
            seen.add(row.pk)
            chosen.append(row)
            if len(chosen) == limit:
                break
    return chosen


# The radar chart: an SVG drawn on the server, the same numbers as the table beside it.
SIZE, RADIUS, LABEL_ROOM = 420, 150, 120
SERIES_STYLES = {  # stroke pattern, so that the series differ without colour too
    "today": {"stroke": "#0b4f8a", "dash": "", "width": 3},
    "target": {"stroke": "#0b4f8a", "dash": "8 5", "width": 3},
    "groesse": {"stroke": "#a4161a", "dash": "2 4", "width": 2},
    "landkreis": {"stroke": "#5a3e8a", "dash": "10 3 2 3", "width": 2},
    "land": {"stroke": "#1d6b32", "dash": "1 3", "width": 2},
}


def _point(index, count, value, scale):
    angle = -math.pi / 2 + 2 * math.pi * index / count
    radius = RADIUS * (value or 0) / scale
    centre = SIZE / 2
    return round(centre + radius * math.cos(angle), 1), round(centre + radius * math.sin(angle), 1)


def radar(dimensions, shown_groups, scale):
    """Axes, rings and one polygon per series (today, target, each shown peer group)."""
    count = len(dimensions)
    if count < 3 or scale < 1:
        return None
    axes = []
    for index, item in enumerate(dimensions):
        end = _point(index, count, scale, scale)
        label = _point(index, count, scale * 1.18, scale)
        anchor = "middle"
        if label[0] < SIZE / 2 - 10:
            anchor = "end"
        elif label[0] > SIZE / 2 + 10:
            anchor = "start"
        # As text: a template would write a float with the locale's decimal comma.
        axes.append(
            {
                "end": tuple(str(value) for value in end),
                "label": tuple(str(value) for value in label),
                "anchor": anchor,
                "name": item.dimension.name,
            }
        )
    rings = [
        " ".join(f"{x},{y}" for x, y in (_point(i, count, step, scale) for i in range(count)))
        for step in range(1, scale + 1)
    ]
    series = [
        ("today", _("Today"), [item.today for item in dimensions]),
        ("target", _("Target in 2–3 years"), [item.target for item in dimensions]),
    ]
    for position, group in enumerate(shown_groups):
        series.append(
            (
                group.key,
                _("Median today: %(group)s") % {"group": group.label},
                [item.peers[position][1] for item in dimensions],
            )
        )
    polygons = [
        {
            "key": key,
            "label": label,
            "points": " ".join(
                f"{x},{y}"
                for x, y in (_point(i, count, value, scale) for i, value in enumerate(values))
            ),
            **SERIES_STYLES[key],
        }
        for key, label, values in series
        # Only complete series: a missing value drawn at the centre would read as low.
        if all(value is not None for value in values)
    ]
    return {
        # Room beside the square for the axes' names.
        "view_box": f"-{LABEL_ROOM} 0 {SIZE + 2 * LABEL_ROOM} {SIZE}",
        "centre": str(SIZE / 2),
        "axes": axes,
        "rings": rings,
        "series": polygons,
    }
