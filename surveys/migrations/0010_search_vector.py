"""The survey's stored search vector (Survey.search_weights, written out as they are now):
the search computed the vector of every survey's long introduction on each query, 1.6 ms
on the large benchmark data. PostgreSQL only (transfer_portal/lib/search_vectors.py)."""

from django.db import migrations

from transfer_portal.lib.search_vectors import StoredSearchVector


class Migration(migrations.Migration):
    dependencies = [("surveys", "0009_results_snapshot")]

    operations = [
        StoredSearchVector(
            table="surveys_survey",
            weights=(("title", "A"), ("intro", "B"), ("summary", "C")),
        ),
    ]
