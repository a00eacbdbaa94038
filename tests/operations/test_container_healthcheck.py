"""deploy/healthcheck.py, compose's health check, against production host and HTTPS rules."""

import pytest

from tests.operations.servers import Visitor

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_container_health_check_passes_where_a_bare_request_is_refused(start_gunicorn):
    server = start_gunicorn(
        workers=1,
        env={"DJANGO_ALLOWED_HOSTS": "transfer.example.org", "DJANGO_SECURE_SSL_REDIRECT": "1"},
    )
    # start_gunicorn waited for deploy/healthcheck.py to pass …
    assert server.healthy()
    # … where a request as the old check made it is refused (host not allowed).
    assert Visitor(server.base).get("/healthz").status == 400
