"""Dates keep whether the public may see them (their offer is published) in their rows, so
that the search does not ask the offer for each date it ranks. PostgreSQL only
(transfer_portal/lib/public_flags.py); the rule is EventDateQuerySet.published(), written
out."""

from django.db import migrations

from transfer_portal.lib.public_flags import StoredPublicFlag


class Migration(migrations.Migration):
    dependencies = [("offers", "0015_inline_search_vectors")]

    operations = [
        StoredPublicFlag(
            table="offers_eventdate",
            rule=(
                "EXISTS (SELECT 1 FROM offers_offer AS offer "
                "WHERE offer.id = item.offer_id AND offer.published)"
            ),
            columns=("offer_id",),
            parents=(("offers_offer", "offer_id"),),
        ),
    ]
