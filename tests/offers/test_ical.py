"""Calendar files, parsed back with the icalendar library."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from icalendar import Calendar

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
    assert all(event.decoded("dtstart") > timezone.now() for event in events)


def test_an_empty_feed_is_still_a_valid_calendar(client):
    calendar, events = _events(client.get("/termine.ics"))
    assert events == []
    assert calendar.walk("VTIMEZONE") == []
