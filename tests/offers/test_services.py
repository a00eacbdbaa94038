"""Registration rules: places, waiting list, duplicates, deadlines, cancelling, e-mails."""

import datetime

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.utils import timezone
from icalendar import Calendar

from offers import services
from offers.models import EventDate, Offer, Registration
from tests import factories as project_factories
from tests.offers import factories

State = Registration.State
pytestmark = pytest.mark.django_db


def _register(date, email, name="Erika Musterfrau", **extra):
    return services.register(date.pk, name=name, email=email, **extra)


def test_registrations_are_confirmed_while_places_are_free_then_go_to_the_waiting_list():
    date = factories.event_date(capacity=2)
    states = [_register(date, f"p{i}@example.org").state for i in range(4)]
    assert states == [State.CONFIRMED, State.CONFIRMED, State.WAITING, State.WAITING]


def test_a_date_without_capacity_confirms_everybody():
    date = factories.event_date(capacity=None)
    assert {_register(date, f"p{i}@example.org").state for i in range(5)} == {State.CONFIRMED}


def test_cancelled_registrations_do_not_take_a_place():
    date = factories.event_date(capacity=1)
    factories.registration(date, state=State.CANCELLED)
    assert _register(date, "neu@example.org").state == State.CONFIRMED


def test_registering_twice_with_the_same_email_is_refused_whatever_the_case():
    date = factories.event_date()
    _register(date, "erika@example.org")
    with pytest.raises(services.AlreadyRegistered, match="nehmen Sie bereits an diesem Termin"):
        _register(date, " Erika@Example.ORG ")
    assert date.registrations.count() == 1


def test_the_same_email_may_register_for_another_date_and_again_after_cancelling():
    date, other = factories.event_date(), factories.event_date()
    first = _register(date, "erika@example.org")
    _register(other, "erika@example.org")
    services.cancel_registration(first.cancel_token)
    again = _register(date, "erika@example.org")
    assert again.state == State.CONFIRMED


def test_the_database_refuses_a_second_active_registration_with_the_same_email():
    date = factories.event_date()
    factories.registration(date, email="erika@example.org")
    factories.registration(date, email="ERIKA@example.org", state=State.CANCELLED)
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.registration(date, email="Erika@example.org", state=State.WAITING)


def test_email_is_stored_normalised():
    registration = _register(factories.event_date(), "  Erika@Example.ORG")
    assert registration.email == "erika@example.org"


@pytest.mark.parametrize(
    "second",
    ["info@xn--mller-kva.de", "Info@XN--MLLER-KVA.DE", "info@mu\u0308ller.de", "INFO@MÜLLER.DE"],
    ids=["ace-domain", "ace-upper-case", "decomposed-umlaut", "upper-case-umlaut"],
)
def test_one_mailbox_in_another_spelling_is_already_registered(second):
    date = factories.event_date()
    assert _register(date, "info@müller.de").email == "info@müller.de"
    with pytest.raises(services.AlreadyRegistered):
        _register(date, second)
    assert date.registrations.count() == 1


def test_an_ace_domain_is_stored_as_the_unicode_it_stands_for():
    assert _register(factories.event_date(), "info@xn--mller-kva.de").email == "info@müller.de"


@pytest.mark.parametrize(
    ("fields", "moment"),
    [
        ({"days": -1}, None),
        ({"days": 1, "cancelled": True}, None),
        ({"days": 1, "registration_enabled": False}, None),
        ({"days": 3}, datetime.timedelta(days=3, seconds=1)),
    ],
    ids=["past", "cancelled", "registration-elsewhere", "already-started"],
)
def test_closed_dates_refuse_registrations(fields, moment):
    date = factories.event_date(**fields)
    later = timezone.now() + (moment or datetime.timedelta())
    with time_machine.travel(later, tick=False), pytest.raises(services.RegistrationClosed):
        _register(date, "erika@example.org")
    assert not date.registrations.exists()


def test_registration_closes_at_the_deadline():
    starts_at = timezone.now() + datetime.timedelta(days=10)
    deadline = starts_at - datetime.timedelta(days=3)
    date = factories.event_date(starts_at=starts_at, registration_deadline=deadline)
    with time_machine.travel(deadline - datetime.timedelta(seconds=1), tick=False):
        _register(date, "frueh@example.org")
    with time_machine.travel(deadline, tick=False), pytest.raises(services.RegistrationClosed):
        _register(date, "spaet@example.org")


