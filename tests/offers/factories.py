"""Factories for the offers app: explicit defaults, every call makes new, unique objects."""

import datetime
import itertools

from django.utils import timezone

from offers.models import Contact, EventDate, Offer, Registration, new_confirm_token

_counter = itertools.count(1)


def _next():
    return next(_counter)


def contact(**fields):
    n = _next()
    fields.setdefault("name", f"Testperson {n}")
    fields.setdefault("email", f"kontakt{n}@example.org")
    fields.setdefault("published", True)
    return Contact.objects.create(**fields)


def offer(topics=(), **fields):
    n = _next()
    fields.setdefault("title", f"Testangebot {n}")
    fields.setdefault("slug", f"testangebot-{n}")
    fields.setdefault("kind", Offer.Kind.WORKSHOP)
    fields.setdefault("format", Offer.Format.ONLINE)
    fields.setdefault("summary", f"Kurzbeschreibung {n}")
    fields.setdefault("published", True)
    if "contact" not in fields:
        fields["contact"] = contact()
    obj = Offer.objects.create(**fields)
    obj.topics.set(topics)
    return obj


def event_date(offer_=None, *, days=14, hours=2, **fields):
    """A date `days` from now (negative: in the past), lasting `hours`."""
    n = _next()
    starts_at = fields.pop("starts_at", None) or (
        timezone.now().replace(microsecond=0) + datetime.timedelta(days=days)
    )
    fields.setdefault("title", f"Termin {n}")
    if not fields.get("all_day"):
        fields.setdefault("ends_at", starts_at + datetime.timedelta(hours=hours))
    return EventDate.objects.create(offer=offer_ or offer(), starts_at=starts_at, **fields)


def registration(event_date_=None, **fields):
    n = _next()
    fields.setdefault("name", f"Teilnehmende Person {n}")
    fields.setdefault("email", f"person{n}@example.org")
    fields.setdefault("state", Registration.State.CONFIRMED)
    return Registration.objects.create(event_date=event_date_ or event_date(), **fields)


def pending_request(event_date_=None, *, hours=24, **fields):
    """A request whose address is not confirmed yet, valid for `hours`; returns it and the
    token of its confirmation link (only its digest is stored)."""
    token, digest = new_confirm_token()
    fields.setdefault("confirm_expires_at", timezone.now() + datetime.timedelta(hours=hours))
    request = registration(
        event_date_, state=Registration.State.PENDING, confirm_token=digest, **fields
    )
    return request, token
