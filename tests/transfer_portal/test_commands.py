"""The set-up commands behind the README's first command."""

import os
from io import StringIO

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from projects.models import Measure, ModelProject, Municipality, Topic
from transfer_portal.portal.content import load_initial_content, load_local_demo
from transfer_portal.portal.models import LegalPage

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


class TestServe:
    """`manage.py serve ADDRPORT` links to where it serves: its own output and the links in
    e-mails (SITE_URL), unless the SITE_URL environment variable says otherwise."""

    @pytest.fixture
    def runserver(self, monkeypatch, settings):
        from django.core.management.commands import runserver

        settings.SITE_URL = "http://127.0.0.1:8000"  # restored after the test
        monkeypatch.setitem(os.environ, "SITE_URL", "")  # as if not set; restored too
        monkeypatch.delenv("RUN_MAIN", raising=False)
        seen = {}

        def handle(command, *args, **options):
            seen.update(
                addrport=options["addrport"],
                site_url=django_settings.SITE_URL,
                environ=os.environ["SITE_URL"],
            )

        monkeypatch.setattr(runserver.Command, "handle", handle)
        return seen

    @pytest.fixture(autouse=True)
    def worker(self, monkeypatch):
        """The worker process serve starts beside the server, recorded instead of run."""
        from transfer_portal.portal.management.commands import serve

        started = []

        class Process:
            def __init__(self, command, **kwargs):
                self.command, self.env, self.stopped = command, kwargs["env"], False
                started.append(self)

            def terminate(self):
                self.stopped = True

            def wait(self, timeout=None):
                return 0

        monkeypatch.setattr(serve.subprocess, "Popen", Process)
        return started

    @pytest.mark.parametrize(
        ("addrport", "site_url"),
        [
            ("127.0.0.1:8100", "http://127.0.0.1:8100"),
            ("8100", "http://127.0.0.1:8100"),
            ("localhost:8200", "http://localhost:8200"),
            ("[::1]:8100", "http://[::1]:8100"),
            ("0.0.0.0:8100", "http://127.0.0.1:8100"),
            ("0:8100", "http://127.0.0.1:8100"),
        ],
    )
    def test_site_url_follows_the_bound_address(self, runserver, addrport, site_url):
        call_command("serve", addrport, "--noreload", stdout=StringIO())
        # The reloader's child process reads SITE_URL from the environment.
        assert runserver == {"addrport": addrport, "site_url": site_url, "environ": site_url}

    def test_printed_links_and_e_mails_lead_to_the_bound_port(
        self, runserver, settings, client, mailoutbox
    ):
        settings.DEBUG = True  # local try-out accounts on a fresh database
        out = StringIO()
        call_command("serve", "127.0.0.1:8100", "--noreload", stdout=out)
        assert "für http://127.0.0.1:8100/admin/:" in out.getvalue()
        # The participant's login and survey too (they named port 8000 whatever the port).
        assert "Anmeldung unter http://127.0.0.1:8100/konto/login/:" in out.getvalue()
        assert "Zum Ausprobieren: http://127.0.0.1:8100/umfragen/" in out.getvalue()
        assert "8000" not in out.getvalue()
        client.post(
            "/konto/signup/",
            {
                "email": "neu@example.org",
                "password1": "gut-Passwort-9",
                "password2": "gut-Passwort-9",
            },
        )
        [mail] = mailoutbox
        assert "http://127.0.0.1:8100/konto/" in mail.body
        assert ":8000" not in mail.body

    def test_an_explicit_site_url_is_kept(self, runserver, settings, monkeypatch):
        monkeypatch.setitem(os.environ, "SITE_URL", "https://transfer.example.org")
        settings.SITE_URL = "https://transfer.example.org"
        call_command("serve", "127.0.0.1:8100", "--noreload", stdout=StringIO())
        assert runserver["site_url"] == "https://transfer.example.org"
        assert os.environ["SITE_URL"] == "https://transfer.example.org"

    def test_the_task_worker_runs_beside_the_server_and_stops_with_it(self, runserver, worker):
        call_command("serve", "127.0.0.1:8100", stdout=StringIO())
        [process] = worker
        assert process.command[1:] == ["manage.py", "db_worker", "--interval", "1", "--reload"]
        assert process.env["SITE_URL"] == "http://127.0.0.1:8100"  # links in its mails
        assert process.stopped

    def test_no_worker_when_told_or_in_the_reloaders_child(self, runserver, worker, monkeypatch):
        call_command("serve", "--no-worker", "--noreload", stdout=StringIO())
        monkeypatch.setenv("RUN_MAIN", "true")  # the child serving: its parent started one
        call_command("serve", "--noreload", stdout=StringIO())
        assert worker == []

    def test_a_bad_address_is_refused_before_anything_runs(self, runserver):
        with pytest.raises(CommandError, match="not a valid port number"):
            call_command("serve", "nicht:gut", "--noreload", stdout=StringIO())
        assert runserver == {}
