"""A date's stored search vector holds its offer's title as well (issue 18): the search
found it through a correlated subquery per date into the offer's vector, 5 ms for 2,000
dates. The title is copied into EventDate.search_context (kept current by
offers/search_context.py), which the generated vector can read."""

from django.db import migrations, models
from django.db.models import OuterRef, Subquery

from transfer_portal.lib.search_vectors import StoredSearchVector


def copy_offer_titles(apps, schema_editor):
    EventDate = apps.get_model("offers", "EventDate")
    Offer = apps.get_model("offers", "Offer")
    EventDate.objects.update(
        search_context=Subquery(Offer.objects.filter(pk=OuterRef("offer_id")).values("title"))
    )


class Migration(migrations.Migration):
    dependencies = [("offers", "0007_search_vectors")]

    operations = [
        migrations.AddField(
            model_name="eventdate",
            name="search_context",
            field=models.CharField(
                blank=True,
                default="",
                editable=False,
                help_text="The offer's title, for the search.",
                max_length=200,
                verbose_name="search context",
            ),
        ),
        migrations.RunPython(copy_offer_titles, migrations.RunPython.noop, elidable=True),
        StoredSearchVector(
            table="offers_eventdate",
            weights=(("title", "A"), ("location", "B"), ("search_context", "A")),
            previous=(("title", "A"), ("location", "B")),
        ),
    ]
