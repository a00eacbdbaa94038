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
    before = action == "unpublish"
    first, second, third = (factories.measure(published=before) for _ in range(3))
    url = "/admin/projects/measure/"
    response = editor_client.post(
        url, {"action": action, "_selected_action": [first.pk]}, follow=True
    )
    assert _messages(response) == [one]
    response = editor_client.post(
        url, {"action": action, "_selected_action": [second.pk, third.pk]}, follow=True
    )
    assert _messages(response) == [two]


def test_withdrawing_writes_who_did_it_into_each_objects_history(editor_client, editor):
    from django.contrib.admin.models import CHANGE, LogEntry

    published = [factories.measure(), factories.measure()]
    draft = factories.measure(published=False)
    editor_client.post(
        "/admin/projects/measure/",
        {"action": "unpublish", "_selected_action": [m.pk for m in [*published, draft]]},
    )
    entries = LogEntry.objects.filter(content_type__model="measure")
    # Only what changed: the draft stays a draft and gets no entry.
    assert sorted(int(e.object_id) for e in entries) == sorted(m.pk for m in published)
    assert {(e.user, e.action_flag) for e in entries} == {(editor, CHANGE)}
    history = editor_client.get(f"/admin/projects/measure/{published[0].pk}/history/")
    html = history.content.decode()
    assert editor.get_username() in html
    assert "Mit der Aktion in der Liste zurückgezogen (Entwurf)." in html


def test_publishing_is_in_the_history_too(editor_client):
    from django.contrib.admin.models import LogEntry

    project = factories.project(published=False)
    editor_client.post(
        "/admin/projects/modelproject/", {"action": "publish", "_selected_action": [project.pk]}
    )
    project.refresh_from_db()
    assert project.published
    entry = LogEntry.objects.get(object_id=str(project.pk), content_type__model="modelproject")
    assert entry.get_change_message() == "Mit der Aktion in der Liste veröffentlicht."
