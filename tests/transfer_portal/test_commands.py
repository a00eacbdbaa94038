"""The set-up commands behind the README's first command."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from projects.models import Measure, ModelProject, Municipality, Topic
from transfer_portal.content import load_initial_content, load_local_demo
from transfer_portal.models import LegalPage

pytestmark = pytest.mark.django_db


def test_initial_content_loads_idempotently_and_keeps_editors_changes(db):
    load_initial_content()
    counts = (ModelProject.objects.count(), Measure.objects.count(), Topic.objects.count())
    ModelProject.objects.filter(slug="guben").update(summary="Von der Redaktion geändert.")
    load_initial_content()
    assert (ModelProject.objects.count(), Measure.objects.count(), Topic.objects.count()) == counts
    assert ModelProject.objects.get(slug="guben").summary == "Von der Redaktion geändert."


def test_initial_content_has_the_four_projects_districts_and_legal_pages(db):
    load_initial_content()
    assert ModelProject.objects.published().count() == 4
    assert Municipality.objects.filter(kind=Municipality.Kind.DISTRICT).count() == 14
    assert Municipality.objects.filter(kind=Municipality.Kind.DISTRICT_FREE_CITY).count() == 4
    joint = ModelProject.objects.get(slug="bad-belzig-wiesenburg-mark")
    assert {m.name for m in joint.municipalities.all()} == {"Bad Belzig", "Wiesenburg/Mark"}
    assert LegalPage.objects.count() == 3
    for name in ["Partizipation", "Strategieentwicklung", "Mobilität"]:
        assert Topic.objects.filter(name=name).exists()


def test_local_demo_creates_an_editor_who_can_log_in(client, db):
    load_initial_content()
    out = StringIO()
    load_local_demo(out)
    text = out.getvalue()
    assert "redaktion@example.org" in text
    password = text.split("Passwort: ")[1].split()[0]
    editor = get_user_model().objects.get(email="redaktion@example.org")
    assert editor.is_staff and not editor.is_superuser
    response = client.post(
        "/konto/login/", {"login": "redaktion@example.org", "password": password}
    )
    assert response.status_code == 302
    assert client.get("/admin/projects/measure/").status_code == 200


def test_load_initial_content_command_reports_success(db):
    out = StringIO()
    call_command("load_initial_content", stdout=out)
    assert "Grundinhalte sind geladen." in out.getvalue()
