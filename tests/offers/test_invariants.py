"""Whatever people do, in any order: never more confirmed than places, never a free place
while someone waits, the waiting list moves up in the order people got on it, and a
request not confirmed yet never holds a place."""

import re

import pytest
from django.db.models import Q
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from offers import services
from offers.models import EventDate, Registration
from tests.offers import factories

State = Registration.State
pytestmark = pytest.mark.django_db

actions = st.lists(
    st.one_of(
        st.tuples(st.just("register"), st.integers(0, 4)),
        st.tuples(st.just("request"), st.integers(0, 4)),
        st.tuples(st.just("confirm"), st.integers(0, 4)),
        st.tuples(st.just("cancel"), st.integers(0, 4)),
        st.tuples(st.just("more_places"), st.integers(1, 2)),
    ),
    max_size=25,
)


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(capacity=st.integers(1, 3), steps=actions)
# Asked early, confirmed after someone else got on the waiting list: behind them.
@example(
    capacity=1,
    steps=[("register", 0), ("request", 1), ("register", 2), ("confirm", 1), ("cancel", 0)],
)
def test_capacity_and_waiting_list_hold_after_any_sequence(capacity, steps, mailoutbox):
    date = factories.event_date(capacity=capacity)
    tokens = {}  # the newest confirmation link per address
    joined = []  # addresses in the order they got a place or got on the waiting list
    for action, number in steps:
        email = f"person{number}@example.org"
        if action == "register":
            try:
                services.register(date.pk, name="Person", email=email)
                joined.append(email)
            except services.AlreadyRegistered:
                assert date.registrations.active().filter(email=email).exists()
        elif action == "request":
            mailoutbox.clear()
            services.request_registration(date.pk, name="Person", email=email)
            [message] = mailoutbox
            link = re.search(r"/teilnahme/([^/\s]+)/bestaetigen/", message.body)
            if link:
                tokens[email] = link.group(1)
            else:  # takes part already: a reminder, no request
                assert date.registrations.active().filter(email=email).exists()
        elif action == "confirm" and email in tokens:
            try:
                if not services.confirm_registration(tokens[email]).already_confirmed:
                    joined.append(email)
            except services.UnknownRequest:  # replaced by registering at once
                assert not date.registrations.pending().filter(email=email).exists()
            except services.AlreadyRegistered:
                assert date.registrations.active().filter(email=email).exists()
        elif action == "cancel":
            active = date.registrations.active().filter(email=email).first()
            if active:
                services.cancel_registration(active.cancel_token)
                joined.remove(email)
        elif action == "more_places":
            date.capacity += number
            date.save()
            services.fill_free_places(date.pk)

        date.refresh_from_db()
        confirmed = date.registrations.filter(state=State.CONFIRMED).count()
        waiting = list(date.registrations.filter(state=State.WAITING).order_by("created_at", "pk"))
        assert confirmed <= date.capacity
        assert not waiting or confirmed == date.capacity
        counted = EventDate.objects.with_counts().get(pk=date.pk)
        assert (counted.confirmed_count, counted.waiting_count) == (confirmed, len(waiting))
        # One active registration and at most one open request per address.
        for state_filter in (date.registrations.active(), date.registrations.pending()):
            emails = list(state_filter.values_list("email", flat=True))
            assert len(emails) == len(set(emails))
        # The waiting list stands in the order people joined it, whenever they asked.
        assert [r.email for r in waiting] == [e for e in joined if e in {r.email for r in waiting}]
        if waiting:
            # Nobody who got on after the first person still waiting was confirmed ahead
            # of them (a request counts from its confirmation, not from when it was made).
            first = waiting[0]
            later = Q(created_at__gt=first.created_at) | Q(
                created_at=first.created_at, pk__gt=first.pk
            )
            assert not date.registrations.filter(later, state=State.CONFIRMED).exists()
