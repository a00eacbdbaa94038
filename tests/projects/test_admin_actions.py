"""The publish and withdraw actions: German messages with the right number."""

import pytest

from tests import factories

pytestmark = pytest.mark.django_db


def _messages(response):
    """The messages on the page the action leads back to."""
    return [str(m) for m in response.context["messages"]]


@pytest.mark.parametrize(
    ("action", "one", "two"),
    [
        ("publish", "1 Eintrag veröffentlicht.", "2 Einträge veröffentlicht."),
        ("unpublish", "1 Eintrag auf Entwurf gesetzt.", "2 Einträge auf Entwurf gesetzt."),
    ],
)
def test_action_messages_use_singular_and_plural(editor_client, action, one, two):
    first, second = factories.measure(), factories.measure()
    url = "/admin/projects/measure/"
    response = editor_client.post(
        url, {"action": action, "_selected_action": [first.pk]}, follow=True
    )
    assert _messages(response) == [one]
    response = editor_client.post(
        url, {"action": action, "_selected_action": [first.pk, second.pk]}, follow=True
    )
    assert _messages(response) == [two]
