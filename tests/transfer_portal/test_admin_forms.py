"""Admin forms an editor can work with without destroying something by accident."""

import pytest
from django.contrib import admin
from django.test import Client

from tests.offers import factories as offer_factories
from tests.surveys import factories as survey_factories

pytestmark = pytest.mark.django_db


def test_no_form_offers_to_delete_the_object_a_field_points_to(seeded, editor_client):
    """The red × beside a select deleted the topic (municipality, contact) itself, for the
    whole portal – right next to the row's own "delete" box in inlines."""
    survey, questions = survey_factories.full_survey()
    offer_factories.registration()
    objects = {
        "question": questions["multiple"],
        "survey": survey,
        "registration": offer_factories.registration(),
    }
    pages = []
    for model in admin.site._registry:
        meta = model._meta
        base = f"/admin/{meta.app_label}/{meta.model_name}/"
        pages.append(base + "add/")
        obj = objects.get(meta.model_name) or model.objects.first()
        if obj is not None:
            pages.append(f"{base}{obj.pk}/change/")
    offending = []
    for url in pages:
        response = editor_client.get(url)
        if response.status_code == 200 and b"delete-related" in response.content:
            offending.append(url)
    assert offending == []
    assert len(pages) > 20


def test_legal_pages_can_be_edited_but_not_deleted_or_moved(seeded, editor_client):
    from transfer_portal.portal.models import LegalPage

    page = LegalPage.objects.get(kind="impressum")
    url = f"/admin/transfer_portal/legalpage/{page.pk}/"
    html = editor_client.get(url + "change/").content.decode()
    assert 'name="kind"' not in html  # its address is fixed
    assert "deletelink" not in html
    assert editor_client.get(url + "delete/").status_code == 403
    changelist = editor_client.get("/admin/transfer_portal/legalpage/").content.decode()
    assert 'value="delete_selected"' not in changelist
    response = editor_client.post(
        url + "change/", {"title": "Impressum", "body": "Neu.", "kind": "datenschutz"}
    )
    assert response.status_code == 302
    page.refresh_from_db()
    assert (page.kind, page.body) == ("impressum", "Neu.")
    assert Client().get("/impressum/").status_code == 200


def test_yes_no_columns_speak_german(seeded, editor_client):
    for url in [
        "/admin/projects/modelproject/",
        "/admin/projects/measure/",
        "/admin/projects/municipality/",
        "/admin/offers/offer/",
        "/admin/offers/contact/",
        "/admin/surveys/survey/",
    ]:
        html = editor_client.get(url).content.decode()
        assert 'alt="True"' not in html and 'alt="False"' not in html, url
        assert 'icon-yes.svg" alt="ja"' in html or 'icon-no.svg" alt="nein"' in html, url


def test_only_a_date_open_for_registration_offers_to_register_someone(db, editor_client):
    upcoming = offer_factories.event_date(days=10)
    past = offer_factories.event_date(days=-10)
    for date, offered in ((upcoming, True), (past, False)):
        html = editor_client.get(f"/admin/offers/eventdate/{date.pk}/change/").content.decode()
        assert ("Jemanden eintragen" in html) is offered, date
        assert "Alle Anmeldungen dieses Termins" in html


def test_a_lesson_learneds_measure_is_picked_with_its_project(db, editor_client):
    from tests import factories

    for title in ("Cottbus/Chóśebuz", "Potsdam"):
        factories.measure(factories.project(title=title), title="Urbane Datenplattform")
    response = editor_client.get(
        "/admin/autocomplete/",
        {
            "app_label": "projects",
            "model_name": "insight",
            "field_name": "measure",
            "term": "Datenplattform",
        },
    )
    labels = sorted(result["text"] for result in response.json()["results"])
    assert labels == [
        "Urbane Datenplattform (Cottbus/Chóśebuz)",
        "Urbane Datenplattform (Potsdam)",
    ]


def test_surveys_can_be_filtered_by_state(db, editor_client):
    surveys = {
        state: survey_factories.survey(state) for state in ("geplant", "offen", "geschlossen")
    }
    for state, survey in surveys.items():
        response = editor_client.get("/admin/surveys/survey/", {"zustand": state})
        assert [s.pk for s in response.context["cl"].result_list] == [survey.pk], state


def test_after_registering_someone_the_editor_is_back_at_that_dates_registrations(
    db, editor_client
):
    date = offer_factories.event_date()
    data = {"event_date": date.pk, "name": "Paul Telefon", "email": "paul@example.org"}
    response = editor_client.post("/admin/offers/registration/add/", data)
    assert response.status_code == 302
    assert response["Location"].endswith(f"?event_date__id__exact={date.pk}")


def test_lists_link_to_the_related_objects(db, editor_client):
    from tests import factories

    measure = factories.measure()
    registration = offer_factories.registration()
    html = editor_client.get("/admin/projects/measure/").content.decode()
    assert f'href="/admin/projects/modelproject/{measure.project.pk}/change/"' in html
    html = editor_client.get("/admin/offers/registration/").content.decode()
    assert f'href="/admin/offers/eventdate/{registration.event_date.pk}/change/"' in html


def test_the_sample_data_mark_is_not_an_editing_field(db, editor_client):
    from tests import factories

    date = offer_factories.event_date()
    municipality = factories.municipality()
    for url in [
        f"/admin/offers/eventdate/{date.pk}/change/",
        f"/admin/projects/municipality/{municipality.pk}/change/",
        "/admin/offers/eventdate/add/",
    ]:
        assert 'name="is_sample"' not in editor_client.get(url).content.decode(), url
