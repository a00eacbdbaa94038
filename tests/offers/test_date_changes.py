"""A date that changes after people registered: its calendar entry gets a new version
(SEQUENCE), and everyone still registered is told – with the updated entry attached for
those who have a place. Registrations cancelled by the person or by an editor are
confirmed by e-mail.

The title is deliberately not a change worth a message (see offers.models.CALENDAR_FIELDS).
"""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation
from icalendar import Calendar

from offers import services
from offers.models import EventDate, Registration
from tests.offers import factories
from tests.transfer_portal.test_admin_site import form_data

BERLIN = ZoneInfo("Europe/Berlin")
State = Registration.State
pytestmark = pytest.mark.django_db

STARTS_AT = datetime.datetime(2031, 7, 1, 10, 0, tzinfo=BERLIN)


def _date(**fields):
    fields.setdefault("starts_at", STARTS_AT)
    fields.setdefault("ends_at", STARTS_AT + datetime.timedelta(hours=2))
    return factories.event_date(title="Grundlagen", location="Potsdam", **fields)


def _event(message):
    """The one VEVENT of the message's calendar attachment."""
    [(filename, content, mimetype)] = message.attachments
    assert (filename.endswith(".ics"), mimetype) == (True, "text/calendar")
    [event] = Calendar.from_ical(content).walk("VEVENT")
    return event


def _admin_url(date):
    return f"/admin/offers/eventdate/{date.pk}/change/"


@pytest.fixture
def save_in_admin(editor_client, django_capture_on_commit_callbacks):
    """Submits a date's admin page with `changes`; the e-mails go out on commit."""

    def save(date, **changes):
        url = _admin_url(date)
        data = form_data(editor_client, url, **changes)
        with django_capture_on_commit_callbacks(execute=True):
            response = editor_client.post(url, data, follow=True)
        assert response.status_code == 200
        assert "errornote" not in response.content.decode()
        return response.content.decode()

    return save


@pytest.fixture
def registered(mailoutbox):
    """A date with one confirmed registration (made through the portal, so with the
    confirmation e-mail and its calendar entry), one on the waiting list, one cancelled."""
    date = _date(capacity=1)
    confirmed = services.register(date.pk, name="Erika Musterfrau", email="erika@example.org")
    waiting = services.register(date.pk, name="Wera Warte", email="wera@example.org")
    factories.registration(date, state=State.CANCELLED, email="storniert@example.org")
    original = _event(mailoutbox[0])
    mailoutbox.clear()
    return date, confirmed, waiting, original


# --- The version number --------------------------------------------------------------


CALENDAR_CHANGES = {
    "starts_at": {"starts_at": STARTS_AT - datetime.timedelta(hours=1)},
    "ends_at": {"ends_at": STARTS_AT + datetime.timedelta(hours=3)},
    "all_day": {"all_day": True, "ends_at": None},
    "location": {"location": "Cottbus"},
    "cancelled": {"cancelled": True},
}


@pytest.mark.parametrize("changes", CALENDAR_CHANGES.values(), ids=CALENDAR_CHANGES.keys())
def test_a_change_to_what_a_calendar_shows_is_a_new_version(changes):
    date = _date()
    assert date.sequence == 0
    for name, value in changes.items():
        setattr(date, name, value)
    date.save()
    assert date.sequence == 1  # returned by the UPDATE, not left as an expression
    assert EventDate.objects.get(pk=date.pk).sequence == 1
    assert set(date.calendar_changes) == set(changes)


OTHER_CHANGES = {
    "title": {"title": "Grundlagen (Teil 1)"},
    "capacity": {"capacity": 30},
    "deadline": {"registration_deadline": STARTS_AT - datetime.timedelta(days=1)},
    "registration": {"registration_enabled": False},
    "nothing": {},
}


