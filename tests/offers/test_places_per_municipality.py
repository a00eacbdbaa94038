"""Places per municipality (issue 21, 2): once a municipality holds the date's limit, the
next person from it waits, told why; when one of its places frees, it moves up."""

import pytest

from offers import services
from offers.models import Registration
from tests import factories as portal_factories
from tests.offers import factories

pytestmark = pytest.mark.django_db

State = Registration.State


def _register(date, municipality, email):
    return services.register(date.pk, name=email, email=email, municipality=municipality)


def test_the_next_person_of_a_municipality_at_its_limit_waits_and_learns_why(mailoutbox):
    date = factories.event_date(capacity=3, places_per_municipality=1)
    cottbus, guben = portal_factories.municipality(), portal_factories.municipality()
    first = _register(date, cottbus, "a@cottbus.example")
    second = _register(date, cottbus, "b@cottbus.example")
    other = _register(date, guben, "c@guben.example")
    without = _register(date, None, "d@example.org")  # no municipality: no limit
    assert [r.state for r in (first, second, other, without)] == [
        State.CONFIRMED,
        State.WAITING,
        State.CONFIRMED,
        State.CONFIRMED,
    ]
    waiting_mail = next(m for m in mailoutbox if m.to == ["b@cottbus.example"])
    assert "höchstens 1 Platz je Kommune" in waiting_mail.body
    full_mail = next(m for m in mailoutbox if m.to == ["a@cottbus.example"])
    assert "je Kommune" not in full_mail.body

    # Cottbus's place is cancelled: its next person moves up.
    services.cancel_registration(first.cancel_token)
    second.refresh_from_db()
    assert second.state == State.CONFIRMED


def test_moving_up_skips_who_waits_for_their_municipality(mailoutbox):
    date = factories.event_date(capacity=2, places_per_municipality=1)
    cottbus, guben = portal_factories.municipality(), portal_factories.municipality()
    first = _register(date, cottbus, "a@cottbus.example")
    _register(date, guben, "b@guben.example")
    waits_for_cottbus = _register(date, cottbus, "c@cottbus.example")
    later = _register(date, portal_factories.municipality(), "d@elsewhere.example")
    assert waits_for_cottbus.state == later.state == State.WAITING
    # More places: the one from elsewhere moves up; Cottbus still holds its one place.
    date.capacity = 4
    date.save()
    services.fill_free_places(date.pk)
    waits_for_cottbus.refresh_from_db()
    later.refresh_from_db()
    assert (waits_for_cottbus.state, later.state) == (State.WAITING, State.CONFIRMED)
    assert first.municipality == cottbus


def test_the_page_says_the_limit(client):
    from tests.checkers import assert_valid_html

    date = factories.event_date(capacity=10, places_per_municipality=2)
    text = client.get(date.get_absolute_url()).text
    assert "Plätze je Kommune" in text and "höchstens 2" in text
    assert_valid_html({"date with places per municipality": text})


def test_confirming_by_link_puts_the_next_of_a_municipality_on_the_waiting_list_with_why(
    client, mailoutbox
):
    date = factories.event_date(capacity=5, places_per_municipality=1)
    cottbus = portal_factories.municipality()
    _register(date, cottbus, "a@cottbus.example")
    request, token = factories.pending_request(date, municipality=cottbus)
    response = client.post(f"/teilnahme/{token}/bestaetigen/", follow=True)
    request.refresh_from_db()
    assert request.state == State.WAITING
    assert "höchstens 1 Platz je Kommune" in response.text
