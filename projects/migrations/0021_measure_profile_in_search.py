"""The measure's profile (issue 19) in its search vector: its goal beside the summary, its
funding sources in the body, its licence as context. PostgreSQL only
(transfer_portal/lib/search_vectors.py)."""

from django.db import migrations

from transfer_portal.lib.search_vectors import StoredSearchVector

BEFORE = (
    ("title", "A"),
    ("summary", "B"),
    ("description", "C"),
    ("transfer_preconditions", "C"),
    ("transfer_effort", "C"),
    ("transfer_notes", "C"),
    ("search_context", "D"),
)


class Migration(migrations.Migration):
    dependencies = [("projects", "0020_topic_search_vector")]

    operations = [
        StoredSearchVector(
            table="projects_measure",
            weights=(
                ("title", "A"),
                ("summary", "B"),
                ("goal", "B"),
                ("description", "C"),
                ("transfer_preconditions", "C"),
                ("transfer_effort", "C"),
                ("transfer_notes", "C"),
                ("funding_sources", "C"),
                ("search_context", "D"),
                ("licence", "D"),
            ),
            previous=BEFORE,
        ),
    ]
