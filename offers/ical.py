"""iCalendar output: one file per date, and the subscribable feed of all upcoming dates."""

import datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

BERLIN = ZoneInfo("Europe/Berlin")
PRODID = "-//DigitalAgentur Brandenburg//Transferportal//DE"
# The offer's summary in each event's description is cut here; the link leads to all of it.
SUMMARY_CHARS = 200


def absolute_url(path):
    return settings.SITE_URL + path


def _uid(event_date):
    return f"termin-{event_date.pk}@{urlsplit(settings.SITE_URL).hostname}"


def _summary(event_date):
    summary = f"{event_date.offer.title} – {event_date.title}"
    if event_date.is_sample:
        summary = _("[Sample date] %(summary)s") % {"summary": summary}
    if event_date.cancelled:
        summary = _("Cancelled: %(summary)s") % {"summary": summary}
    return summary


def _event(event_date, now):
    url = absolute_url(event_date.get_absolute_url())
    event = Event()
    event.add("uid", _uid(event_date))
    event.add("dtstamp", now)
    event.add("last-modified", event_date.updated_at)
    event.add("summary", _summary(event_date))
    if event_date.all_day:
        day = timezone.localtime(event_date.starts_at, BERLIN).date()
        event.add("dtstart", day)
        event.add("dtend", day + datetime.timedelta(days=1))
    else:
        event.add("dtstart", timezone.localtime(event_date.starts_at, BERLIN))
        if event_date.ends_at:
            event.add("dtend", timezone.localtime(event_date.ends_at, BERLIN))
    if event_date.location:
        event.add("location", event_date.location)
    summary = Truncator(event_date.offer.summary).chars(SUMMARY_CHARS)
    description = [summary, _("Details and registration: %(url)s") % {"url": url}]
    event.add("description", "\n\n".join(part for part in description if part))
    event.add("url", url)
    event.add("status", "CANCELLED" if event_date.cancelled else "CONFIRMED")
    return event


def calendar_for(event_dates, name=None):
    """A VCALENDAR with one VEVENT per date, times in Europe/Berlin with a VTIMEZONE."""
    now = timezone.now()
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    if name:
        calendar.add("name", name)
        calendar.add("x-wr-calname", name)
        calendar.add(
            "refresh-interval", datetime.timedelta(hours=12), parameters={"VALUE": "DURATION"}
        )
        calendar.add("x-published-ttl", "PT12H")
    starts = []
    for event_date in event_dates:
        calendar.add_component(_event(event_date, now))
        starts.append(timezone.localdate(event_date.starts_at, BERLIN))
    if starts:
        # Only the years the events need, instead of the library's default 1970–2038.
        calendar.add_missing_timezones(
            first_date=datetime.date(min(starts).year, 1, 1),
            last_date=datetime.date(max(starts).year + 2, 1, 1),
        )
    return calendar.to_ical()