def test_confirmation_email_is_german_with_calendar_entry_and_absolute_cancel_link(
    mailoutbox, settings
):
    settings.SITE_URL = "https://transfer.example.org"
    date = factories.event_date(capacity=5, title="Grundlagen")
    registration = _register(date, "erika@example.org")
    [message] = mailoutbox
    assert message.to == ["erika@example.org"]
    assert message.subject.startswith("[Transferportal] Ihre Teilnahme ist bestätigt: ")
    assert "Guten Tag Erika Musterfrau," in message.body
    cancel_url = f"https://transfer.example.org/anmeldung/{registration.cancel_token}/stornieren/"
    assert cancel_url in message.body
    assert message.reply_to == [date.offer.contact.email]
    [(filename, content, mimetype)] = message.attachments
    assert (filename, mimetype) == (f"termin-{date.pk}.ics", "text/calendar")
    [event] = Calendar.from_ical(content).walk("VEVENT")
    assert event.decoded("dtstart") == date.starts_at


def test_waiting_list_email_says_so_and_has_no_calendar_entry(mailoutbox):
    date = factories.event_date(capacity=1)
    factories.registration(date)
    _register(date, "erika@example.org")
    [message] = mailoutbox
    assert message.subject.startswith("[Transferportal] Sie stehen auf der Warteliste: ")
    assert "Warteliste" in message.body
    assert message.attachments == []
    # Whoever waits has no place to give up: they may leave the waiting list.
    assert "von der Warteliste austragen" in message.body
    assert "Ihren Platz bekommen" not in message.body


