"""A mail server outage delays e-mail and loses none: gunicorn and the task worker on
PostgreSQL, a real SMTP server (aiosmtpd) that is down first and comes up later."""

import time

import pytest
from aiosmtpd.controller import Controller
from django.urls import reverse

from offers.models import Registration
from surveys.models import Response
from tests import factories
from tests.offers import factories as offer_factories
from tests.operations.conftest import logged_in_cookies
from tests.operations.servers import Visitor, free_port, wait_until
from tests.surveys import factories as survey_factories
from transfer_portal.lib.models import Mail

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("shared_cache")]


class Inbox:
    """aiosmtpd's handler: every message it accepts, with its recipients."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        self.messages.append((tuple(envelope.rcpt_tos), envelope.content))
        return "250 OK"


def test_with_the_mail_server_down_people_act_and_each_mail_arrives_once_it_is_back(
    start_gunicorn,
):
    port = free_port()  # nothing listens there yet: connection refused
    server = start_gunicorn(
        task_worker=True,
        env={
            "DJANGO_EMAIL_HOST": "127.0.0.1",
            "DJANGO_EMAIL_PORT": str(port),
            "DJANGO_EMAIL_USE_TLS": "0",
            "DJANGO_MAIL_RETRY_SECONDS": ",".join(["1"] * 30),
        },
    )
    survey, questions = survey_factories.full_survey("offen")
    participant = survey_factories.participant(factories.municipality(), "umfrage@example.org")
    member = factories.user("termin@example.org")
    date = offer_factories.event_date(capacity=5)
    project = factories.project(contact_email="projekt@example.org")

    answering = Visitor(server.base, logged_in_cookies(participant))
    path = f"/umfragen/{survey.slug}/teilnehmen/"
    assert answering.get(path).status == 200
    single, scale = questions["single"], questions["scale"]
    submitted = answering.post(
        path,
        {
            f"frage_{single.pk}": str(single.choices.first().pk),
            f"frage_{scale.pk}": "3",
            "action": "absenden",
        },
    )
    registering = Visitor(server.base, logged_in_cookies(member))
    assert registering.get(date.get_absolute_url()).status == 200
    registered = registering.post(
        date.get_absolute_url(),
        {"name": "Tina Termin", "email": "termin@example.org", "privacy_consent": "on"},
    )
    asking = Visitor(server.base)
    ask = reverse("projects:ask_project", args=[project.slug])
    assert asking.get(ask).status == 200
    asked = asking.post(
        ask,
        {
            "name": "Frieda Frage",
            "municipality": "Musterdorf",
            "email": "frage@example.org",
            "message": "Wie haben Sie das gemacht?",
            "homepage": "",
        },
    )
    # Nobody noticed the outage: everything was saved, the e-mails wait.
    assert [submitted.status, registered.status, asked.status] == [302, 302, 302]
    assert Response.objects.get(survey=survey).is_submitted
    assert Registration.objects.get(event_date=date).state == Registration.State.CONFIRMED
    expected = {
        ("umfrage@example.org",),
        ("termin@example.org",),
        ("projekt@example.org",),
        ("frage@example.org",),
    }
    assert wait_until(lambda: Mail.objects.exclude(last_error="").count() == 4, timeout=30)
    assert not Mail.objects.filter(status=Mail.Status.SENT).exists()

    inbox = Inbox()
    smtp = Controller(inbox, hostname="127.0.0.1", port=port)
    smtp.start()
    try:
        arrived = wait_until(lambda: len(inbox.messages) >= 4, timeout=60)
        assert arrived, server.task_worker.log()
        time.sleep(3)  # retries still under way would deliver a second copy by now
        assert sorted(rcpt for rcpt, _content in inbox.messages) == sorted(expected)
    finally:
        smtp.stop()
    assert Mail.objects.filter(status=Mail.Status.SENT).count() == 4
