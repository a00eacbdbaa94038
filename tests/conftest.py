"""The shared cast of users, the seeded portal, and browser fixtures."""

import contextlib
import os
import threading
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.test import override_settings
from django.utils import translation

from tests import factories

# Playwright's sync API runs an event loop in the test thread; Django's ORM refuses to run
# in that thread unless told that this is deliberate. The live server runs in its own thread.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_configure(config):
    """The Nu Html Checker starts in the background while the tests are collected; the test
    processes of pytest-xdist (started later) share it."""
    if not hasattr(config, "workerinput"):
        from tests.checkers import _NuChecker

        _NuChecker.launch()


def pytest_collection_modifyitems(config, items):
    """Browser tests need Debian's Chromium. `.ci/run` installs it; where it is missing
    outside CI (a fresh machine with only Python and uv), they are skipped with a reason."""
    if Path(CHROMIUM).exists() or os.environ.get("CI"):
        return
    skip = pytest.mark.skip(reason=f"{CHROMIUM} is not installed (see README: full test run)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def live_server(live_server):
    """On SQLite the live server's threads share the test database's one in-memory
    connection (Django's connections_override), and two requests at once on it can fail –
    a page and the favicon or jsi18n it loads in parallel, say, where a session read that
    comes back empty logs the visitor out. There requests are answered one at a time."""
    from django.db import connection

    if connection.vendor == "sqlite":
        server = live_server.thread.httpd
        application = server.get_app()
        lock = threading.Lock()

        def one_at_a_time(environ, start_response):
            with lock:
                response = application(environ, start_response)
                try:  # read inside the lock: a streamed response may query while it is read
                    return [b"".join(response)]
                finally:
                    if hasattr(response, "close"):
                        response.close()  # Django's request_finished

        server.set_app(one_at_a_time)
    return live_server


# What every test runs with, also the data that a module builds once (module_transaction).
FAST_AND_ISOLATED = {
    "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
    "CACHES": {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "pages"},
    },
    "ACCOUNT_RATE_LIMITS": False,
    # Pages are rendered fresh in tests; tests/transfer_portal/test_page_cache.py turns the
    # anonymous page cache on where it is the subject.
    "PAGE_CACHE_SECONDS": 0,
    # Mail is delivered at once, in the test's thread, so that tests read mailoutbox right
    # after the request; tests/transfer_portal/test_mail.py uses the database backend and
    # its worker, as production does.
    "TASKS": {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}},
    # WhiteNoise finds a static file when it is asked for, instead of listing all static
    # files each time a test client loads the middleware (0.2 s per Client(), over a
    # thousand times a run). Production lists them once per process, as before.
    "WHITENOISE_AUTOREFRESH": True,
}


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings):
    for name, value in FAST_AND_ISOLATED.items():
        setattr(settings, name, value)
    cache.clear()


@pytest.fixture(scope="session")
def module_transaction(django_db_setup, django_db_blocker):
    """For module-scoped fixtures that build expensive data once: `with module_transaction():`
    is a transaction that is always rolled back, so no row outlives the module. Tests that
    run inside it get their own savepoint (pytest-django leaves the outer transaction open)."""

    @contextlib.contextmanager
    def rolled_back():
        with (
            django_db_blocker.unblock(),
            override_settings(**FAST_AND_ISOLATED),
            translation.override(settings.LANGUAGE_CODE),
            transaction.atomic(),
        ):
            cache.clear()
            try:
                yield
            finally:
                transaction.set_rollback(True)
        cache.clear()

    return rolled_back


@pytest.fixture(autouse=True)
def _german():
    """Requests to /en/ leave English active in the test thread; reverse() would follow it."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("Only PostgreSQL has this (locks between transactions, prepared statements).")


@pytest.fixture(scope="session")
def _seed(django_db_setup, django_db_blocker):
    from tests.seed import Seed

    with django_db_blocker.unblock(), override_settings(**FAST_AND_ISOLATED):
        return Seed.take()


@pytest.fixture
def seeded(_seed, db):
    """The portal with its initial content, as after the README's first command (copied
    in from the first load of this test process: tests/seed.py)."""
    _seed.load()


@pytest.fixture
def editor(db):
    return factories.editor()


@pytest.fixture
def superuser(db):
    return factories.user("admin@example.org", is_staff=True, is_superuser=True)


@pytest.fixture
def member(db):
    """A logged-in user without any special rights."""
    return factories.user("mitglied@example.org")


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def member_client(client, member):
    client.force_login(member)
    return client


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture
def page(page):
    """A Playwright page that fails the test on console errors (CSP violations too) and on
    sub-resources (styles, scripts, images) that fail to load. A page that is itself an
    error page (404) is allowed: tests check those statuses themselves."""
    errors = []

    def on_console(message):
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            errors.append(message.text)

    def on_response(response):
        if response.status >= 400 and response.request.resource_type != "document":
            errors.append(f"{response.status} {response.url}")

    page.on("console", on_console)
    page.on("response", on_response)
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    assert errors == [], f"Browser errors: {errors}"
