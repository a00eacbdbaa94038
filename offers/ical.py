"""iCalendar output (RFC 5545): one file per date, and the subscribable feed of all upcoming
dates.

Written out directly instead of through the icalendar library: the portal only writes a
handful of properties, and the library took about 100 ms for the feed's ~300 dates (it
folds every line character by character) and ~13 MB per worker for its time-zone support.
The tests parse every file back with icalendar, so the library still checks the output.
"""

import datetime
import functools
import re
import unicodedata
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone, translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from offers.models import SAMPLE_LABEL
from transfer_portal.lib.object_urls import KEY, object_url

BERLIN = ZoneInfo("Europe/Berlin")
TZID = "Europe/Berlin"
PRODID = "-//DigitalAgentur Brandenburg//Transferportal//DE"
# The offer's summary in each event's description is cut here; the link leads to all of it.
SUMMARY_CHARS = 200
# RFC 5545, 3.1: content lines are folded after 75 octets; continuation lines start with a
# space, which counts towards their 75.
LINE_OCTETS = 75
# TEXT values may not contain control characters (3.3.11); line breaks are escaped as \n.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def absolute_url(path):
    return settings.SITE_URL + path


def _text(value):
    value = str(value).replace("\r\n", "\n").replace("\r", "\n")
    value = CONTROL_CHARACTERS.sub("", value).replace("\\", "\\\\")
    return value.replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line):
    """The line with CRLF + space inserted so that no line exceeds 75 octets, never inside a
    UTF-8 sequence."""
    if len(line) <= LINE_OCTETS and line.isascii():  # most lines: one octet a character
        return line
    encoded = line.encode()
    if len(encoded) <= LINE_OCTETS:
        return line
    parts = []
    start, limit = 0, LINE_OCTETS
    while start < len(encoded):
        end = min(start + limit, len(encoded))
        while end < len(encoded) and encoded[end] & 0xC0 == 0x80:  # a continuation byte
            end -= 1
        parts.append(encoded[start:end].decode())
        start, limit = end, LINE_OCTETS - 1
    return "\r\n ".join(parts)


def _utc(moment):
    return moment.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def _time(name, moment):
    """A DTSTART/DTEND in Berlin wall-clock time – or in UTC for the hour that occurs twice
    when the clocks go back, which a local time with TZID cannot tell apart (clients would
    take the first)."""
    local = timezone.localtime(moment, BERLIN)
    if local.replace(fold=1 - local.fold).utcoffset() != local.utcoffset():
        return f"{name}:{_utc(moment)}"
    return f"{name};TZID={TZID}:{local:%Y%m%dT%H%M%S}"


def _offset(delta):
    minutes = int(delta.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}{abs(minutes) % 60:02d}"


def _uid(pk):
    return f"termin-{pk}@{urlsplit(settings.SITE_URL).hostname}"


class _Texts:
    """What every event shares: translated phrases, looked up once per language."""

    def __init__(self):
        self.sample = str(SAMPLE_LABEL)
        self.cancelled = _("Cancelled: %(summary)s")
        self.details = _("Details and registration: %(url)s")

    def summary(self, offer_title, title, is_sample, cancelled):
        summary = f"{offer_title} – {title}"
        if is_sample:
            summary = self.sample % {"summary": summary}
        if cancelled:
            summary = self.cancelled % {"summary": summary}
        return summary

    def description(self, offer_summary, url):
        parts = [_shortened(offer_summary), self.details % {"url": url}]
        return "\n\n".join(part for part in parts if part)


def _texts():
    return _texts_in(translation.get_language())


@functools.lru_cache(maxsize=16)
def _texts_in(_language):
    return _Texts()


def _shortened(text):
    """Truncator(text).chars(SUMMARY_CHARS), without its walk over every character of a
    long text (a third of the feed's time): Truncator decides from the start of a text,
    so where a head twice as long is shortened, the whole text is shortened the same.
    Remembered per text and language (the ellipsis is translated): a calendar polled
    every few hours shortens the same summaries again each time."""
    return _shortened_in(text, translation.get_language())


@functools.lru_cache(maxsize=1024)
def _shortened_in(text, language):
    text = unicodedata.normalize("NFC", text)  # as Truncator does first
    if len(text) <= SUMMARY_CHARS:
        return text
    head = text[: 2 * SUMMARY_CHARS]
    shortened = Truncator(head).chars(SUMMARY_CHARS)
    return shortened if shortened != head else Truncator(text).chars(SUMMARY_CHARS)


# The fields of a date that its VEVENT shows (and the offer's title and summary).
EVENT_FIELDS = (
    "sequence",
    "updated_at",
    "title",
    "is_sample",
    "cancelled",
    "all_day",
    "starts_at",
    "ends_at",
    "location",
    "offer",
)
# The same as columns for values_list(), in the order _event_text() takes them: the feed
# reads them without making ~600 model instances of its dates and their offers.
EVENT_COLUMNS = (
    "pk",
    *(name for name in EVENT_FIELDS if name != "offer"),
    "offer__title",
    "offer__summary",
)


def _columns(event_date):
    """A date's EVENT_COLUMNS."""
    offer = event_date.offer
    return (
        event_date.pk,
        event_date.sequence,
        event_date.updated_at,
        event_date.title,
        event_date.is_sample,
        event_date.cancelled,
        event_date.all_day,
        event_date.starts_at,
        event_date.ends_at,
        event_date.location,
        offer.title,
        offer.summary,
    )


def _event(columns, dtstamp):
    """The VEVENT of a date (its EVENT_COLUMNS), folded, with its CRLFs; and the years its
    times fall in."""
    head, tail, years = _event_text(
        # Everything the text is made of: the same values give the same text.
        *columns,
        object_url("offers:event_detail", columns[0], KEY),
        translation.get_language(),
        settings.SITE_URL,
    )
    return f"{head}DTSTAMP:{dtstamp}\r\n{tail}", years


