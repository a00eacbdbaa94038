"""Keeps EventDate.search_context (its offer's title, which the search also finds a date
by) up to date when a date is saved or its offer's title changes."""

from django.db.models.signals import post_save, pre_save

from offers.models import EventDate, Offer


def _own_context(sender, instance, raw=False, **kwargs):
    if not raw:  # loaddata: the fixture brings its own
        instance.search_context = instance.offer.title


def _offer_saved(sender, instance, created, raw=False, **kwargs):
    if not (created or raw):  # a new offer has no dates yet
        EventDate.objects.filter(offer=instance).exclude(search_context=instance.title).update(
            search_context=instance.title
        )


def connect_signals():
    pre_save.connect(_own_context, sender=EventDate, dispatch_uid="search-context-date")
    post_save.connect(_offer_saved, sender=Offer, dispatch_uid="search-context-offer")