@pytest.mark.parametrize("changes", OTHER_CHANGES.values(), ids=OTHER_CHANGES.keys())
def test_other_changes_leave_the_version_as_it_was(changes):
    date = _date()
    for name, value in changes.items():
        setattr(date, name, value)
    date.save()
    assert EventDate.objects.get(pk=date.pk).sequence == date.sequence == 0
    assert date.calendar_changes == []


def test_a_save_of_some_fields_counts_only_what_it_writes():
    date = _date()
    date.location = "Cottbus"
    date.save(update_fields=["title"])
    assert EventDate.objects.get(pk=date.pk).sequence == 0
    date.save(update_fields=["location"])
    assert EventDate.objects.get(pk=date.pk).sequence == 1


def test_a_copy_loaded_before_another_change_cannot_lower_the_version():
    """Two editors at once: the second saves what the first already saved, plus more
    places. Written back as read, the number would drop to 0 and calendars would ignore
    the next real change (they already have a version 1)."""
    date = _date()
    first, second = EventDate.objects.get(pk=date.pk), EventDate.objects.get(pk=date.pk)
    first.location = "Cottbus"
    first.save()
    second.location, second.capacity = "Cottbus", 40
    second.save()
    assert EventDate.objects.get(pk=date.pk).sequence == second.sequence == 1


def test_saving_a_date_deleted_meanwhile_inserts_it_as_django_does_without_an_error():
    """Another editor deleted it: an UPDATE finds no row, and Django's INSERT instead
    cannot take the F() that counts the version."""
    date = _date()
    stale = EventDate.objects.get(pk=date.pk)
    EventDate.objects.filter(pk=date.pk).delete()
    stale.location = "Cottbus"
    stale.save()
    assert EventDate.objects.get(pk=date.pk).location == "Cottbus"
    assert stale.calendar_changes == []


def test_both_the_dates_file_and_the_feed_carry_the_version(client):
    date = factories.event_date(days=3, title="Grundlagen")
    date.location = "Cottbus"
    date.save()
    for url in [f"/termine/{date.pk}.ics", "/termine.ics"]:
        [event] = Calendar.from_ical(client.get(url).content).walk("VEVENT")
        assert int(event["sequence"]) == 1, url


# --- A new time or place, in the admin -----------------------------------------------


def test_a_new_time_is_sent_to_everyone_registered_with_the_updated_entry(
    save_in_admin, mailoutbox, registered
):
    date, confirmed, waiting, original = registered
    page = save_in_admin(
        date,
        starts_at_0="08.07.2031",
        starts_at_1="14:00:00",
        ends_at_0="08.07.2031",
        ends_at_1="16:00:00",
    )
    assert "wurde geändert: 2 eingetragene Personen werden per E-Mail informiert" in page
    assert [m.to for m in mailoutbox] == [[confirmed.email], [waiting.email]]
    for message in mailoutbox:
        assert (
            message.subject
            == f"[Transferportal] Geändert: {date.offer.title} – Grundlagen, 8. Juli 2031"
        )
        assert "die Zeit des folgenden Termins hat sich geändert" in message.body
        assert "Neue Zeit: Dienstag, 8. Juli 2031, 14:00–16:00 Uhr" in message.body
        assert "Wo: Potsdam" in message.body
        assert message.reply_to == [date.offer.contact.email]
    to_confirmed, to_waiting = mailoutbox
    assert "in Ihrem Kalender aktualisieren" in to_confirmed.body
    assert confirmed.get_cancel_url() in to_confirmed.body
    event = _event(to_confirmed)
    assert str(event["uid"]) == str(original["uid"])
    assert (int(original["sequence"]), int(event["sequence"])) == (0, 1)
    assert str(event["status"]) == "CONFIRMED"
    assert event.decoded("dtstart") == datetime.datetime(2031, 7, 8, 14, 0, tzinfo=BERLIN)
    assert to_waiting.attachments == []  # no place, no calendar entry
    assert "von der Warteliste austragen" in to_waiting.body


