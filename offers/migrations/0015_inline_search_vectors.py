from django.db import migrations

from transfer_portal.lib.search_vectors import InlineSearchVector


class Migration(migrations.Migration):
    dependencies = [("offers", "0014_places_per_municipality")]

    operations = [
        InlineSearchVector("offers_offer"),
        InlineSearchVector("offers_eventdate"),
    ]
