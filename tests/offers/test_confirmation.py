"""Double opt-in: a request holds no place until its address is confirmed by the e-mail link."""

import datetime
import re
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone

from offers import services
from offers.models import EventDate, Registration, confirm_token_digest
from tests import factories as portal
from tests.offers import factories

State = Registration.State
pytestmark = pytest.mark.django_db


def _request(date, email="erika@example.org", name="Erika Musterfrau", **extra):
    return services.request_registration(date.pk, name=name, email=email, **extra)


def _token(message):
    return re.search(r"/teilnahme/([^/\s]+)/bestaetigen/", message.body).group(1)


def _counts(date):
    date = EventDate.objects.with_counts().get(pk=date.pk)
    return date.confirmed_count, date.waiting_count


class TestRequest:
    def test_a_request_holds_no_place_and_is_no_participant(self, mailoutbox):
        date = factories.event_date(capacity=1)
        _request(date)
        request = date.registrations.get()
        assert request.state == State.PENDING
        assert _counts(date) == (0, 0)
        assert not services.is_registered(date, "erika@example.org")
        assert not Registration.objects.filter(pk=request.pk).active().exists()
        # The place is still free for someone else.
        assert services.register(date.pk, name="Paul", email="paul@example.org").state == (
            State.CONFIRMED
        )

    def test_the_link_holds_for_the_configured_hours(self, settings):
        settings.REGISTRATION_CONFIRM_HOURS = 6
        date = factories.event_date(days=10)
        now = timezone.now().replace(microsecond=0)
        with time_machine.travel(now, tick=False):
            expires_at = _request(date)
        assert expires_at == now + datetime.timedelta(hours=6)
        assert date.registrations.get().confirm_expires_at == expires_at

    def test_the_link_holds_at_most_until_registration_closes(self):
        starts_at = timezone.now().replace(microsecond=0) + datetime.timedelta(hours=30)
        deadline = starts_at - datetime.timedelta(hours=20)
        with_deadline = factories.event_date(starts_at=starts_at, registration_deadline=deadline)
        soon = factories.event_date(starts_at=timezone.now() + datetime.timedelta(hours=2))
        assert _request(with_deadline) == deadline
        assert _request(soon) == soon.starts_at

    def test_the_token_is_long_random_and_only_its_digest_is_stored(self, mailoutbox):
        date = factories.event_date()
        for i in range(10):
            _request(date, email=f"p{i}@example.org")
        tokens = [_token(message) for message in mailoutbox]
        assert len(set(tokens)) == 10 and all(len(token) >= 40 for token in tokens)
        stored = set(date.registrations.values_list("confirm_token", flat=True))
        assert stored == {confirm_token_digest(token) for token in tokens}
        assert not stored & set(tokens)

    def test_the_mail_carries_nothing_the_requester_typed(self, mailoutbox, settings):
        settings.SITE_URL = "https://transfer.example.org"
        town = portal.municipality(name="Gewinnstadt")
        date = factories.event_date(title="Grundlagen", location="Potsdam, Rathaus")
        _request(date, name="Sie haben gewonnen: https://evil.example", municipality=town)
        [message] = mailoutbox
        assert message.to == ["erika@example.org"]
        assert message.reply_to == []  # not DABB's contact person
        assert message.attachments == []
        assert message.subject.startswith("[Transferportal] Bitte bestätigen Sie Ihre Teilnahme")
        body = message.body
        for typed in ("gewonnen", "evil.example", "Gewinnstadt", "Erika"):
            assert typed not in body and typed not in message.subject
        assert body.startswith("Guten Tag,\n")
        assert f"{date.offer.title} – Grundlagen" in body
        assert "Wo: Potsdam, Rathaus" in body
        assert f"https://transfer.example.org/teilnahme/{_token(message)}/bestaetigen/" in body
        assert "Der Link gilt bis " in body
        assert "ignorieren Sie diese E-Mail einfach" in body
        assert date.offer.contact.email not in body

    def test_a_new_request_for_the_same_address_replaces_the_open_one(self, mailoutbox):
        date = factories.event_date()
        _request(date, name="Erster Versuch")
        _request(date, email="ERIKA@example.org", name="Zweiter Versuch")
        request = date.registrations.get()
        assert (request.name, request.email) == ("Zweiter Versuch", "erika@example.org")
        first, second = (_token(message) for message in mailoutbox)
        with pytest.raises(services.UnknownRequest):
            services.confirm_registration(first)  # only the newest link works
        assert services.confirm_registration(second).registration.state == State.CONFIRMED

    def test_a_request_does_not_lock_the_owner_of_the_address_out(self, mailoutbox):
        """Someone asks with another person's address: she can still register herself."""
        date = factories.event_date()
        _request(date, email="opfer@example.org", name="Angreifer")
        own = services.register(date.pk, name="Opfer", email="opfer@example.org")
        assert own.state == State.CONFIRMED
        assert list(date.registrations.values_list("name", flat=True)) == ["Opfer"]

    def test_the_database_allows_one_open_request_per_address_beside_a_registration(self):
        date = factories.event_date()
        factories.registration(date, email="erika@example.org")
        factories.pending_request(date, email="ERIKA@example.org")
        with pytest.raises(IntegrityError), transaction.atomic():
            factories.pending_request(date, email="Erika@example.org")

    def test_the_database_refuses_a_request_without_token_or_expiry(self):
        date = factories.event_date()
        with pytest.raises(IntegrityError), transaction.atomic():
            factories.registration(date, state=State.PENDING)

    def test_a_closed_date_takes_no_request(self, mailoutbox):
        date = factories.event_date(cancelled=True)
        with pytest.raises(services.RegistrationClosed):
            _request(date)
        assert not date.registrations.exists() and mailoutbox == []

    def test_an_address_that_takes_part_gets_a_reminder_and_no_request(self, mailoutbox):
        date = factories.event_date(capacity=1)
        factories.registration(date, name="Erika Echt", email="erika@example.org")
        waiting = factories.registration(date, name="Wera", email="wera@example.org")
        waiting.state = State.WAITING
        waiting.save()
        _request(date, name="Jemand anderes")
        _request(date, email="wera@example.org", name="Jemand anderes")
        assert not date.registrations.pending().exists()
        confirmed, on_list = mailoutbox
        assert confirmed.subject.startswith("[Transferportal] Ihre Teilnahme ist bereits bestätigt")
        assert "Guten Tag Erika Echt," in confirmed.body and "Jemand" not in confirmed.body
        assert "noch einmal beantragt" in confirmed.body
        assert "/stornieren/" in confirmed.body
        assert on_list.subject.startswith("[Transferportal] Sie stehen bereits auf der Warteliste")


