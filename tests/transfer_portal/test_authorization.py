"""Every editor-only address, tried as anonymous visitor, participant and editor."""

import pytest
from django.test import Client

from tests import factories
from tests.offers import factories as offer_factories
from tests.surveys import factories as survey_factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(seeded):
    survey, questions = survey_factories.full_survey(state="geschlossen")
    survey_factories.response(survey, answers={questions["text"]: "Vertraulicher Freitext"})
    event = offer_factories.event_date()
    offer_factories.registration(event, name="Rita Registriert")
    draft_project = factories.project(published=False, title="Entwurfsprojekt")
    return {
        "survey": survey,
        "event": event,
        "drafts": [
            draft_project.get_absolute_url(),
            factories.measure(published=False).get_absolute_url(),
            offer_factories.offer(published=False).get_absolute_url(),
            survey_factories.survey(published=False).get_absolute_url(),
            f"/modellprojekte/{draft_project.slug}/frage/",
        ],
    }


@pytest.fixture
def clients(world):
    participant = Client()
    participant.force_login(survey_factories.participant())
    editor = Client()
    editor.force_login(factories.editor())
    return {"anonymous": Client(), "participant": participant, "editor": editor}


ADMIN_URLS = [
    "/admin/",
    "/admin/projects/measure/",
    "/admin/projects/modelproject/add/",
    "/admin/surveys/survey/",
    "/admin/surveys/response/",
    "/admin/offers/registration/",
    "/admin/offers/eventdate/",
    "/admin/transfer_portal/legalpage/",
]


@pytest.mark.parametrize("url", ADMIN_URLS)
def test_admin_is_for_editors_only(clients, url):
    for who in ("anonymous", "participant"):
        response = clients[who].get(url)
        assert response.status_code in (302, 403), (who, url)
        if response.status_code == 302:
            assert "/login/" in response["Location"]
            assert clients[who].get(response["Location"]).status_code in (302, 403)
    assert clients["editor"].get(url).status_code == 200


@pytest.mark.parametrize("kind", ["csv", "csv-excel", "xlsx"])
def test_survey_exports_are_for_editors_only(clients, world, kind):
    url = f"/umfragen/{world['survey'].slug}/export/{kind}/"
    assert clients["anonymous"].get(url).status_code in (302, 403)
    assert clients["participant"].get(url).status_code == 403
    response = clients["editor"].get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")


def test_registration_export_is_for_editors_only(clients, world):
    data = {"action": "export_registrations", "_selected_action": [world["event"].pk]}
    for who in ("anonymous", "participant"):
        response = clients[who].post("/admin/offers/eventdate/", data)
        assert response.status_code in (302, 403)
        assert b"Rita Registriert" not in response.content
    response = clients["editor"].post("/admin/offers/eventdate/", data)
    assert response.status_code == 200
    assert "Rita Registriert" in response.content.decode("utf-8-sig")


def test_free_text_answers_are_shown_to_editors_only(clients, world):
    url = f"/umfragen/{world['survey'].slug}/ergebnisse/"
    for who in ("anonymous", "participant"):
        response = clients[who].get(url)
        assert response.status_code == 200
        assert "Vertraulicher Freitext" not in response.content.decode()
    assert "Vertraulicher Freitext" in clients["editor"].get(url).content.decode()


def test_drafts_are_404_for_visitors_and_participants_and_visible_to_editors(clients, world):
    for url in world["drafts"]:
        assert clients["anonymous"].get(url).status_code == 404, url
        assert clients["participant"].get(url).status_code == 404, url
        assert clients["editor"].get(url).status_code == 200, url