def test_a_new_place_is_named_as_such(save_in_admin, mailoutbox, registered):
    date, _confirmed, _waiting, _original = registered
    save_in_admin(date, location="Cottbus, Rathaus")
    body = mailoutbox[0].body
    assert "der Ort des folgenden Termins hat sich geändert" in body
    assert "Neuer Ort: Cottbus, Rathaus" in body
    assert "Wann: Dienstag, 1. Juli 2031, 10:00–12:00 Uhr" in body
    assert int(_event(mailoutbox[0])["sequence"]) == 1


def test_a_change_in_the_offers_dates_table_is_sent_too(
    editor_client, mailoutbox, django_capture_on_commit_callbacks, registered
):
    date, _confirmed, _waiting, _original = registered
    url = f"/admin/offers/offer/{date.offer.pk}/change/"
    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(url, form_data(editor_client, url, **{"dates-0-location": "Online"}))
    assert len(mailoutbox) == 2
    assert "Neuer Ort: Online" in mailoutbox[0].body


@pytest.mark.parametrize(
    "changes",
    [{"title": "Grundlagen (Teil 1)"}, {"capacity": "20"}, {}],
    ids=["title", "more-places", "nothing"],
)
def test_changes_calendars_do_not_show_are_not_sent(save_in_admin, mailoutbox, registered, changes):
    date, _confirmed, waiting, _original = registered
    save_in_admin(date, **changes)
    date.refresh_from_db()
    assert date.sequence == 0
    # More places move the waiting list up, with that e-mail only.
    expected = [[waiting.email]] if "capacity" in changes else []
    assert [m.to for m in mailoutbox] == expected


def test_a_past_date_changed_afterwards_tells_nobody(save_in_admin, mailoutbox):
    date = factories.event_date(days=-20)
    factories.registration(date)
    page = save_in_admin(date, location="Doch in Cottbus")
    assert mailoutbox == []
    assert "per E-Mail informiert" not in page


def test_a_cancelled_date_that_changes_tells_nobody_again(save_in_admin, mailoutbox):
    date = _date(cancelled=True)
    factories.registration(date)
    save_in_admin(date, location="Cottbus")
    assert mailoutbox == []


def test_moved_and_cancelled_at_once_is_one_cancellation(save_in_admin, mailoutbox, registered):
    date, _confirmed, _waiting, _original = registered
    save_in_admin(date, location="Cottbus", cancelled="on")
    assert len(mailoutbox) == 2
    assert all(m.subject.startswith("[Transferportal] Abgesagt: ") for m in mailoutbox)


def test_the_change_e_mail_is_english_for_who_registered_in_english(save_in_admin, mailoutbox):
    date = _date()
    with translation.override("en"):
        services.register(date.pk, name="Jane Doe", email="jane@example.org")
    mailoutbox.clear()
    save_in_admin(date, location="Cottbus")
    [message] = mailoutbox
    assert (
        message.subject
        == f"[Transferportal] Changed: {date.offer.title} – Grundlagen, July 1, 2031"
    )
    assert "the place of the following date has changed" in message.body
    assert "New place: Cottbus" in message.body
    assert f"/en/termine/{date.pk}/" in message.body


