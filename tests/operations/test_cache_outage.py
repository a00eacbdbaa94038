"""Redis goes away and comes back, for real: a TCP proxy between gunicorn and it."""

from urllib.parse import urlsplit

import pytest
from django.core.management import call_command

from tests import factories
from tests.operations.conftest import REDIS_URL
from tests.operations.servers import TcpProxy, Visitor

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("shared_cache")]
PASSWORD = "ein-langes-Passwort-2025"


@pytest.fixture
def proxy():
    proxy = TcpProxy(urlsplit(REDIS_URL).port or 6379)
    proxy.start()
    yield proxy
    if proxy._listener is not None:
        proxy.stop()


@pytest.fixture
def account(settings):
    # The servers verify passwords with Django's real hashers, not the tests' MD5.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    return factories.user("redis-ausfall@example.org", password=PASSWORD)


def log_in(visitor):
    assert visitor.get("/konto/login/").status == 200
    return visitor.post(
        "/konto/login/", {"login": "redis-ausfall@example.org", "password": PASSWORD}
    )


def test_without_redis_pages_render_uncached_sessions_survive_and_logins_get_503(
    start_gunicorn, proxy, account
):
    call_command("load_initial_content", verbosity=0)
    server = start_gunicorn(redis_port=proxy.port)
    member = Visitor(server.base)
    assert log_in(member).status == 302
    anonymous = Visitor(server.base)
    assert anonymous.get("/themen/").headers.get("X-Page-Cache") == "miss"
    assert anonymous.get("/themen/").headers.get("X-Page-Cache") == "hit"

    proxy.stop()
    # Anonymous visitors: the same pages, rendered without the cache.
    for path in ("/themen/", "/modellprojekte/", "/termine/"):
        page = anonymous.get(path)
        assert page.status == 200, (path, server.log())
        assert "X-Page-Cache" not in page.headers
    # A logged-in visitor stays logged in: the session comes from PostgreSQL.
    profile = member.get("/konto/email/")
    assert profile.status == 200, server.log()
    assert "redis-ausfall@example.org" in profile.text
    # Logging in needs the rate limit counters in Redis: the friendly 503, no traceback.
    refused = log_in(Visitor(server.base))
    assert refused.status == 503
    assert "Das Portal ist vorübergehend nicht erreichbar" in refused.text
    assert "Traceback" not in refused.text and "ConnectionError" not in refused.text
    health = anonymous.get("/healthz")
    assert health.status == 503
    assert health.text == '{"database": "ok", "cache": "unavailable", "mail": "ok"}'

    proxy.start()
    assert anonymous.get("/healthz").status == 200
    assert anonymous.get("/modellprojekte/").headers.get("X-Page-Cache") == "miss"
    assert log_in(Visitor(server.base)).status == 302
    assert member.get("/konto/email/").status == 200
