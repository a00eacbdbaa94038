"""Measures and lessons learned keep whether the public may see them in their rows, so that
the search does not ask their projects and measures for each candidate it ranks.
PostgreSQL only (transfer_portal/lib/public_flags.py); the rules are those of
MeasureQuerySet.published() and InsightQuerySet.published(), written out."""

from django.db import migrations

from transfer_portal.lib.public_flags import StoredPublicFlag

PROJECT_PUBLISHED = (
    "EXISTS (SELECT 1 FROM projects_modelproject AS project "
    "WHERE project.id = item.project_id AND project.published)"
)


class Migration(migrations.Migration):
    dependencies = [("projects", "0021_measure_profile_in_search")]

    operations = [
        StoredPublicFlag(
            table="projects_measure",
            rule=f"item.published AND {PROJECT_PUBLISHED}",
            columns=("published", "project_id"),
            parents=(("projects_modelproject", "project_id"),),
        ),
        StoredPublicFlag(
            table="projects_insight",
            rule=(
                f"item.published AND {PROJECT_PUBLISHED} AND (item.measure_id IS NULL OR "
                "EXISTS (SELECT 1 FROM projects_measure AS measure "
                "WHERE measure.id = item.measure_id AND measure.published))"
            ),
            columns=("published", "project_id", "measure_id"),
            parents=(("projects_modelproject", "project_id"), ("projects_measure", "measure_id")),
        ),
    ]