def test_telling_everyone_reads_in_two_queries_however_many_are_registered(mailoutbox):
    """The date with offer and contact, and its registrations: no read per person; each
    mail adds only the writes that store and queue it (transfer_portal/lib/mail.py)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    date = _date()
    for _ in range(4):
        factories.registration(date)
    with CaptureQueriesContext(connection) as queries:
        services.announce_change(date.pk, ["location"])
    reads = [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith("SELECT")]
    reads_of_mail = [sql for sql in reads if "lib_mail" in sql]
    assert len(reads) - len(reads_of_mail) == 2
    assert len(reads_of_mail) == 4  # the worker loads each mail it sends, once
    assert len(mailoutbox) == 4


# --- Cancelled and taking place after all --------------------------------------------


def test_a_cancellation_removes_the_entry_from_the_calendar(save_in_admin, mailoutbox, registered):
    date, confirmed, waiting, original = registered
    save_in_admin(date, cancelled="on")
    to_confirmed, to_waiting = mailoutbox
    event = _event(to_confirmed)
    assert str(event["uid"]) == str(original["uid"])
    assert str(event["status"]) == "CANCELLED"
    assert int(event["sequence"]) == 1
    assert "in Ihrem Kalender als abgesagt markieren" in to_confirmed.body
    assert to_waiting.attachments == []
    assert "Kalender" not in to_waiting.body


def test_a_date_that_takes_place_after_all_is_sent_again(save_in_admin, mailoutbox, registered):
    date, confirmed, waiting, original = registered
    save_in_admin(date, cancelled="on")
    mailoutbox.clear()
    page = save_in_admin(date, cancelled="")
    assert "2 eingetragene Personen werden per E-Mail informiert" in page
    assert [m.to for m in mailoutbox] == [[confirmed.email], [waiting.email]]
    assert mailoutbox[0].subject.startswith("[Transferportal] Findet doch statt: ")
    assert "findet doch statt" in mailoutbox[0].body
    event = _event(mailoutbox[0])
    assert (str(event["status"]), int(event["sequence"])) == ("CONFIRMED", 2)
    assert str(event["uid"]) == str(original["uid"])


# --- Registrations cancelled by the person or by an editor ---------------------------


def test_cancelling_through_the_link_is_confirmed_by_e_mail(client, mailoutbox):
    date = _date()
    registration = factories.registration(date, email="erika@example.org")
    client.post(registration.get_cancel_url())
    [message] = mailoutbox
    assert message.to == ["erika@example.org"]
    assert message.subject == (
        "[Transferportal] Ihre Teilnahme ist abgesagt: "
        f"{date.offer.title} – Grundlagen, 1. Juli 2031"
    )
    assert "wie gewünscht haben wir Ihre Teilnahme" in message.body
    assert "löschen Sie den Eintrag dort bitte" in message.body
    assert registration.get_cancel_url() not in message.body  # nothing left to cancel
    assert message.attachments == []
    assert message.reply_to == [date.offer.contact.email]

    client.post(registration.get_cancel_url())  # again, e.g. the button pressed twice
    assert len(mailoutbox) == 1


def test_cancelling_in_english_is_confirmed_in_english(mailoutbox):
    registration = factories.registration(_date(), language="en")
    services.cancel_registration(registration.cancel_token)
    [message] = mailoutbox
    assert message.subject.startswith("[Transferportal] Your registration is cancelled: ")
    assert "as you asked" in message.body


def test_a_registration_cancelled_by_an_editor_is_told_so(editor_client, mailoutbox):
    contact = factories.contact(name="Petra Berater", email="petra@example.org")
    date = _date(offer_=factories.offer(contact=contact))
    registration = factories.registration(date, email="erika@example.org")
    editor_client.post(
        "/admin/offers/registration/", {"action": "cancel", "_selected_action": [registration.pk]}
    )
    [message] = mailoutbox
    assert message.to == ["erika@example.org"]
    assert message.subject.startswith("[Transferportal] Wir haben Ihre Teilnahme abgesagt: ")
    assert "wie gewünscht" not in message.body  # they did not ask for it
    assert "Falls Sie damit nicht gerechnet haben, melden Sie sich bitte bei uns." in message.body
    assert "Petra Berater (petra@example.org)" in message.body
    assert message.reply_to == ["petra@example.org"]


def test_registrations_of_past_dates_are_neither_cancelled_nor_written_to(
    editor_client, mailoutbox
):
    registration = factories.registration(factories.event_date(days=-3))
    editor_client.post(
        "/admin/offers/registration/", {"action": "cancel", "_selected_action": [registration.pk]}
    )
    registration.refresh_from_db()
    assert registration.state == State.CONFIRMED
    assert mailoutbox == []
