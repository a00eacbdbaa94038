"""Moved: the stored search vectors are declared with the models they index and added by
their apps' own migrations (projects 0007, offers 0007; transfer_portal/lib/search_vectors.py).
Kept, empty, so that installations that applied it keep a consistent history; those apps'
migrations replace the columns it made."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("transfer_portal", "0004_stored_date_search_vector"),
        ("projects", "0004_measure_insight_search_context"),
    ]

    operations = []