# A calendar asks for the feed every few hours and gets the same ~300 dates each time;
# writing an event out took ~0.1 ms. Its text is remembered by all it is made of.
@functools.lru_cache(maxsize=4096)
def _event_text(
    pk,
    sequence,
    updated_at,
    title,
    is_sample,
    cancelled,
    all_day,
    starts_at,
    ends_at,
    location,
    offer_title,
    offer_summary,
    path,
    _language,
    _site_url,
):
    url = absolute_url(path)
    texts = _texts()
    head = ["BEGIN:VEVENT", f"UID:{_text(_uid(pk))}"]
    lines = [
        # A calendar replaces an entry it imported only by one with a higher SEQUENCE.
        f"SEQUENCE:{sequence}",
        f"LAST-MODIFIED:{_utc(updated_at)}",
        f"SUMMARY:{_text(texts.summary(offer_title, title, is_sample, cancelled))}",
    ]
    years = ()
    if all_day:
        day = timezone.localtime(starts_at, BERLIN).date()
        lines.append(f"DTSTART;VALUE=DATE:{day:%Y%m%d}")
        lines.append(f"DTEND;VALUE=DATE:{day + datetime.timedelta(days=1):%Y%m%d}")
    else:
        lines.append(_time("DTSTART", starts_at))
        if ends_at:
            lines.append(_time("DTEND", ends_at))
        years = tuple(
            timezone.localtime(moment, BERLIN).year for moment in (starts_at, ends_at) if moment
        )
    if location:
        lines.append(f"LOCATION:{_text(location)}")
    lines.append(f"DESCRIPTION:{_text(texts.description(offer_summary, url))}")
    lines.append(f"URL:{url}")
    lines.append(f"STATUS:{'CANCELLED' if cancelled else 'CONFIRMED'}")
    lines.append("END:VEVENT")
    return _folded(head), _folded(lines), years


def _folded(lines):
    return "".join(_fold(line) + "\r\n" for line in lines)


def _transitions(zone, start, end):
    """Each moment (UTC, to the minute) at which the zone's UTC offset changes between the
    two UTC moments: checked day by day, then narrowed down by bisection."""
    epoch, day = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC), 24 * 60

    def offset_at(minutes):
        return (epoch + datetime.timedelta(minutes=minutes)).astimezone(zone).utcoffset()

    minutes = (start - epoch) // datetime.timedelta(minutes=1)
    last = (end - epoch) // datetime.timedelta(minutes=1)
    offset = offset_at(minutes)
    while minutes < last:
        following = minutes + day
        new_offset = offset_at(following)
        if new_offset != offset:
            before, after = minutes, following
            while after - before > 1:
                middle = (before + after) // 2
                if offset_at(middle) == offset:
                    before = middle
                else:
                    after = middle
            yield epoch + datetime.timedelta(minutes=after)
        minutes, offset = following, new_offset


def _timezone(first_year, last_year):
    """A VTIMEZONE for Europe/Berlin from the time-zone database, valid from the first year
    through the last (like the icalendar library's, only for the years the events need)."""
    start = datetime.datetime(first_year, 1, 1, tzinfo=BERLIN)
    end = datetime.datetime(last_year + 1, 1, 1, tzinfo=BERLIN)
    lines = ["BEGIN:VTIMEZONE", f"TZID:{TZID}"]

    def observance(local_start, offset_from, moment):
        local = moment.astimezone(BERLIN)
        kind = "DAYLIGHT" if local.dst() else "STANDARD"
        lines.extend(
            [
                f"BEGIN:{kind}",
                f"DTSTART:{local_start:%Y%m%dT%H%M%S}",
                f"TZNAME:{local.tzname()}",
                f"TZOFFSETFROM:{_offset(offset_from)}",
                f"TZOFFSETTO:{_offset(local.utcoffset())}",
                f"END:{kind}",
            ]
        )

    observance(start.replace(tzinfo=None), start.utcoffset(), start)
    utc_end = end.astimezone(datetime.UTC)
    for moment in _transitions(BERLIN, start.astimezone(datetime.UTC), utc_end):
        offset_before = (moment - datetime.timedelta(minutes=1)).astimezone(BERLIN).utcoffset()
        # The onset is given in the local time that was in force until then.
        local_start = (moment + offset_before).replace(tzinfo=None)
        observance(local_start, offset_before, moment)
    lines.append("END:VTIMEZONE")
    return lines


def calendar_for(event_dates, name=None):
    """A VCALENDAR with one VEVENT per date, times in Europe/Berlin with a VTIMEZONE."""
    return calendar_of_columns(map(_columns, event_dates), name)


def calendar_of_columns(rows, name=None):
    """calendar_for() from the EVENT_COLUMNS of each date (values_list())."""
    dtstamp = _utc(timezone.now())
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
    ]
    if name:
        lines += [
            f"NAME:{_text(name)}",
            f"X-WR-CALNAME:{_text(name)}",
            "REFRESH-INTERVAL;VALUE=DURATION:PT12H",
            "X-PUBLISHED-TTL:PT12H",
        ]
    events, years = [], []
    for columns in rows:
        text, event_years = _event(columns, dtstamp)
        events.append(text)
        years += event_years
    if not events:
        # RFC 5545 §3.6: a calendar holds at least one component; an empty one (no dates in
        # the coming months) gets the time zone of this year.
        years = [timezone.localtime(timezone.now(), BERLIN).year]
    if years:
        lines += _timezone(min(years), max(years))
    return (_folded(lines) + "".join(events) + "END:VCALENDAR\r\n").encode()
