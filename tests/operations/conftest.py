"""Operations tests: the portal under gunicorn on PostgreSQL and Redis, over loopback.

They need what production has: PostgreSQL (DATABASE_URL), a Redis server (OPS_REDIS_URL,
default redis://127.0.0.1:6379/6, 7, … for each test process, flushed by the tests) and `wrk`
for the load test.
On SQLite they are skipped; outside CI a missing Redis or wrk skips them with the reason,
in CI (where .ci/run installs and starts both) it fails them.
"""

import os
import shutil
import socket
from urllib.parse import urlsplit

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.db import connection
from django.test import Client

from tests.operations.servers import Gunicorn, TaskWorker, database_url

# Each test process (pytest-xdist: gw0, gw1, …) flushes a Redis database of its own: 6, 7, …
_WORKER = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
REDIS_URL = os.environ.get("OPS_REDIS_URL", f"redis://127.0.0.1:6379/{6 + _WORKER}")
HERE = os.path.dirname(__file__)


def _redis_answers():
    parts = urlsplit(REDIS_URL)
    try:
        with socket.create_connection((parts.hostname, parts.port or 6379), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def pytest_collection_modifyitems(config, items):
    mine = [item for item in items if str(item.path).startswith(HERE)]
    if not mine:
        return
    reason = None
    if django_settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        reason = (
            "Operations tests run gunicorn against PostgreSQL and Redis: "
            "set DATABASE_URL=postgres://… (CI runs them in its PostgreSQL pass)."
        )
    elif not os.environ.get("CI") and not _redis_answers():
        reason = f"No Redis server answers at {REDIS_URL} (apt-get install redis-server)."
    if reason:
        for item in mine:
            item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def wrk():
    path = shutil.which("wrk")
    if path is None and not os.environ.get("CI"):
        pytest.skip("wrk is not installed (apt-get install wrk).")
    assert path, "wrk is missing: .ci/run installs it"
    return path


@pytest.fixture
def shared_cache(settings):
    """This process uses the servers' Redis too, so sessions made here are valid there."""
    redis = {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": REDIS_URL}
    settings.CACHES = {
        "default": {**redis, "KEY_PREFIX": "ops"},
        "pages": {**redis, "KEY_PREFIX": "ops:pages"},
    }
    settings.SESSION_ENGINE = "transfer_portal.lib.sessions"  # as in production
    cache.clear()  # page cache, sessions and rate limits of the previous test
    yield
    cache.clear()


@pytest.fixture(scope="module")
def start_gunicorn(django_db_setup, tmp_path_factory):
    """Start gunicorn processes on the test database; all are stopped after the module."""
    started = []

    def start(*, db_port=None, redis_port=None, workers=2, env=None, task_worker=False):
        """db_port / redis_port: reach PostgreSQL / Redis through another port (a proxy).
        task_worker: start `manage.py db_worker` along, which sends the queued e-mails."""
        redis_url = REDIS_URL
        if redis_port:
            parts = urlsplit(REDIS_URL)
            redis_url = parts._replace(netloc=f"{parts.hostname}:{redis_port}").geturl()
        server = Gunicorn(
            database_url=database_url(connection.settings_dict, port=db_port),
            redis_url=redis_url,
            secret_key=django_settings.SECRET_KEY,
            log_path=tmp_path_factory.mktemp("gunicorn") / "gunicorn.log",
            workers=workers,
            env=env,
        )
        started.append(server)
        if task_worker:
            log = tmp_path_factory.mktemp("worker") / "worker.log"
            server.task_worker = TaskWorker(server.environment, log)
            started.append(server.task_worker)
        return server

    yield start
    for process in reversed(started):
        process.stop()


def logged_in_cookies(user):
    """Session cookie of a real login, stored in the shared Redis (needs `shared_cache`)."""
    client = Client()
    client.force_login(user)
    name = django_settings.SESSION_COOKIE_NAME
    return {name: client.cookies[name].value}
