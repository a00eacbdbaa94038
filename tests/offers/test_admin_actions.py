"""Actions on registrations: German messages with the right number (publishing: see
tests/transfer_portal/test_publish_actions.py)."""

import pytest

from tests.offers import factories

pytestmark = pytest.mark.django_db


def _messages(response):
    """The messages on the page the action leads back to."""
    return [str(m) for m in response.context["messages"]]


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
