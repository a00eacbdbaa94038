"""Keys that no row can have, written into an admin request by hand, are refused – a 400 or
the form's own error – instead of failing (500) in Django's admin (lib/admin_input.py)."""

import pytest
from django.contrib import admin

from offers.models import Offer
from projects.models import Insight, Measure
from tests import factories as portal
from transfer_portal.lib.admin_input import CheckedInput, is_key_of

pytestmark = pytest.mark.django_db

# Not a key of an integer column: text, a fraction, beyond 64 bits, a NUL, a date.
NO_KEYS = ["abc", "1.5", "99999999999999999999999", "1\x00", "2026-02-30", " "]


def test_every_model_admin_and_inline_checks_its_input():
    for model, model_admin in admin.site._registry.items():
        assert isinstance(model_admin, CheckedInput), model
        for inline in model_admin.inlines:
            assert issubclass(inline, CheckedInput), (model, inline)


@pytest.mark.parametrize("value", NO_KEYS)
def test_no_key_is_a_key_of_an_id_column(value):
    assert not is_key_of(Measure._meta.pk, value)


def test_a_key_in_range_is_one():
    assert is_key_of(Measure._meta.pk, "42")


@pytest.mark.parametrize("value", NO_KEYS)
def test_a_list_action_on_rows_that_cannot_exist_is_a_bad_request(editor_client, value):
    measure = portal.measure(published=False)
    response = editor_client.post(
        "/admin/projects/measure/",
        {"action": "publish", "_selected_action": [measure.pk, value]},
    )
    assert response.status_code == 400
    assert "Ungültige Anfrage" in response.content.decode()  # the portal's 400 page, in German
    measure.refresh_from_db()
    assert not measure.published  # nothing done


def test_a_list_action_on_existing_rows_still_works(editor_client):
    measure = portal.measure(published=False)
    response = editor_client.post(
        "/admin/projects/measure/", {"action": "publish", "_selected_action": [measure.pk]}
    )
    assert response.status_code == 302
    measure.refresh_from_db()
    assert measure.published


@pytest.mark.parametrize("value", [key for key in NO_KEYS if "\x00" not in key])
def test_autocomplete_fields_with_keys_that_cannot_exist_show_the_form_again(editor_client, value):
    # contact: a foreign key, topics: many-to-many, both chosen by autocomplete.
    response = editor_client.post(
        "/admin/offers/offer/add/", {"title": "Neues Angebot", "contact": value, "topics": [value]}
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "contact" in errors and "topics" in errors
    assert not Offer.objects.filter(title="Neues Angebot").exists()


def test_a_chosen_entry_that_exists_is_shown_again_beside_a_form_error(editor_client):
    topic = portal.topic(name="Mobilität")
    response = editor_client.post(
        "/admin/offers/offer/add/", {"title": "", "topics": [topic.pk, "abc"]}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<option value="{topic.pk}" selected>Mobilität</option>' in html


def test_a_pop_up_naming_no_model_still_closes_with_the_new_entry(editor_client):
    project, topic = portal.project(), portal.topic()
    response = editor_client.post(
        "/admin/projects/insight/add/?_popup=1",
        {
            "_popup": "1",
            "_source_model": "zzz",
            "project": project.pk,
            "topic": topic.pk,
            "kind": Insight.Kind.values[0],
            "text": "Früh mit den Fachämtern sprechen.",
        },
    )
    assert response.status_code == 200
    assert Insight.objects.filter(text="Früh mit den Fachämtern sprechen.").exists()
    assert "popup_response" in response.content.decode()


@pytest.mark.parametrize("lookup", ["title__regex", "title__iregex"])
def test_a_list_filtered_by_a_regular_expression_is_a_bad_request(editor_client, lookup):
    assert editor_client.get(f"/admin/offers/offer/?{lookup}=(").status_code == 400


def test_a_list_filtered_by_its_own_filters_still_works(editor_client):
    assert editor_client.get("/admin/offers/offer/?published__exact=1").status_code == 200


@pytest.mark.parametrize("value", ["abc", "99999999999999999999999"])
def test_an_add_form_preset_with_a_key_that_cannot_exist_opens(editor_client, value):
    response = editor_client.get(f"/admin/offers/registration/add/?event_date={value}")
    assert response.status_code == 200
