"""The response tracker of a survey, for the editors (issue 20, part 4): which
municipalities have submitted, saved a draft or not started, narrowed down by Landkreis,
kind and size class, with the response rate per group. Three queries, however many
municipalities and responses."""

from dataclasses import dataclass

from django.db.models import Case, Count, Exists, OuterRef, Q, Value, When
from django.db.models import CharField as CharOutput

from projects.models import Municipality
from surveys.models import Participant, Response
from surveys.segments import segment_key, segments

SUBMITTED, DRAFT, NOT_STARTED = "abgegeben", "entwurf", "offen"


@dataclass
class GroupRate:
    label: str
    is_content: bool
    municipalities: int
    submitted: int
    drafts: int

    @property
    def rate(self):
        return round(100 * self.submitted / self.municipalities) if self.municipalities else 0


def _with_state(survey):
    responses = Response.objects.filter(survey=survey, municipality=OuterRef("pk"))
    return Municipality.objects.annotate(
        state=Case(
            When(Exists(responses.filter(state=Response.State.SUBMITTED)), then=Value(SUBMITTED)),
            When(Exists(responses.filter(state=Response.State.DRAFT)), then=Value(DRAFT)),
            default=Value(NOT_STARTED),
            output_field=CharOutput(),
        )
    )


def filtered(survey, *, district=None, kind="", size_class=None, state=""):
    municipalities = _with_state(survey)
    if district is not None:
        municipalities = municipalities.filter(Q(district=district) | Q(pk=district.pk))
    if kind:
        municipalities = municipalities.filter(kind=kind)
    if size_class is not None:
        municipalities = municipalities.annotate(size=segment_key("groesse")).filter(
            size=size_class.pk
        )
    if state:
        municipalities = municipalities.filter(state=state)
    return municipalities


def municipalities(survey, **filters):
    """The municipalities with their state and how many confirmed members they have."""
    confirmed = Q(survey_participants__status=Participant.Status.CONFIRMED)
    return (
        filtered(survey, **filters)
        .annotate(confirmed_members=Count("survey_participants", filter=confirmed))
        .select_related("district")
        .order_by("name")
    )


def rates(survey, segmentation, **filters):
    """[GroupRate] of each segment (surveys/segments.py) among the filtered municipalities."""
    counted = {
        row["key"]: row
        for row in filtered(survey, **filters)
        .order_by()
        .values(key=segment_key(segmentation))
        .annotate(
            n=Count("pk"),
            submitted=Count("pk", filter=Q(state=SUBMITTED)),
            drafts=Count("pk", filter=Q(state=DRAFT)),
        )
    }
    return [
        GroupRate(
            label,
            is_content,
            counted[key]["n"],
            counted[key]["submitted"],
            counted[key]["drafts"],
        )
        for key, label, is_content, _size in segments(segmentation)
        if key in counted
    ]
