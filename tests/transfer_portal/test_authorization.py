"""The permission matrix: every non-public address, tried as anonymous visitor, participant,
staff without the Redaktion group, editor whose session has not passed the second factor,
and editor – with the second factor required, as in production."""

import pytest
from django.test import Client

from surveys.models import Survey
from tests import factories
from tests.auth import log_in_with_totp, set_up_totp
from tests.offers import factories as offer_factories
from tests.surveys import factories as survey_factories

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "participant", "staff_without_group", "editor_without_second_factor"]


@pytest.fixture(autouse=True)
def require_second_factor(settings):
    settings.ADMIN_REQUIRE_MFA = True


@pytest.fixture
def world(seeded):
    survey, questions = survey_factories.full_survey(state="geschlossen")
    survey_factories.response(survey, answers={questions["text"]: "Vertraulicher Freitext"})
    editors_only, _q = survey_factories.full_survey(
        state="geschlossen", results_visibility=Survey.ResultsVisibility.EDITORS
    )
    not_yet, _q = survey_factories.full_survey(
        state="offen", results_visibility=Survey.ResultsVisibility.AFTER_CLOSING
    )
    event = offer_factories.event_date()
    offer_factories.registration(event, name="Rita Registriert")
    draft_project = factories.project(published=False, title="Entwurfsprojekt")
    draft_survey = survey_factories.survey(published=False)
    return {
        "survey": survey,
        "event": event,
        "hidden_results": [
            f"/umfragen/{editors_only.slug}/ergebnisse/",
            f"/umfragen/{not_yet.slug}/ergebnisse/",
        ],
        "drafts": [
            draft_project.get_absolute_url(),
            factories.measure(published=False).get_absolute_url(),
            offer_factories.offer(published=False).get_absolute_url(),
            draft_survey.get_absolute_url(),
            f"/umfragen/{draft_survey.slug}/ergebnisse/",
            f"/modellprojekte/{draft_project.slug}/frage/",
        ],
    }


@pytest.fixture
def clients(world):
    participant = Client()
    participant.force_login(survey_factories.participant())
    staff = factories.user(is_staff=True)
    set_up_totp(staff)
    half_editor = Client()
    half_editor.force_login(factories.editor())  # logged in, but no second factor
    editor = factories.editor()
    set_up_totp(editor)
    return {
        "anonymous": Client(),
        "participant": participant,
        "staff_without_group": log_in_with_totp(Client(), staff),
        "editor_without_second_factor": half_editor,
        "editor": log_in_with_totp(Client(), editor),
    }


ADMIN_URLS = [
    "/admin/",
    "/admin/projects/measure/",
    "/admin/projects/modelproject/add/",
    "/admin/surveys/survey/",
    "/admin/surveys/response/",
    "/admin/surveys/participant/?stand=offen",
    "/admin/offers/registration/",
    "/admin/offers/eventdate/",
    "/admin/transfer_portal/legalpage/",
]


@pytest.mark.parametrize("url", ADMIN_URLS)
def test_admin_is_for_editors_only(clients, url):
    for who in ("anonymous", "participant", "editor_without_second_factor"):
        response = clients[who].get(url)
        assert response.status_code in (302, 403), (who, url)
        if response.status_code == 302:
            assert "/login/" in response["Location"], (who, url)
            followed = clients[who].get(response["Location"])
            assert followed.status_code in (302, 403), (who, url)
            if who == "editor_without_second_factor":
                # Asked for the code once more, not let in.
                assert followed["Location"].startswith("/konto/2fa/")
    staff = clients["staff_without_group"].get(url)
    # Django's own rule for staff: the admin opens, but shows nothing to edit.
    assert staff.status_code in (200, 403), url
    if url != "/admin/":
        assert staff.status_code == 403, url
    assert clients["editor"].get(url).status_code == 200


@pytest.mark.parametrize("kind", ["csv", "csv-excel", "xlsx"])
def test_survey_exports_are_for_editors_only(clients, world, kind):
    url = f"/umfragen/{world['survey'].slug}/export/{kind}/"
    assert clients["anonymous"].get(url).status_code in (302, 403)
    for who in ROLES[1:]:
        assert clients[who].get(url).status_code == 403, who
    response = clients["editor"].get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")


def test_registration_export_is_for_editors_only(clients, world):
    data = {"action": "export_registrations", "_selected_action": [world["event"].pk]}
    for who in ROLES:
        response = clients[who].post("/admin/offers/eventdate/", data)
        assert response.status_code in (302, 403), who
        assert b"Rita Registriert" not in response.content, who
    response = clients["editor"].post("/admin/offers/eventdate/", data)
    assert response.status_code == 200
    assert "Rita Registriert" in response.content.decode("utf-8-sig")


def test_free_text_answers_are_shown_to_editors_only(clients, world):
    url = f"/umfragen/{world['survey'].slug}/ergebnisse/"
    for who in ROLES:
        response = clients[who].get(url)
        assert response.status_code == 200, who
        assert "Vertraulicher Freitext" not in response.content.decode(), who
    assert "Vertraulicher Freitext" in clients["editor"].get(url).content.decode()


def test_unpublished_results_are_for_editors_only(clients, world):
    for url in world["hidden_results"]:
        for who in ROLES:
            assert clients[who].get(url).status_code == 403, (who, url)
        assert clients["editor"].get(url).status_code == 200, url


def test_drafts_are_404_for_everybody_but_editors(clients, world):
    for url in world["drafts"]:
        for who in ROLES:
            assert clients[who].get(url).status_code == 404, (who, url)
        assert clients["editor"].get(url).status_code == 200, url


def test_search_finds_drafts_for_editors_only(clients, world):
    draft_url = world["drafts"][0]
    for who in ROLES:
        html = clients[who].get("/suche/", {"q": "Entwurfsprojekt"}).content.decode()
        assert f'href="{draft_url}"' not in html, who
    html = clients["editor"].get("/suche/", {"q": "Entwurfsprojekt"}).content.decode()
    assert f'href="{draft_url}"' in html
