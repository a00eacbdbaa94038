"""Password reset mails: at most three an hour to one address, from wherever asked."""

import datetime

import pytest
import time_machine
from django.test import Client

from tests import factories
from transfer_portal import settings as project_settings

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def production_limits(settings):
    settings.ACCOUNT_RATE_LIMITS = project_settings.ACCOUNT_RATE_LIMITS


def ask(email, address="198.51.100.7"):
    return Client().post("/konto/password/reset/", {"email": email}, REMOTE_ADDR=address)


@pytest.mark.parametrize("known", [True, False], ids=["account", "unknown address"])
def test_three_mails_an_hour_per_address(mailoutbox, known):
    if known:
        factories.user("person@example.org")
    start = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False) as traveller:
        statuses = []
        for n in range(4):
            # From other addresses and spelled differently: still one mailbox.
            email = "Person@Example.org" if n % 2 else "person@example.org"
            statuses.append(ask(email, address=f"192.0.2.{n + 1}").status_code)
            traveller.shift(datetime.timedelta(minutes=10))
        assert statuses == [302, 302, 302, 429]
        page = ask("person@example.org").content.decode()
        assert "<h1>Zu viele Anfragen</h1>" in page
        assert "sehen Sie bitte zuerst in Ihrem Posteingang" in page
        assert len(mailoutbox) == 3
        assert ask("andere@example.org").status_code == 302  # other addresses are not held up
        traveller.shift(datetime.timedelta(minutes=31))  # an hour after the first
        assert ask("person@example.org").status_code == 302
        assert len(mailoutbox) == 5
