"""Compiled queries (transfer_portal/lib/compiled.py) for the relations that list pages
prefetch: each takes the ids of the rows shown and annotates the row it belongs to as
`owner` (compiled.prefetch()). And the fields that lists load for the items of
projects/items.html."""

from django.db.models import F

from projects.models import (
    Adoption,
    Insight,
    Measure,
    MeasurePrerequisite,
    MeasureSource,
    Municipality,
    ProjectSource,
    SizeClass,
    Topic,
)
from transfer_portal.lib.compiled import compiled

# The fields that projects/items.html shows of a project card, a measure item and a lesson
# (with where it comes from): lists of long texts load only these. A measure item names its
# project by the title the measure keeps (project_title): no project is loaded for it (20
# rows of a list carried their whole project each).
PROJECT_CARD_FIELDS = ("published", "title", "slug", "funding_round", "motto")
MEASURE_ITEM_FIELDS = (
    "published",
    "title",
    "slug",
    "status",
    "summary",
    "project",
    "project_title",
)
INSIGHT_ITEM_FIELDS = (
    "published",
    "created_at",
    "kind",
    "text",
    "topic",
    *(
        f"{owner}__{field}"
        for owner in ("project", "measure")
        for field in ("published", "title", "slug")
    ),
)


@compiled
def municipalities_of_projects(projects, *, with_districts=False):
    municipalities = Municipality.objects.filter(model_projects__in=projects).annotate(
        owner=F("model_projects")
    )
    # The project page names each municipality's district: in the same query.
    return municipalities.select_related("district") if with_districts else municipalities


@compiled
def topics_of_projects(projects):
    return Topic.objects.filter(model_projects__in=projects).annotate(owner=F("model_projects"))


@compiled
def sources_of_projects(projects):
    return ProjectSource.objects.filter(project__in=projects).annotate(owner=F("project"))


@compiled
def topics_of_measures(measures):
    return Topic.objects.filter(measures__in=measures).annotate(owner=F("measures"))


# A measure's page and transfer plan: the measure, then one query for each relation it shows.


@compiled
def measure_by_slug(slug, *, editor):
    return Measure.objects.visible(editor=editor).select_related("project").filter(slug=slug)


@compiled
def sources_of_measures(measures):
    return MeasureSource.objects.filter(measure__in=measures).annotate(owner=F("measure"))


@compiled
def prerequisites_of_measures(measures):
    # Ordered by kind alone: the model's ordering by measure would join it for its title.
    return (
        MeasurePrerequisite.objects.filter(measure__in=measures)
        .annotate(owner=F("measure"))
        .order_by("kind")
    )


@compiled
def size_classes_of_measures(measures):
    return SizeClass.objects.filter(measures__in=measures).annotate(owner=F("measures"))


@compiled
def adoptions_of_measure(measure):
    return Adoption.objects.filter(measure=measure).select_related("municipality", "contact")


@compiled
def insights_of_measure(measure, *, editor):
    return Insight.objects.visible(editor=editor).filter(measure=measure).select_related("topic")
