"""The one mail path (transfer_portal/lib/mail.py): built in the recipient's language, stored,
queued in the caller's transaction, delivered once by the worker, retried with pauses,
failed mail visible and sendable again in the admin."""

import datetime
from io import StringIO
from unittest import mock

import pytest
import time_machine
from django.core import mail as django_mail
from django.core.mail import EmailMessage
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tests import factories
from transfer_portal.lib import mail
from transfer_portal.lib.models import Mail

pytestmark = pytest.mark.django_db
Status = Mail.Status


@pytest.fixture
def database_tasks(settings):
    """Production's task backend: tasks are rows, run by the worker (db_worker)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.MAIL_RETRY_SECONDS = [60, 300]


def run_worker():
    # The worker closes connections older than CONN_MAX_AGE between tasks; inside a test's
    # transaction on PostgreSQL that would close the test's own connection (SQLite's
    # in-memory test database is never closed, so only PostgreSQL showed it).
    with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
        call_command("db_worker", batch=True, interval=0, startup_delay=False, stdout=StringIO())


@pytest.fixture
def smtp_down(monkeypatch):
    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("SMTP down")

    monkeypatch.setattr(EmailMessage, "send", refuse)
    return monkeypatch


def _send(**overrides):
    arguments = {
        "to": ["empfang@example.org"],
        "subject": "Betreff",
        "template": "surveys/email/link_for_editors.txt",
        "context": {"participant": None, "requester": "x@example.org", "admin_url": "/admin/"},
        "category": "test",
    }
    return mail.send(**(arguments | overrides))


def test_a_mail_is_built_with_the_prefix_in_the_recipients_language(mailoutbox):
    from django.utils.translation import gettext

    _send(
        subject=lambda: gettext("Surveys"),
        language="en",
        reply_to=["kontakt@dabb.example"],
        attachments=[mail.Attachment("termin.ics", lambda: b"BEGIN:VCALENDAR", "text/calendar")],
    )
    [sent] = mailoutbox
    assert sent.subject == "[Transferportal] Surveys"
    assert sent.reply_to == ["kontakt@dabb.example"]
    assert sent.attachments[0][0] == "termin.ics"
    assert Mail.objects.get().status == Status.SENT


def test_with_the_database_backend_mail_waits_for_the_worker_and_goes_out_once(
    database_tasks, mailoutbox
):
    _send()
    assert mailoutbox == []
    assert Mail.objects.get().status == Status.QUEUED
    run_worker()
    run_worker()
    assert len(mailoutbox) == 1
    stored = Mail.objects.get()
    assert (stored.status, stored.attempts) == (Status.SENT, 1)


def test_a_rolled_back_transaction_sends_nothing(database_tasks, mailoutbox):
    with pytest.raises(RuntimeError), transaction.atomic():
        _send()
        raise RuntimeError("the registration failed")
    assert not Mail.objects.exists() and not DBTaskResult.objects.exists()
    run_worker()
    assert mailoutbox == []


def test_a_mail_server_that_is_down_delays_mail_with_growing_pauses_until_it_fails(
    database_tasks, smtp_down, mailoutbox
):
    _send()
    start = timezone.now()
    run_worker()
    stored = Mail.objects.get()
    assert (stored.status, stored.attempts) == (Status.QUEUED, 1)
    assert "SMTP down" in stored.last_error
    assert stored.next_attempt_at >= start + datetime.timedelta(seconds=60)
    run_worker()  # the next try is not due yet
    assert Mail.objects.get().attempts == 1
    with time_machine.travel(start + datetime.timedelta(seconds=61)):
        run_worker()
    assert Mail.objects.get().attempts == 2
    with time_machine.travel(start + datetime.timedelta(seconds=61 + 301)):
        run_worker()
    stored = Mail.objects.get()
    assert (stored.status, stored.attempts) == (Status.FAILED, 3)
    assert mailoutbox == []


def test_failed_mail_is_sent_again_from_the_admin_once(
    database_tasks, smtp_down, mailoutbox, editor_client
):
    stored = _send()
    Mail.objects.filter(pk=stored.pk).update(status=Status.FAILED, attempts=3)
    smtp_down.undo()
    changelist = reverse("admin:lib_mail_changelist")
    page = editor_client.get(changelist + "?status__exact=fehler")
    assert page.status_code == 200 and "Betreff" in page.content.decode()
    response = editor_client.post(
        changelist, {"action": "send_again", "_selected_action": [stored.pk]}, follow=True
    )
    assert "erneut in der Warteschlange" in response.content.decode()
    run_worker()
    run_worker()
    assert len(mailoutbox) == 1
    # A sent mail is not sent a second time, whoever asks.
    editor_client.post(changelist, {"action": "send_again", "_selected_action": [stored.pk]})
    run_worker()
    assert len(mailoutbox) == 1


def test_two_tasks_for_one_mail_deliver_it_once(database_tasks, mailoutbox):
    stored = _send()
    mail.deliver.enqueue(stored.pk)  # e.g. a retry queued when an editor sends it again
    run_worker()
    assert len(mailoutbox) == 1
    assert DBTaskResult.objects.count() == 2


def test_the_mail_admin_is_for_editors_and_read_only(editor, member):
    from django.test import Client

    stored = _send()
    url = reverse("admin:lib_mail_change", args=[stored.pk])
    editor_client, member_client = Client(), Client()
    editor_client.force_login(editor)
    member_client.force_login(member)
    page = editor_client.get(url)
    assert page.status_code == 200 and "empfang@example.org" in page.content.decode()
    assert 'name="_save"' not in page.content.decode()
    assert editor_client.get(reverse("admin:lib_mail_add")).status_code == 403
    assert member_client.get(url).status_code == 302
    assert Client().get(url).status_code == 302


def test_healthz_reports_mail_that_waits_too_long(client, database_tasks, settings):
    settings.MAIL_BACKLOG_MINUTES = 15
    _send()
    assert client.get("/healthz").json()["mail"] == "ok"
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=16)):
        response = client.get("/healthz")
    # Reported, but the instance stays in service: it does not bring a worker back.
    assert response.status_code == 200
    assert response.json()["mail"] == "1 waiting longer than 15 min"


def test_sent_mail_is_deleted_after_the_retention_period(settings, database_tasks):
    settings.MAIL_RETENTION_DAYS = 7
    _send()
    run_worker()
    failed = _send()
    Mail.objects.filter(pk=failed.pk).update(status=Status.FAILED)
    waiting = _send()
    out = StringIO()
    with time_machine.travel(timezone.now() + datetime.timedelta(days=8)):
        call_command("purge_personal_data", stdout=out)
    assert "E-Mails gelöscht: 1" in out.getvalue()
    assert set(Mail.objects.values_list("pk", flat=True)) == {failed.pk, waiting.pk}
    assert DBTaskResult.objects.finished().count() == 0
    with time_machine.travel(timezone.now() + datetime.timedelta(days=31)):
        call_command("purge_personal_data", stdout=StringIO())
    assert set(Mail.objects.values_list("pk", flat=True)) == {waiting.pk}


def test_registrations_surveys_questions_and_accounts_all_go_through_the_queue(
    client, mailoutbox, seeded
):
    """No mail leaves the portal but through transfer_portal.lib.mail."""
    from tests.offers import factories as offer_factories

    project = factories.project(contact_email="kontakt@projekt.example")
    asked = client.post(
        f"/modellprojekte/{project.slug}/frage/",
        {
            "name": "A",
            "municipality": "Musterdorf",
            "email": "a@example.org",
            "message": "Wie ging das?",
            "homepage": "",
        },
    )
    assert asked.status_code == 302
    date = offer_factories.event_date()
    registered = client.post(
        date.get_absolute_url(),
        {"name": "B", "email": "b@example.org", "municipality": "", "privacy_consent": "on"},
    )
    assert registered.status_code == 302
    signed_up = client.post(
        "/konto/signup/",
        {"email": "c@example.org", "password1": "ein-gutes-Pw-99", "password2": "ein-gutes-Pw-99"},
    )
    assert signed_up.status_code == 302
    assert len(mailoutbox) == 4
    assert Mail.objects.filter(status=Status.SENT).count() == len(mailoutbox)
    assert {m.subject for m in Mail.objects.all()} == {m.subject for m in django_mail.outbox}
