"""Compiled queries (transfer_portal/lib/compiled.py) for what offer lists prefetch."""

from django.db.models import F

from projects.models import Topic
from transfer_portal.lib.compiled import compiled


@compiled
def topics_of_offers(offers):
    return Topic.objects.filter(offers__in=offers).annotate(owner=F("offers"))