class TestConfirm:
    def test_confirming_takes_a_free_place_and_sends_the_confirmation(self, mailoutbox):
        date = factories.event_date(capacity=2)
        _request(date)
        result = services.confirm_registration(_token(mailoutbox[0]))
        assert (result.registration.state, result.already_confirmed) == (State.CONFIRMED, False)
        assert _counts(date) == (1, 0)
        confirmation = mailoutbox[1]
        assert "Guten Tag Erika Musterfrau," in confirmation.body  # the address is confirmed
        assert confirmation.reply_to == [date.offer.contact.email]
        assert [name for name, _content, _type in confirmation.attachments] == [
            f"termin-{date.pk}.ics"
        ]
        assert "/stornieren/" in confirmation.body

    def test_a_date_full_by_now_puts_the_confirmed_address_on_the_waiting_list(self, mailoutbox):
        date = factories.event_date(capacity=1)
        _request(date)
        services.register(date.pk, name="Schneller", email="schnell@example.org")
        result = services.confirm_registration(_token(mailoutbox[0]))
        assert result.registration.state == State.WAITING
        assert _counts(date) == (1, 1)
        assert mailoutbox[-1].subject.startswith("[Transferportal] Sie stehen auf der Warteliste")

    def test_confirming_twice_is_harmless(self, mailoutbox):
        date = factories.event_date(capacity=1)
        _request(date)
        token = _token(mailoutbox[0])
        services.confirm_registration(token)
        again = services.confirm_registration(token)
        assert again.already_confirmed and again.registration.state == State.CONFIRMED
        assert date.registrations.count() == 1 and len(mailoutbox) == 2

    def test_an_expired_link_confirms_nothing(self, mailoutbox):
        date = factories.event_date(days=10)
        expires_at = _request(date)
        with time_machine.travel(expires_at, tick=False), pytest.raises(services.RequestExpired):
            services.confirm_registration(_token(mailoutbox[0]))
        assert date.registrations.get().state == State.PENDING
        assert _counts(date) == (0, 0)

    def test_a_date_cancelled_after_the_request_confirms_nothing(self, mailoutbox):
        date = factories.event_date()
        _request(date)
        EventDate.objects.filter(pk=date.pk).update(cancelled=True)
        with pytest.raises(services.RegistrationClosed):
            services.confirm_registration(_token(mailoutbox[0]))
        assert date.registrations.get().state == State.PENDING

    @pytest.mark.parametrize("token", ["", "x", "nicht-vorhanden", "ä" * 50, "a" * 5000])
    def test_an_unknown_token_confirms_nothing(self, token):
        request, real = factories.pending_request()
        with pytest.raises(services.UnknownRequest):
            services.confirm_registration(token)
        with pytest.raises(services.UnknownRequest):
            services.confirm_registration(request.confirm_token)  # the digest is no token
        request.refresh_from_db()
        assert request.state == State.PENDING

    def test_an_address_registered_meanwhile_by_other_means_is_not_registered_twice(self):
        date = factories.event_date()
        request, token = factories.pending_request(date, email="erika@example.org")
        factories.registration(date, email="erika@example.org")  # e.g. entered by an editor
        with pytest.raises(services.AlreadyRegistered):
            services.confirm_registration(token)
        assert not Registration.objects.filter(pk=request.pk).exists()
        assert date.registrations.count() == 1

    def test_the_waiting_list_follows_the_order_of_confirmation(self, mailoutbox):
        """Asking early and confirming late does not overtake those who confirmed before."""
        date = factories.event_date(capacity=1)
        holder = services.register(date.pk, name="Hat Platz", email="platz@example.org")
        start = timezone.now()
        with time_machine.travel(start, tick=False):
            _request(date, email="frueh@example.org")
        with time_machine.travel(start + datetime.timedelta(minutes=1), tick=False):
            _request(date, email="spaet@example.org")
            late = services.confirm_registration(_token(mailoutbox[-1])).registration
        with time_machine.travel(start + datetime.timedelta(minutes=2), tick=False):
            early = services.confirm_registration(_token(mailoutbox[-3])).registration
        assert (late.state, early.state) == (State.WAITING, State.WAITING)
        [promoted] = services.cancel_registration(holder.cancel_token).promoted
        assert promoted.email == "spaet@example.org"


