"""Calendar files, parsed back with the icalendar library."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from hypothesis import example, given, settings
from hypothesis import strategies as st
from icalendar import Calendar

from offers import ical
from offers.models import EventDate, Offer
from tests.offers import factories

BERLIN = ZoneInfo("Europe/Berlin")
pytestmark = pytest.mark.django_db


def _events(response):
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.content)
    assert str(calendar["version"]) == "2.0"
    return calendar, calendar.walk("VEVENT")


def test_a_date_as_ics_has_berlin_times_uid_and_a_link_back(client, settings):
    settings.SITE_URL = "https://transfer.example.org"
    starts_at = datetime.datetime(2031, 7, 1, 10, 0, tzinfo=BERLIN)  # summer time, UTC+2
    date = factories.event_date(
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=2, minutes=30),
        title="Grundlagen",
        location="Potsdam, Musterstraße 1",
    )
    response = client.get(f"/termine/{date.pk}.ics")
    assert response["Content-Disposition"] == f'attachment; filename="termin-{date.pk}.ics"'
    calendar, [event] = _events(response)

    dtstart = event["dtstart"]
    assert dtstart.params["TZID"] == "Europe/Berlin"
    assert dtstart.dt == starts_at
    assert dtstart.dt.utcoffset() == datetime.timedelta(hours=2)
    assert event.decoded("dtend") == datetime.datetime(2031, 7, 1, 12, 30, tzinfo=BERLIN)
    assert [tz["tzid"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Berlin"]
    assert str(event["uid"]) == f"termin-{date.pk}@transfer.example.org"
    assert str(event["url"]) == f"https://transfer.example.org/termine/{date.pk}/"
    assert str(event["summary"]) == f"{date.offer.title} – Grundlagen"
    assert str(event["location"]) == "Potsdam, Musterstraße 1"
    assert f"https://transfer.example.org/termine/{date.pk}/" in str(event["description"])
    assert str(event["status"]) == "CONFIRMED"
    assert int(event["sequence"]) == 0  # counts up with each change (test_date_changes.py)


def test_winter_times_keep_their_local_wall_clock_time(client):
    starts_at = datetime.datetime(2031, 1, 15, 9, 0, tzinfo=BERLIN)
    date = factories.event_date(starts_at=starts_at)
    _calendar, [event] = _events(client.get(f"/termine/{date.pk}.ics"))
    assert event.decoded("dtstart").hour == 9
    assert event.decoded("dtstart").utcoffset() == datetime.timedelta(hours=1)


def test_a_date_without_time_of_day_is_an_all_day_event(client):
    midnight = datetime.datetime(2022, 4, 5, tzinfo=BERLIN)
    date = factories.event_date(starts_at=midnight, all_day=True)
    _calendar, [event] = _events(client.get(f"/termine/{date.pk}.ics"))
    assert event.decoded("dtstart") == datetime.date(2022, 4, 5)
    assert event.decoded("dtend") == datetime.date(2022, 4, 6)


def test_feed_has_the_upcoming_dates_of_three_months_of_published_offers_only(client):
    soon = factories.event_date(days=2, title="Bald")
    later = factories.event_date(days=90, title="Später")
    factories.event_date(days=94, title="Erst in über drei Monaten")
    cancelled = factories.event_date(days=5, cancelled=True, title="Abgesagt")
    factories.event_date(days=-2, title="Vorbei")
    factories.event_date(factories.offer(published=False), days=3, title="Entwurf")

    response = client.get("/termine.ics")
    assert "Content-Disposition" not in response
    calendar, events = _events(response)
    assert str(calendar["x-wr-calname"]) == "Termine der DigitalAgentur Brandenburg"
    by_uid = {str(event["uid"]).split("@")[0]: event for event in events}
    assert set(by_uid) == {f"termin-{d.pk}" for d in (soon, later, cancelled)}
    assert str(by_uid[f"termin-{cancelled.pk}"]["status"]) == "CANCELLED"
    assert str(by_uid[f"termin-{cancelled.pk}"]["summary"]).startswith("Abgesagt: ")
    assert {int(event["sequence"]) for event in events} == {0}
    assert all(event.decoded("dtstart") > timezone.now() for event in events)


def test_the_feed_lists_dates_by_start_and_those_that_start_together_by_end(client):
    start = timezone.now().replace(microsecond=0) + datetime.timedelta(days=3)
    long = factories.event_date(starts_at=start, hours=5, title="Lang")
    short = factories.event_date(starts_at=start, hours=1, title="Kurz")
    first = factories.event_date(starts_at=start - datetime.timedelta(hours=1), hours=9)
    _calendar, events = _events(client.get("/termine.ics"))
    order = [str(event["uid"]).split("@")[0] for event in events]
    assert order == [f"termin-{d.pk}" for d in (first, short, long)]


def test_an_empty_feed_is_still_a_valid_calendar(client):
    response = client.get("/termine.ics")
    calendar, events = _events(response)
    assert events == []
    # RFC 5545 §3.6: at least one component, or strict readers refuse the file.
    assert [zone["TZID"] for zone in calendar.walk("VTIMEZONE")] == ["Europe/Berlin"]
    assert b"BEGIN:VTIMEZONE\r\n" in response.content


# --- The writer itself: what the icalendar library read back must be what went in --------

TEXT = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=300
)  # any character, the control characters, ;,\ and line breaks included


def _unsaved_date(pk=1, **fields):
    offer = Offer(pk=pk, slug=f"angebot-{pk}", title=fields.pop("offer_title", "Angebot"))
    offer.summary = fields.pop("summary", "")
    fields.setdefault("starts_at", datetime.datetime(2031, 7, 1, 10, 0, tzinfo=BERLIN))
    fields.setdefault("updated_at", datetime.datetime(2030, 1, 1, tzinfo=datetime.UTC))
    return EventDate(pk=pk, offer=offer, title=fields.pop("title", "Termin"), **fields)


def _read(event_dates, name=None):
    content = ical.calendar_for(event_dates, name=name)
    for line in content.split(b"\r\n"):
        assert len(line) <= 75, line  # folded after 75 octets (RFC 5545, 3.1) ...
        line.decode()  # ... and never inside a UTF-8 sequence
    assert content.endswith(b"END:VCALENDAR\r\n")
    assert b"\n" not in content.replace(b"\r\n", b"")
    return Calendar.from_ical(content)


def _without_control_characters(text):
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(c for c in text if c in "\t\n" or not (ord(c) < 32 or ord(c) == 127))


@settings(max_examples=150, deadline=None)
@given(title=TEXT, location=TEXT, offer_title=TEXT)
def test_any_text_comes_back_as_it_was_written(title, location, offer_title):
    date = _unsaved_date(title=title, location=location, offer_title=offer_title)
    calendar = _read([date])
    [event] = calendar.walk("VEVENT")
    clean = _without_control_characters
    assert str(event["summary"]) == f"{clean(offer_title)} – {clean(title)}"
    if location:
        assert str(event["location"]) == clean(location)


def test_long_descriptions_of_multibyte_characters_are_folded_and_read_back(settings):
    settings.SITE_URL = "https://transfer.example.org"
    summary = "Überörtliche Zusammenarbeit; Bürgerbeteiligung, „Daten“ \\ 🚲 " * 5
    date = _unsaved_date(pk=7, summary=summary)
    [event] = _read([date]).walk("VEVENT")
    assert str(event["description"]) == (
        f"{summary[: ical.SUMMARY_CHARS - 1]}…\n\n"
        "Details und Teilnahme: https://transfer.example.org/termine/7/"
    )


@settings(max_examples=60, deadline=None)
@given(
    moments=st.lists(
        st.datetimes(
            min_value=datetime.datetime(2000, 1, 1), max_value=datetime.datetime(2060, 12, 31)
        ),
        min_size=1,
        max_size=4,
    )
)
@example(moments=[datetime.datetime(2031, 10, 26, 2, 30), datetime.datetime(2031, 3, 30, 3, 0)])
def test_the_written_time_zone_gives_the_same_utc_offsets_as_the_tz_database(moments):
    """Read with the VTIMEZONE of the file alone (not the library's own Europe/Berlin), every
    event starts at the same instant, whatever the year and the side of a clock change."""
    dates = [
        _unsaved_date(pk=n, starts_at=moment.replace(second=0, microsecond=0, tzinfo=BERLIN))
        for n, moment in enumerate(moments, 1)
    ]
    calendar = _read(dates)
    [vtimezone] = calendar.walk("VTIMEZONE")
    written_zone = vtimezone.to_tz(lookup_tzid=False)
    for date, event in zip(dates, calendar.walk("VEVENT"), strict=True):
        # The same instant, however written (compared in UTC: Python never calls a time
        # in the repeated hour equal to one in another zone).
        assert event.decoded("dtstart").astimezone(datetime.UTC) == date.starts_at.astimezone(
            datetime.UTC
        )
        start = event["dtstart"]
        if "TZID" in start.params:  # not the hour that occurs twice (written in UTC)
            berlin = timezone.localtime(date.starts_at, BERLIN)
            local = start.dt.replace(tzinfo=None)
            assert local == berlin.replace(tzinfo=None)
            assert written_zone.utcoffset(local) == berlin.utcoffset()
    years = {timezone.localtime(date.starts_at, BERLIN).year for date in dates}
    for year in range(min(years), max(years) + 1):
        for month, day in ((1, 1), (3, 31), (7, 1), (10, 31), (12, 31)):
            noon = datetime.datetime(year, month, day, 12)
            assert written_zone.utcoffset(noon) == noon.replace(tzinfo=BERLIN).utcoffset()


def test_clock_changes_begin_at_the_local_time_before_the_change():
    date = _unsaved_date(starts_at=datetime.datetime(2031, 7, 1, 10, 0, tzinfo=BERLIN))
    [vtimezone] = _read([date]).walk("VTIMEZONE")
    onsets = {
        (part.name, part.decoded("dtstart").replace(tzinfo=None))
        for part in vtimezone.walk()
        if part.name in ("STANDARD", "DAYLIGHT")
    }
    assert onsets == {
        ("STANDARD", datetime.datetime(2031, 1, 1, 0, 0)),
        ("DAYLIGHT", datetime.datetime(2031, 3, 30, 2, 0)),  # 2:00 CET becomes 3:00 CEST
        ("STANDARD", datetime.datetime(2031, 10, 26, 3, 0)),  # 3:00 CEST becomes 2:00 CET
    }


def test_the_hour_that_occurs_twice_is_written_in_utc():
    """26 October 2031: 02:30 happens twice in Berlin (CEST, then CET)."""
    first = datetime.datetime(2031, 10, 26, 0, 30, tzinfo=datetime.UTC)  # 02:30 CEST
    second = datetime.datetime(2031, 10, 26, 1, 30, tzinfo=datetime.UTC)  # 02:30 CET
    date = _unsaved_date(starts_at=first, ends_at=second)
    content = ical.calendar_for([date]).decode()
    assert "DTSTART:20311026T003000Z" in content and "DTEND:20311026T013000Z" in content
    [event] = _read([date]).walk("VEVENT")
    assert event.decoded("dtstart") == first and event.decoded("dtend") == second
    # An hour later the wall clock is unambiguous again.
    later = _unsaved_date(starts_at=second + datetime.timedelta(hours=1))
    assert "DTSTART;TZID=Europe/Berlin:20311026T033000" in ical.calendar_for([later]).decode()


@pytest.mark.parametrize("language", ["de", "en"])
def test_every_date_in_the_feed_links_to_its_own_page(client, settings, language):
    from django.utils import translation

    settings.SITE_URL = "https://transfer.example.org"
    dates = [factories.event_date(days=days) for days in (3, 5, 8)]
    url = "/termine.ics" if language == "de" else "/en/termine.ics"
    _calendar, events = _events(client.get(url))
    with translation.override(language):
        expected = {f"https://transfer.example.org{date.get_absolute_url()}" for date in dates}
    assert {str(event["url"]) for event in events} == expected
    if language == "en":
        assert all("/en/termine/" in link for link in expected)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from("ab \u0301\u0308äß…"), max_size=3 * ical.SUMMARY_CHARS))
@example("a" * ical.SUMMARY_CHARS)
@example("a" * (ical.SUMMARY_CHARS + 1))
@example("a\u0301" * ical.SUMMARY_CHARS)
def test_a_summary_is_shortened_exactly_as_django_s_truncator_does(text):
    from django.utils.text import Truncator

    assert ical._shortened(text) == Truncator(text).chars(ical.SUMMARY_CHARS)


def test_the_feed_shows_every_change_although_it_remembers_each_event(client):
    """The text of an event is remembered by all it is made of (ical._event_text): a change
    to the offer, which leaves the date's updated_at alone, shows as well."""
    date = factories.event_date(title="Grundlagen", location="Potsdam")

    def event():
        _calendar, events = _events(client.get("/termine.ics"))
        [found] = [e for e in events if str(e["uid"]).startswith(f"termin-{date.pk}@")]
        return found

    assert str(event()["location"]) == "Potsdam"
    date.location = "Cottbus"
    date.save()
    Offer.objects.filter(pk=date.offer_id).update(
        title="Neuer Titel", summary="Neue Zusammenfassung"
    )
    changed = event()
    assert str(changed["location"]) == "Cottbus"
    assert str(changed["summary"]) == "Neuer Titel – Grundlagen"
    assert "Neue Zusammenfassung" in str(changed["description"])
    date.cancelled = True
    date.save()
    assert str(event()["status"]) == "CANCELLED"
