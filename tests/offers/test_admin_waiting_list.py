"""Places freed or added in the admin go to the waiting list, as in the portal."""

import pytest

from offers.models import Registration
from tests.offers import factories
from tests.transfer_portal.test_admin_site import form_data

State = Registration.State
pytestmark = pytest.mark.django_db


def test_more_places_in_the_offers_dates_inline_move_the_waiting_list_up(
    editor_client, mailoutbox, django_capture_on_commit_callbacks
):
    date = factories.event_date(capacity=1)
    factories.registration(date)
    waiting = factories.registration(date, state=State.WAITING)
    url = f"/admin/offers/offer/{date.offer.pk}/change/"
    data = form_data(editor_client, url, **{"dates-0-capacity": "2"})
    assert data["dates-0-id"] == str(date.pk)
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(url, data)
    assert response.status_code == 302, response.context["errors"]
    waiting.refresh_from_db()
    assert waiting.state == State.CONFIRMED
    assert [m.to for m in mailoutbox] == [[waiting.email]]


def test_an_offer_saved_without_new_places_promotes_nobody(
    editor_client, mailoutbox, django_capture_on_commit_callbacks
):
    date = factories.event_date(capacity=1)
    factories.registration(date)
    waiting = factories.registration(date, state=State.WAITING)
    url = f"/admin/offers/offer/{date.offer.pk}/change/"
    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(url, form_data(editor_client, url, **{"dates-0-title": "Neu"}))
    waiting.refresh_from_db()
    assert waiting.state == State.WAITING
    assert mailoutbox == []


def test_deleting_a_confirmed_registration_moves_the_waiting_list_up(
    editor_client, mailoutbox, django_capture_on_commit_callbacks
):
    date = factories.event_date(capacity=1)
    confirmed = factories.registration(date)
    waiting = factories.registration(date, state=State.WAITING)
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(
            f"/admin/offers/registration/{confirmed.pk}/delete/", {"post": "yes"}
        )
    assert response.status_code == 302
    assert not Registration.objects.filter(pk=confirmed.pk).exists()
    waiting.refresh_from_db()
    assert waiting.state == State.CONFIRMED
    assert [m.to for m in mailoutbox] == [[waiting.email]]
    assert "Ein Platz ist für Sie frei geworden" in mailoutbox[0].subject


def test_deleting_registrations_in_bulk_fills_the_places_of_each_date(
    editor_client, mailoutbox, django_capture_on_commit_callbacks
):
    first, second = factories.event_date(capacity=1), factories.event_date(capacity=2)
    deleted = [
        factories.registration(first),
        factories.registration(second),
        factories.registration(second),
    ]
    waiting = [
        factories.registration(first, state=State.WAITING),
        factories.registration(second, state=State.WAITING),
        factories.registration(second, state=State.WAITING),
        factories.registration(second, state=State.WAITING),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(
            "/admin/offers/registration/",
            {
                "action": "delete_selected",
                "_selected_action": [r.pk for r in deleted],
                "post": "yes",
            },
        )
    assert response.status_code == 302
    states = [Registration.objects.get(pk=r.pk).state for r in waiting]
    assert states == [State.CONFIRMED, State.CONFIRMED, State.CONFIRMED, State.WAITING]
    assert sorted(m.to[0] for m in mailoutbox) == sorted(r.email for r in waiting[:3])


def test_deleting_a_waiting_registration_promotes_nobody(
    editor_client, mailoutbox, django_capture_on_commit_callbacks
):
    date = factories.event_date(capacity=1)
    factories.registration(date)
    first, second = (factories.registration(date, state=State.WAITING) for _ in range(2))
    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(f"/admin/offers/registration/{first.pk}/delete/", {"post": "yes"})
    second.refresh_from_db()
    assert second.state == State.WAITING
    assert mailoutbox == []
