"""PostgreSQL goes away and comes back, for real: a TCP proxy between gunicorn and it."""

import pytest
from django.core.management import call_command
from django.db import connection

from tests.operations.servers import TcpProxy, Visitor

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("shared_cache")]


@pytest.fixture
def proxy():
    proxy = TcpProxy(int(connection.settings_dict["PORT"] or 5432))
    proxy.start()
    yield proxy
    if proxy._listener is not None:
        proxy.stop()


def test_portal_answers_503_while_the_database_is_down_and_recovers_by_itself(
    start_gunicorn, proxy
):
    call_command("load_initial_content", verbosity=0)
    server = start_gunicorn(db_port=proxy.port)
    visitor = Visitor(server.base)
    assert visitor.get("/themen/").status == 200  # now in the page cache
    assert visitor.get("/modellprojekte/").status == 200
    visitor.get("/healthz")

    proxy.stop()
    # Not in the page cache (another address): the database is needed and missing.
    page = visitor.get("/modellprojekte/?seite=1")
    assert page.status == 503
    assert "Das Portal ist vorübergehend nicht erreichbar" in page.text
    assert "Traceback" not in page.text and "OperationalError" not in page.text
    assert page.headers["Retry-After"] == "60"
    health = visitor.get("/healthz")
    assert health.status == 503
    assert health.text == '{"database": "unavailable", "cache": "ok"}'
    # What anonymous visitors already saw is still served from Redis.
    cached = visitor.get("/themen/")
    assert cached.status == 200 and cached.headers["X-Page-Cache"] == "hit"

    proxy.start()
    answers = [visitor.get(f"/modellprojekte/?seite={n}").status for n in range(2, 22)]
    assert answers == [200] * 20, server.log()
    assert visitor.get("/healthz").status == 200
