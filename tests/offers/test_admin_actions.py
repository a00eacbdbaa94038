"""Actions on offers and registrations: German messages with the right number."""

import pytest

from tests.offers import factories

pytestmark = pytest.mark.django_db


def _messages(response):
    """The messages on the page the action leads back to."""
    return [str(m) for m in response.context["messages"]]


@pytest.mark.parametrize(
    ("action", "one", "two"),
    [
        ("publish", "1 Angebot veröffentlicht.", "2 Angebote veröffentlicht."),
        ("unpublish", "1 Angebot auf Entwurf gesetzt.", "2 Angebote auf Entwurf gesetzt."),
    ],
)
def test_offer_action_messages_use_singular_and_plural(editor_client, action, one, two):
    before = action == "unpublish"
    first, second, third = (factories.offer(published=before) for _ in range(3))
    url = "/admin/offers/offer/"
    response = editor_client.post(
        url, {"action": action, "_selected_action": [first.pk]}, follow=True
    )
    assert _messages(response) == [one]
    response = editor_client.post(
        url, {"action": action, "_selected_action": [second.pk, third.pk]}, follow=True
    )
    assert _messages(response) == [two]


def test_cancelling_one_registration_says_so_in_the_singular(editor_client):
    first, second, third = (factories.registration() for _ in range(3))
    url = "/admin/offers/registration/"
    response = editor_client.post(
        url, {"action": "cancel", "_selected_action": [first.pk]}, follow=True
    )
    assert _messages(response) == ["1 Anmeldung abgesagt."]
    response = editor_client.post(
        url, {"action": "cancel", "_selected_action": [second.pk, third.pk]}, follow=True
    )
    assert _messages(response) == ["2 Anmeldungen abgesagt."]


def test_withdrawing_an_offer_is_in_its_history(editor_client, editor):
    from django.contrib.admin.models import LogEntry

    offer = factories.offer()
    editor_client.post(
        "/admin/offers/offer/", {"action": "unpublish", "_selected_action": [offer.pk]}
    )
    entry = LogEntry.objects.get(object_id=str(offer.pk), content_type__model="offer")
    assert (entry.user, entry.object_repr) == (editor, offer.title)
    assert entry.get_change_message() == "Mit der Aktion in der Liste zurückgezogen (Entwurf)."
