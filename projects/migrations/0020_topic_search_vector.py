"""Topics get a stored search vector too (Topic.search_weights, written out): computing it
for every topic on every search cost more than ranking them. PostgreSQL only
(transfer_portal/lib/search_vectors.py)."""

from django.db import migrations

from transfer_portal.lib.search_vectors import StoredSearchVector


class Migration(migrations.Migration):
    dependencies = [("projects", "0019_inline_search_vectors")]

    operations = [
        StoredSearchVector(table="projects_topic", weights=(("name", "A"), ("description", "B"))),
    ]
