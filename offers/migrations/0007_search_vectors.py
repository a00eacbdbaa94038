"""The stored search vectors of offers and dates, declared here with the models they index
(Model.search_weights; weights written out as they were then). They were added by
transfer_portal's migrations 0003 and 0004 before; this replaces those columns with the same
ones. PostgreSQL only (transfer_portal/lib/search_vectors.py)."""

from django.db import migrations

from transfer_portal.lib.search_vectors import StoredSearchVector


class Migration(migrations.Migration):
    dependencies = [("offers", "0006_registration_confirmation")]

    operations = [
        StoredSearchVector(
            table="offers_offer",
            weights=(("title", "A"), ("summary", "B"), ("description", "C")),
        ),
        StoredSearchVector(
            table="offers_eventdate",
            weights=(("title", "A"), ("location", "B")),
        ),
    ]