class TestNeverToAnUnconfirmedAddress:
    def test_date_changes_and_cancellations_are_not_sent_to_requests(self, mailoutbox):
        date = factories.event_date()
        factories.registration(date, email="dabei@example.org")
        factories.pending_request(date, email="offen@example.org")
        date.location = "Anderswo"
        date.save()
        services.announce_change(date.pk, date.calendar_changes)
        date.cancelled = True
        date.save()
        services.announce_cancellation(date.pk)
        assert {tuple(message.to) for message in mailoutbox} == {("dabei@example.org",)}
        assert len(mailoutbox) == 2

    def test_cancelling_a_request_deletes_it_quietly(self, mailoutbox):
        date = factories.event_date(capacity=1)
        request, _token = factories.pending_request(date)
        factories.registration(date)
        waiting = factories.registration(date, state=State.WAITING)
        result = services.cancel_registration(request.cancel_token)
        assert result.withdrawn and result.promoted == []
        assert not Registration.objects.filter(pk=request.pk).exists()
        waiting.refresh_from_db()
        assert waiting.state == State.WAITING and mailoutbox == []


class TestExpiredRequestsAreDeleted:
    def test_expired_requests_and_those_of_closed_dates_are_deleted(self):
        now = timezone.now()
        date = factories.event_date(days=10)
        expired, _t1 = factories.pending_request(date, hours=-1)
        valid, _t2 = factories.pending_request(date, hours=5)
        started = factories.event_date(starts_at=now - datetime.timedelta(minutes=5))
        on_started, _t3 = factories.pending_request(started, hours=5)
        deadline_passed = factories.event_date(
            days=3, registration_deadline=now - datetime.timedelta(minutes=1)
        )
        after_deadline, _t4 = factories.pending_request(deadline_passed, hours=5)
        participants = [
            factories.registration(started, state=state)
            for state in (State.CONFIRMED, State.WAITING, State.CANCELLED)
        ]
        assert services.delete_expired_requests(now) == 3
        remaining = set(Registration.objects.values_list("pk", flat=True))
        assert remaining == {valid.pk, *(r.pk for r in participants)}
        assert services.delete_expired_requests(now) == 0
        assert {expired.pk, on_started.pk, after_deadline.pk}.isdisjoint(remaining)

    def test_the_daily_command_deletes_them_and_says_how_many(self):
        factories.pending_request(hours=-2)
        factories.pending_request(hours=2)
        out = StringIO()
        call_command("purge_personal_data", stdout=out)
        assert "Unbestätigte Teilnahmeanfragen gelöscht: 1 " in out.getvalue()
        assert Registration.objects.pending().count() == 1
