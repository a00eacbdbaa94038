"""Whatever people do, in any order: never more confirmed than places, never a free place
while someone waits, and the waiting list moves up in the order people registered."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from offers import services
from offers.models import Registration
from tests.offers import factories

State = Registration.State
pytestmark = pytest.mark.django_db

actions = st.lists(
    st.one_of(
        st.tuples(st.just("register"), st.integers(0, 7)),
        st.tuples(st.just("cancel"), st.integers(0, 7)),
        st.tuples(st.just("more_places"), st.integers(1, 2)),
    ),
    max_size=25,
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(capacity=st.integers(1, 4), steps=actions)
def test_capacity_and_waiting_list_hold_after_any_sequence(capacity, steps):
    date = factories.event_date(capacity=capacity)
    for action, number in steps:
        email = f"person{number}@example.org"
        if action == "register":
            try:
                services.register(date.pk, name="Person", email=email)
            except services.AlreadyRegistered:
                assert (
                    date.registrations.filter(email=email).exclude(state=State.CANCELLED).exists()
                )
        elif action == "cancel":
            active = date.registrations.exclude(state=State.CANCELLED).filter(email=email).first()
            if active:
                services.cancel_registration(active.cancel_token)
        else:
            date.capacity += number
            date.save()
            services.fill_free_places(date.pk)

        date.refresh_from_db()
        confirmed = date.registrations.filter(state=State.CONFIRMED).count()
        waiting = list(date.registrations.filter(state=State.WAITING).order_by("created_at", "pk"))
        assert confirmed <= date.capacity
        assert not waiting or confirmed == date.capacity
        if waiting:
            # Nobody who registered after the first person still waiting was confirmed
            # ahead of them, unless they came back after cancelling.
            assert not date.registrations.filter(
                state=State.CONFIRMED, pk__gt=waiting[0].pk
            ).exists()
