"""Publishing and withdrawing in the admin's lists: one set of actions for every model with a
`published` flag, German messages with the right number, an entry in each history."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.models import CHANGE, LogEntry

from tests import factories
from tests.offers import factories as offer_factories
from tests.surveys import factories as survey_factories
from transfer_portal.lib.admin_actions import PublishActions

pytestmark = pytest.mark.django_db

# Every publishable model, how to make one, and its German names (one, several).
PUBLISHABLE = {
    "projects.modelproject": (factories.project, "Modellprojekt", "Modellprojekte"),
    "projects.measure": (factories.measure, "Maßnahme", "Maßnahmen"),
    "projects.insight": (factories.insight, "Erkenntnis", "Erkenntnisse"),
    "offers.offer": (offer_factories.offer, "Angebot", "Angebote"),
    "offers.contact": (offer_factories.contact, "Ansprechperson", "Ansprechpersonen"),
    "surveys.survey": (survey_factories.survey, "Umfrage", "Umfragen"),
}


def _changelist(label):
    app_label, model_name = label.split(".")
    return f"/admin/{app_label}/{model_name}/"


def _messages(response):
    """The messages on the page the action leads back to."""
    return [str(m) for m in response.context["messages"]]


def test_every_model_with_a_published_flag_is_listed_here_and_has_the_shared_actions():
    publishable = {
        model._meta.label_lower
        for model in apps.get_models()
        if any(field.name == "published" for field in model._meta.concrete_fields)
    }
    assert publishable == set(PUBLISHABLE)
    for label in publishable:
        model_admin = admin.site.get_model_admin(apps.get_model(label))
        assert isinstance(model_admin, PublishActions), label
        assert {"publish", "unpublish"} <= set(model_admin.actions), label


@pytest.mark.parametrize("label", PUBLISHABLE)
def test_the_actions_are_offered_with_the_models_german_name(editor_client, label):
    make, _one, several = PUBLISHABLE[label]
    make()  # an empty list offers no actions
    html = editor_client.get(_changelist(label)).content.decode()
    assert f"Ausgewählte {several} veröffentlichen" in html
    assert f"Ausgewählte {several} zurückziehen (Entwurf)" in html


@pytest.mark.parametrize("label", PUBLISHABLE)
@pytest.mark.parametrize(
    ("action", "done"), [("publish", "veröffentlicht"), ("unpublish", "auf Entwurf gesetzt")]
)
def test_messages_use_singular_and_plural(editor_client, label, action, done):
    make, one, several = PUBLISHABLE[label]
    before = action == "unpublish"
    first, second, third = (make(published=before) for _ in range(3))
    url = _changelist(label)
    response = editor_client.post(
        url, {"action": action, "_selected_action": [first.pk]}, follow=True
    )
    assert _messages(response) == [f"1 {one} {done}."]
    response = editor_client.post(
        url, {"action": action, "_selected_action": [second.pk, third.pk]}, follow=True
    )
    assert _messages(response) == [f"2 {several} {done}."]
    for obj in (first, second, third):
        obj.refresh_from_db()
        assert obj.published is not before


@pytest.mark.parametrize("label", PUBLISHABLE)
def test_only_what_changes_gets_a_history_entry_naming_the_editor(editor_client, editor, label):
    make, _one, several = PUBLISHABLE[label]
    published = [make(published=True), make(published=True)]
    draft = make(published=False)
    response = editor_client.post(
        _changelist(label),
        {"action": "unpublish", "_selected_action": [obj.pk for obj in [*published, draft]]},
        follow=True,
    )
    assert _messages(response) == [f"2 {several} auf Entwurf gesetzt."]
    entries = LogEntry.objects.filter(content_type__model=label.split(".")[1])
    # The draft stays a draft and gets no entry.
    assert sorted(int(e.object_id) for e in entries) == sorted(obj.pk for obj in published)
    assert {(e.user, e.action_flag) for e in entries} == {(editor, CHANGE)}
    assert {e.get_change_message() for e in entries} == {
        "Mit der Aktion in der Liste zurückgezogen (Entwurf)."
    }
    assert {e.object_repr for e in entries} == {str(obj) for obj in published}
    history = editor_client.get(f"{_changelist(label)}{published[0].pk}/history/")
    html = history.content.decode()
    assert editor.get_username() in html
    assert "Mit der Aktion in der Liste zurückgezogen (Entwurf)." in html


@pytest.mark.parametrize("label", PUBLISHABLE)
def test_publishing_is_in_the_history_too(editor_client, label):
    make, one, _several = PUBLISHABLE[label]
    draft = make(published=False)
    response = editor_client.post(
        _changelist(label), {"action": "publish", "_selected_action": [draft.pk]}, follow=True
    )
    assert _messages(response) == [f"1 {one} veröffentlicht."]
    draft.refresh_from_db()
    assert draft.published
    entry = LogEntry.objects.get(object_id=str(draft.pk), content_type__model=label.split(".")[1])
    assert entry.get_change_message() == "Mit der Aktion in der Liste veröffentlicht."


@pytest.mark.parametrize("label", PUBLISHABLE)
def test_nothing_to_change_says_so_and_writes_no_history(editor_client, label):
    make, _one, several = PUBLISHABLE[label]
    already = make(published=True)
    response = editor_client.post(
        _changelist(label), {"action": "publish", "_selected_action": [already.pk]}, follow=True
    )
    assert response.status_code == 200
    assert _messages(response) == [f"0 {several} veröffentlicht."]
    assert not LogEntry.objects.exists()


@pytest.mark.parametrize("label", PUBLISHABLE)
def test_a_visitor_cannot_run_the_actions(client, label):
    make, _one, _several = PUBLISHABLE[label]
    draft = make(published=False)
    response = client.post(
        _changelist(label), {"action": "publish", "_selected_action": [draft.pk]}
    )
    assert response.status_code == 302 and "/login/" in response["Location"]
    draft.refresh_from_db()
    assert not draft.published
