"""The reminder before a date (issue 21, 2): once, to confirmed participants only, with the
calendar entry and the access link of an online date, which no page shows."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from offers.models import Registration
from offers.services import send_date_reminders
from tests.offers import factories

pytestmark = pytest.mark.django_db

ROOM = "https://konferenz.example.org/raum/geheim-4711"


@pytest.fixture
def soon():
    return factories.event_date(days=1, access_url=ROOM, title="Schreibwerkstatt Teil 1")


def test_a_confirmed_participant_is_reminded_once_with_calendar_entry_and_access_link(
    soon, mailoutbox
):
    registration = factories.registration(soon, email="kim@example.org")
    assert send_date_reminders() == 1
    [mail] = mailoutbox
    assert mail.to == ["kim@example.org"]
    assert mail.subject.startswith("[Transferportal] Erinnerung:")
    assert "Schreibwerkstatt Teil 1" in mail.subject
    assert ROOM in mail.body and "Ihr Platz ist bestätigt" in mail.body
    [(filename, calendar, mimetype)] = mail.attachments
    assert filename == f"termin-{soon.pk}.ics" and mimetype == "text/calendar"
    assert ROOM not in calendar  # the calendar file may be forwarded: no access link in it
    registration.refresh_from_db()
    assert registration.reminded_at is not None
    # Again: nothing.
    assert send_date_reminders() == 0
    assert len(mailoutbox) == 1
    out = StringIO()
    call_command("send_date_reminders", stdout=out)
    assert "Erinnerungen in die Warteschlange gestellt: 0" in out.getvalue()


def test_only_confirmed_places_of_dates_within_the_days_before_are_reminded(
    soon, mailoutbox, settings
):
    settings.DATE_REMINDER_DAYS = 2
    factories.registration(soon, state=Registration.State.WAITING)
    factories.registration(soon, state=Registration.State.CANCELLED)
    factories.pending_request(soon)
    later = factories.event_date(days=5)
    factories.registration(later)
    cancelled = factories.event_date(days=1, cancelled=True)
    factories.registration(cancelled)
    past = factories.event_date(days=-1)
    factories.registration(past)
    hidden = factories.event_date(factories.offer(published=False), days=1)
    factories.registration(hidden)
    assert send_date_reminders() == 0 and mailoutbox == []
    # Three days on, the later date is within the two days before it.
    assert send_date_reminders(timezone.now() + datetime.timedelta(days=3, hours=1)) == 1
    assert len(mailoutbox) == 1


def test_the_access_link_goes_to_confirmed_people_only_and_is_on_no_page(client, soon, mailoutbox):
    factories.registration(soon, state=Registration.State.CONFIRMED, email="ja@example.org")
    client.post(
        soon.get_absolute_url(),
        {"name": "Warte Liste", "email": "warte@example.org"},
    )
    for url in (
        soon.get_absolute_url(),
        soon.offer.get_absolute_url(),
        "/termine/",
        "/termine.ics",
        f"/termine/{soon.pk}.ics",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert ROOM not in response.content.decode(), url
    for mail in mailoutbox:
        assert ROOM not in mail.body  # the confirmation request to an unproven address


def test_until_when_a_date_is_upcoming_is_kept_with_its_times():
    """EventDate.upcoming_until, which the lists of upcoming dates compare."""
    from zoneinfo import ZoneInfo

    from offers.models import EventDate, upcoming_until_of

    berlin = ZoneInfo("Europe/Berlin")
    # A date without time of day lasts until the next local midnight, also on the day the
    # clocks go back (25 hours).
    autumn = datetime.datetime(2026, 10, 25, tzinfo=berlin)
    assert upcoming_until_of(autumn, None, True) == datetime.datetime(2026, 10, 26, tzinfo=berlin)
    until = upcoming_until_of(autumn, None, True).astimezone(datetime.UTC)
    assert until - autumn.astimezone(datetime.UTC) == datetime.timedelta(hours=25)
    start = timezone.now() + datetime.timedelta(days=3)
    date = factories.event_date(starts_at=start, ends_at=start + datetime.timedelta(hours=2))
    assert date.upcoming_until == start + datetime.timedelta(hours=2)
    date.ends_at = None
    date.save(update_fields=["ends_at"])
    assert EventDate.objects.get(pk=date.pk).upcoming_until == start
    # Past, as far as the lists go, once it has begun (without end) …
    assert not EventDate.objects.upcoming(start + datetime.timedelta(minutes=1)).exists()
    assert EventDate.objects.past(start + datetime.timedelta(minutes=1)).get() == date
    # … and the database refuses a row whose column does not follow its times.
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        EventDate.objects.filter(pk=date.pk).update(
            upcoming_until=start + datetime.timedelta(days=9)
        )