def test_a_failing_mail_server_does_not_undo_the_registration(monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionRefusedError("SMTP down")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", broken)
    registration = _register(factories.event_date(), "erika@example.org")
    assert Registration.objects.filter(pk=registration.pk).exists()


def test_cancelling_frees_the_place_for_the_first_on_the_waiting_list_who_gets_an_email(
    mailoutbox,
):
    date = factories.event_date(capacity=1)
    confirmed = _register(date, "erste@example.org")
    first_waiting = _register(date, "zweite@example.org")
    second_waiting = _register(date, "dritte@example.org")
    mailoutbox.clear()

    result = services.cancel_registration(confirmed.cancel_token)

    assert [r.pk for r in result.promoted] == [first_waiting.pk]
    states = dict(date.registrations.values_list("email", "state"))
    assert states == {
        "erste@example.org": State.CANCELLED,
        "zweite@example.org": State.CONFIRMED,
        "dritte@example.org": State.WAITING,
    }
    cancelled, message = mailoutbox
    assert cancelled.to == ["erste@example.org"]
    assert cancelled.subject.startswith("[Transferportal] Ihre Teilnahme ist abgesagt: ")
    assert message.to == ["zweite@example.org"]
    assert message.subject.startswith("[Transferportal] Ein Platz ist für Sie frei geworden: ")
    assert "nachgerückt" in message.body
    assert len(message.attachments) == 1
    second_waiting.refresh_from_db()
    assert second_waiting.state == State.WAITING


def test_leaving_the_waiting_list_moves_nobody_up(mailoutbox):
    date = factories.event_date(capacity=1)
    _register(date, "erste@example.org")
    waiting = _register(date, "zweite@example.org")
    behind = _register(date, "dritte@example.org")
    mailoutbox.clear()
    result = services.cancel_registration(waiting.cancel_token)
    assert result.promoted == []
    behind.refresh_from_db()
    assert behind.state == State.WAITING
    assert [m.to for m in mailoutbox] == [[waiting.email]]  # only the confirmation


def test_a_cancel_token_cancels_only_its_own_registration():
    date = factories.event_date(capacity=3)
    mine = _register(date, "ich@example.org")
    other = _register(date, "andere@example.org")
    services.cancel_registration(mine.cancel_token)
    mine.refresh_from_db()
    other.refresh_from_db()
    assert (mine.state, other.state) == (State.CANCELLED, State.CONFIRMED)
    assert mine.cancelled_at is not None


def test_cancel_tokens_are_long_random_and_unique():
    date = factories.event_date()
    tokens = {_register(date, f"p{i}@example.org").cancel_token for i in range(20)}
    assert len(tokens) == 20
    assert all(len(token) >= 40 for token in tokens)


def test_an_unknown_token_cancels_nothing():
    registration = factories.registration()
    with pytest.raises(Exception, match="does not exist"):
        services.cancel_registration("nicht-vorhanden")
    registration.refresh_from_db()
    assert registration.state == State.CONFIRMED


def test_cancelling_twice_is_harmless_and_promotes_only_once():
    date = factories.event_date(capacity=1)
    confirmed = _register(date, "erste@example.org")
    _register(date, "zweite@example.org")
    _register(date, "dritte@example.org")
    services.cancel_registration(confirmed.cancel_token)
    result = services.cancel_registration(confirmed.cancel_token)
    assert result.already_cancelled
    assert date.registrations.filter(state=State.CONFIRMED).count() == 1


def test_a_registration_for_a_date_that_is_over_cannot_be_cancelled():
    date = factories.event_date(days=1)
    registration = _register(date, "erika@example.org")
    after = date.ends_at + datetime.timedelta(minutes=1)
    with time_machine.travel(after, tick=False), pytest.raises(services.CancellationClosed):
        services.cancel_registration(registration.cancel_token)
    registration.refresh_from_db()
    assert registration.state == State.CONFIRMED


def test_more_places_move_people_up_from_the_waiting_list_in_order(mailoutbox):
    date = factories.event_date(capacity=1)
    emails = [f"p{i}@example.org" for i in range(4)]
    for email in emails:
        _register(date, email)
    date.capacity = 3
    date.save()
    mailoutbox.clear()
    promoted = services.fill_free_places(date.pk)
    assert [r.email for r in promoted] == emails[1:3]
    assert sorted(m.to[0] for m in mailoutbox) == emails[1:3]
    assert date.registrations.filter(state=State.CONFIRMED).count() == 3


def test_nobody_moves_up_on_a_cancelled_date():
    date = factories.event_date(capacity=1)
    confirmed = _register(date, "erste@example.org")
    _register(date, "zweite@example.org")
    date.cancelled = True
    date.save()
    assert services.cancel_registration(confirmed.cancel_token).promoted == []


class TestNextDateColumns:
    """Offer.objects.with_next_date(): the card's next date comes with the offer itself."""

    def _loaded(self, offer):
        return Offer.objects.with_next_date().get(pk=offer.pk).next_dates

    def test_the_next_date_is_the_same_as_loading_it(self, db):
        offer = factories.offer()
        factories.event_date(offer, days=-3)  # over
        factories.event_date(offer, days=2, cancelled=True)  # cancelled: skipped
        later = factories.event_date(offer, days=20)
        nearest = factories.event_date(
            offer,
            days=5,
            capacity=3,
            location="Potsdam",
            registration_enabled=False,
            title='Termin „eins“ "zwei" \\ drei',  # comes back through JSON
            registration_deadline=timezone.now().replace(microsecond=123456)
            + datetime.timedelta(days=4),
        )
        nearest.location = "Potsdam, Rathaus"
        nearest.save()  # its calendar version, 1, comes back through JSON too
        factories.registration(nearest)
        factories.registration(nearest, state="warteliste")
        [shown] = self._loaded(offer)
        expected = EventDate.objects.with_counts().get(pk=nearest.pk)
        for field in EventDate._meta.concrete_fields:
            assert getattr(shown, field.attname) == getattr(expected, field.attname), field
        assert (shown.confirmed_count, shown.waiting_count, shown.sequence) == (1, 1, 1)
        assert shown.free_places == expected.free_places == 2
        assert shown.registration_status() == expected.registration_status() == "elsewhere"
        assert shown.get_absolute_url() == nearest.get_absolute_url()
        assert timezone.is_aware(shown.starts_at)
        assert shown.pk != later.pk

    def test_an_all_day_date_and_an_offer_without_dates(self, db):
        offer = factories.offer()
        day = factories.event_date(offer, days=3, all_day=True)
        [shown] = self._loaded(offer)
        assert shown.all_day is True and shown.ends_at is None
        assert shown.effective_end == day.effective_end
        assert self._loaded(factories.offer()) == []

    def test_without_the_columns_the_next_date_is_loaded_on_demand(
        self, db, django_assert_num_queries
    ):
        offer = factories.offer()
        date = factories.event_date(offer, days=4)
        offer = Offer.objects.get(pk=offer.pk)
        with django_assert_num_queries(1):
            assert [d.pk for d in offer.next_dates] == [date.pk]


def test_compiled_queries_read_the_moment_when_they_run():
    """The offers of a topic and upcoming_dates() are compiled once per process: what is
    upcoming is decided when they run, not when they were compiled."""
    topics = [project_factories.topic()]
    offer = factories.offer(title="Einmal gebaut", topics=topics)
    soon = factories.event_date(offer, days=1, title="Bald")
    later = factories.event_date(offer, days=3, title="Später")
    services.offers_for_topic(topics[0])  # compiles now
    services.upcoming_dates()
    with time_machine.travel(timezone.now() + datetime.timedelta(days=2)):
        [card], _total = services.offers_for_topic(topics[0])
        assert card.next_dates[0].pk == later.pk
        assert [d.pk for d in services.upcoming_dates() if d.offer_id == offer.pk] == [later.pk]
    assert soon.pk in [d.pk for d in services.upcoming_dates()]


def test_compiled_offer_queries_never_keep_rows(django_user_model):
    editor = django_user_model.objects.create(username="r", is_staff=True, is_superuser=True)
    topics = [project_factories.topic()]
    first, _total = services.offers_for_topic(topics[0], editor)
    factories.offer(title="Neu hinzugekommen", published=False, topics=[topics[0]])
    again, _total = services.offers_for_topic(topics[0], editor)
    assert len(again) == len(first) + 1
    assert "Neu hinzugekommen" not in [o.title for o in services.offers_for_topic(topics[0])[0]]
