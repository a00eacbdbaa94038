"""Compiled queries (transfer_portal/lib/compiled.py) for the relations that list pages
prefetch: each takes the ids of the rows shown and annotates the row it belongs to as
`owner` (compiled.prefetch())."""

from django.db.models import F

from projects.models import Municipality, ProjectSource, Topic
from transfer_portal.lib.compiled import compiled


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
