"""The stored search vectors of this app's searched tables, declared here with the models
they index (Model.search_weights; weights written out as they were then). They were added
by transfer_portal's migrations 0002–0005 before; this replaces those columns with the same
ones. PostgreSQL only (transfer_portal/lib/search_vectors.py)."""

from django.db import migrations

from transfer_portal.lib.search_vectors import StoredSearchVector


class Migration(migrations.Migration):
    dependencies = [("projects", "0006_municipality_email_domains")]

    operations = [
        StoredSearchVector(
            table="projects_modelproject",
            weights=(
                ("title", "A"),
                ("motto", "B"),
                ("summary", "B"),
                ("description", "C"),
                ("fields_of_action", "C"),
            ),
        ),
        StoredSearchVector(
            table="projects_measure",
            weights=(
                ("title", "A"),
                ("summary", "B"),
                ("description", "C"),
                ("transfer_preconditions", "C"),
                ("transfer_effort", "C"),
                ("transfer_notes", "C"),
                ("search_context", "D"),
            ),
        ),
        StoredSearchVector(
            table="projects_insight",
            weights=(("text", "B"), ("search_context", "D")),
        ),
    ]
