"""The editors' admin: the Redaktion group can do its work, others cannot get in."""

import pytest
from django.contrib.auth.models import Group

from projects.models import Measure
from tests import factories
from transfer_portal.lib.editors import EDITOR_GROUP

pytestmark = pytest.mark.django_db


def test_editor_group_has_content_permissions_but_not_user_management(db):
    group = Group.objects.get(name=EDITOR_GROUP)
    codenames = set(group.permissions.values_list("codename", flat=True))
    assert {"add_measure", "change_modelproject", "delete_insight", "change_legalpage"} <= codenames
    assert "change_user" not in codenames
    assert "change_group" not in codenames


def test_editor_is_staff_but_not_superuser(editor):
    assert editor.is_staff and not editor.is_superuser


def test_editor_creates_and_publishes_a_measure_that_appears_on_project_and_topic(
    editor_client, seeded
):
    from projects.models import ModelProject, Topic

    project = ModelProject.objects.get(slug="guben")
    topic = Topic.objects.get(slug="sicherheit")
    response = editor_client.post(
        "/admin/projects/measure/add/",
        {
            "project": project.pk,
            "title": "Digitaler Katastrophenschutz",
            "slug": "guben-katastrophenschutz",
            "status": "",
            "published": "on",
            "summary": "",
            "description": "",
            "topics": [topic.pk],
            "transfer_preconditions": "",
            "transfer_effort": "",
            "transfer_notes": "",
            "sources-TOTAL_FORMS": "1",
            "sources-INITIAL_FORMS": "0",
            "sources-0-title": "Beispielquelle",
            "sources-0-url": "",
            "sources-0-checked_on": "28.11.2026",
            "insights-TOTAL_FORMS": "0",
            "insights-INITIAL_FORMS": "0",
            "prerequisites-TOTAL_FORMS": "0",
            "prerequisites-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    measure = Measure.objects.get(slug="guben-katastrophenschutz")
    assert measure.published
    editor_client.logout()
    from django.test import Client

    visitor = Client()
    assert "Digitaler Katastrophenschutz" in visitor.get("/modellprojekte/guben/").content.decode()
    assert "Digitaler Katastrophenschutz" in visitor.get("/themen/sicherheit/").content.decode()
    assert visitor.get("/massnahmen/guben-katastrophenschutz/").status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/admin/",
        "/admin/projects/modelproject/",
        "/admin/projects/modelproject/add/",
        "/admin/projects/measure/",
        "/admin/projects/insight/",
        "/admin/projects/topic/",
        "/admin/projects/municipality/",
        "/admin/transfer_portal/legalpage/",
    ],
)
def test_editor_can_open_every_admin_screen(editor_client, seeded, url):
    response = editor_client.get(url)
    assert response.status_code == 200
    # The portal's icon, so that the browser does not ask for /favicon.ico (a 404).
    assert '<link rel="icon" href="/static/img/favicon.svg"' in response.content.decode()


def test_project_change_form_has_inlines_and_autocomplete(editor_client, seeded):
    from projects.models import ModelProject

    project = ModelProject.objects.get(slug="cottbus")
    html = editor_client.get(f"/admin/projects/modelproject/{project.pk}/change/").content.decode()
    assert "measures-TOTAL_FORMS" in html
    assert "insights-TOTAL_FORMS" in html
    assert "admin-autocomplete" in html
    assert "Auf der Website anzeigen" in html


def test_admin_search_and_filters_work(editor_client, seeded):
    response = editor_client.get(
        "/admin/projects/measure/", {"q": "Energie", "published__exact": "1"}
    )
    assert response.status_code == 200
    assert "Energiemonitoring" in response.content.decode()


def test_logged_in_non_staff_user_cannot_reach_the_admin(member_client):
    response = member_client.get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
    assert member_client.get("/admin/projects/measure/").status_code == 302


def test_anonymous_visitor_is_sent_to_the_admin_login(client, db):
    response = client.get("/admin/projects/measure/")
    assert response.status_code == 302


def test_staff_without_editor_group_cannot_change_content(client, db):
    staff = factories.user(is_staff=True)
    client.force_login(staff)
    assert client.get("/admin/projects/measure/").status_code == 403


def test_topic_autocomplete_searches_names_only(editor_client):
    wanted = factories.topic(name="Digitale Teilhabe")
    factories.topic(name="Bildung", description="Digitale Schule und mehr")
    response = editor_client.get(
        "/admin/autocomplete/",
        {
            "term": "Digitale",
            "app_label": "projects",
            "model_name": "measure",
            "field_name": "topics",
        },
    )
    assert [item["id"] for item in response.json()["results"]] == [str(wanted.pk)]


def _add_insight(editor_client, **fields):
    data = {"kind": "tipp", "text": "Früh mit dem Datenschutz reden.", "project": "", "measure": ""}
    return editor_client.post("/admin/projects/insight/add/", {**data, **fields})


def test_a_lesson_learned_takes_its_project_from_the_chosen_measure(editor_client, db):
    from projects.models import Insight

    topic = factories.topic()
    measure = factories.measure(factories.project(title="Projekt Alpha"))
    response = _add_insight(editor_client, topic=topic.pk, measure=measure.pk)
    assert response.status_code == 302
    assert Insight.objects.get().project == measure.project


def test_a_lesson_learned_needs_a_project_or_a_measure_and_they_must_match(editor_client, db):
    from projects.models import Insight

    topic = factories.topic()
    measure, other = factories.measure(), factories.project()
    response = _add_insight(editor_client, topic=topic.pk)
    assert response.status_code == 200
    assert "Wählen Sie ein Modellprojekt oder eine Maßnahme." in response.content.decode()
    response = _add_insight(editor_client, topic=topic.pk, measure=measure.pk, project=other.pk)
    assert response.status_code == 200
    assert "Die Maßnahme muss zum gewählten Modellprojekt gehören." in response.content.decode()
    assert not Insight.objects.exists()
