"""Two gunicorn instances behind one address share PostgreSQL and Redis: one portal."""

import pytest

from tests import factories
from tests.operations.servers import Visitor

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("shared_cache")]
PASSWORD = "ein-langes-Passwort-2025"
# The reverse proxy passes the public host name to every instance; allauth's rate limit
# keys contain it (without django.contrib.sites it is the request's host).
PUBLIC_HOST = "localhost"


def visit(server, cookies=None):
    return Visitor(server.base, cookies, host_header=PUBLIC_HOST)


@pytest.fixture(scope="module")
def instances(start_gunicorn):
    return start_gunicorn(workers=1), start_gunicorn(workers=1)


@pytest.fixture
def account(settings):
    # The servers verify passwords with Django's real hashers, not the tests' MD5.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    return factories.user("zwei-instanzen@example.org", password=PASSWORD)


def log_in(visitor, password):
    assert visitor.get("/konto/login/").status == 200
    data = {"login": "zwei-instanzen@example.org", "password": password}
    return visitor.post("/konto/login/", data)


def test_a_login_on_one_instance_is_valid_on_the_other(instances, account):
    first, second = instances
    visitor = visit(first)
    answer = log_in(visitor, PASSWORD)
    assert answer.status == 302, answer.text[:500]

    on_second = visit(second, visitor.cookies)
    page = on_second.get("/konto/email/")
    assert page.status == 200
    assert "zwei-instanzen@example.org" in page.text
    assert visit(second).get("/konto/email/").status == 302  # without the session

    assert on_second.post("/konto/logout/", {}).status == 302
    assert visit(first, visitor.cookies).get("/konto/email/").status == 302


def test_failed_logins_are_counted_across_both_instances(instances, account):
    first, second = instances
    # allauth allows 5 failed attempts per account in 5 minutes (settings.py).
    for server in (first, first, first, second, second):
        answer = log_in(visit(server), "falsch")
        assert answer.status == 200, answer
        assert "Passwort sind leider falsch" in answer.text, answer.text[:500]

    # Each instance alone saw fewer than 5 failures; together they are over the limit.
    answer = log_in(visit(second), PASSWORD)
    assert answer.status == 200
    assert "Zu viele gescheiterte Anmeldeversuche" in answer.text
