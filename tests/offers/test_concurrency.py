"""The capacity holds when many people register or confirm at the same moment (PostgreSQL
row locks)."""

import re

import pytest

from offers import services
from offers.models import Registration
from tests.offers import factories
from tests.threads import run_at_once

State = Registration.State
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("postgres_only")]


def test_concurrent_registrations_never_exceed_the_capacity():
    date = factories.event_date(capacity=3)
    results = run_at_once(
        12,
        lambda i: services.register(date.pk, name=f"Person {i}", email=f"p{i}@example.org"),
    )
    assert all(isinstance(result, Registration) for result in results), results
    counts = {
        state: date.registrations.filter(state=state).count()
        for state in (State.CONFIRMED, State.WAITING)
    }
    assert counts == {State.CONFIRMED: 3, State.WAITING: 9}


def _token(message):
    return re.search(r"/teilnahme/([^/\s]+)/bestaetigen/", message.body).group(1)


def test_fifty_requests_then_fifty_confirmations_at_once_fill_two_places(mailoutbox):
    date = factories.event_date(capacity=2)
    requested = run_at_once(
        50,
        lambda i: services.request_registration(
            date.pk, name=f"Person {i}", email=f"p{i}@example.org"
        ),
    )
    assert not [r for r in requested if isinstance(r, Exception)], requested
    assert date.registrations.pending().count() == 50
    tokens = {message.to[0]: _token(message) for message in mailoutbox}
    assert len(tokens) == 50
    mailoutbox.clear()

    results = run_at_once(50, lambda i: services.confirm_registration(tokens[f"p{i}@example.org"]))

    assert all(isinstance(r, services.ConfirmResult) for r in results), results
    assert not [r for r in results if r.already_confirmed]
    states = list(date.registrations.values_list("state", flat=True))
    assert sorted(states) == [State.CONFIRMED] * 2 + [State.WAITING] * 48
    emails = list(date.registrations.values_list("email", flat=True))
    assert len(set(emails)) == len(emails) == 50
    subjects = [message.subject for message in mailoutbox]
    assert len(subjects) == 50
    assert sum("ist bestätigt" in subject for subject in subjects) == 2


def test_one_link_clicked_many_times_at_once_confirms_once(mailoutbox):
    date = factories.event_date(capacity=5)
    services.request_registration(date.pk, name="Erika", email="erika@example.org")
    token = _token(mailoutbox[0])
    mailoutbox.clear()
    results = run_at_once(8, lambda i: services.confirm_registration(token))
    assert sum(not r.already_confirmed for r in results) == 1, results
    assert list(date.registrations.values_list("state", flat=True)) == [State.CONFIRMED]
    assert len(mailoutbox) == 1


def test_many_requests_for_one_address_at_once_leave_one_open_request(mailoutbox):
    date = factories.event_date(capacity=5)
    results = run_at_once(
        8,
        lambda i: services.request_registration(date.pk, name=f"V{i}", email="Erika@example.org"),
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    assert date.registrations.pending().count() == 1
    # Each request replaced the one before: only the last mail's link still works.
    tokens = [_token(message) for message in mailoutbox]
    assert len(tokens) == 8
    working = []
    for token in tokens:
        try:
            services.confirm_registration(token)
        except services.UnknownRequest:
            continue
        working.append(token)
    assert len(working) == 1


def test_concurrent_registrations_with_the_same_email_create_only_one():
    date = factories.event_date(capacity=10)
    results = run_at_once(
        8, lambda i: services.register(date.pk, name="Erika", email="erika@example.org")
    )
    assert sum(isinstance(result, Registration) for result in results) == 1
    assert all(
        isinstance(result, (Registration, services.AlreadyRegistered)) for result in results
    ), results
    assert date.registrations.count() == 1


def test_concurrent_cancellations_and_registrations_keep_the_capacity():
    date = factories.event_date(capacity=2)
    confirmed = [
        services.register(date.pk, name=f"Alt {i}", email=f"alt{i}@example.org") for i in range(2)
    ]
    for i in range(3):
        services.register(date.pk, name=f"Warte {i}", email=f"warte{i}@example.org")

    def work(i):
        if i < 2:
            return services.cancel_registration(confirmed[i].cancel_token)
        return services.register(date.pk, name=f"Neu {i}", email=f"neu{i}@example.org")

    results = run_at_once(8, work)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert date.registrations.filter(state=State.CONFIRMED).count() == 2
    # The two freed places went to the first two on the waiting list, not to newcomers.
    promoted = set(date.registrations.filter(state=State.CONFIRMED).values_list("email", flat=True))
    assert promoted == {"warte0@example.org", "warte1@example.org"}
