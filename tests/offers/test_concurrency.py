"""The capacity holds when many people register at the same moment (PostgreSQL row locks)."""

import threading

import pytest
from django.db import connection

from offers import services
from offers.models import Registration
from tests.offers import factories

State = Registration.State
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("postgres_only")]


def _run_at_once(count, work):
    """Start `count` threads that call work(i) together; return results or exceptions."""
    barrier = threading.Barrier(count)
    results = [None] * count

    def run(i):
        try:
            barrier.wait()
            results[i] = work(i)
        except Exception as error:  # noqa: BLE001 - the test inspects every outcome
            results[i] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_concurrent_registrations_never_exceed_the_capacity():
    date = factories.event_date(capacity=3)
    results = _run_at_once(
        12,
        lambda i: services.register(date.pk, name=f"Person {i}", email=f"p{i}@example.org"),
    )
    assert all(isinstance(result, Registration) for result in results), results
    counts = {
        state: date.registrations.filter(state=state).count()
        for state in (State.CONFIRMED, State.WAITING)
    }
    assert counts == {State.CONFIRMED: 3, State.WAITING: 9}


def test_concurrent_registrations_with_the_same_email_create_only_one():
    date = factories.event_date(capacity=10)
    results = _run_at_once(
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

    results = _run_at_once(8, work)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert date.registrations.filter(state=State.CONFIRMED).count() == 2
    # The two freed places went to the first two on the waiting list, not to newcomers.
    promoted = set(date.registrations.filter(state=State.CONFIRMED).values_list("email", flat=True))
    assert promoted == {"warte0@example.org", "warte1@example.org"}
