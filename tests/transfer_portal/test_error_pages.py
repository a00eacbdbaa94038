"""The error pages as people see them: no template source leaks into them."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import Client

pytestmark = pytest.mark.django_db

TEMPLATES = Path(settings.BASE_DIR) / "templates"
ERROR_TEMPLATES = {
    path.name for path in TEMPLATES.glob("*.html") if re.fullmatch(r"\d{3}(_\w+)?\.html", path.name)
}


@pytest.fixture
def error_pages(seeded, settings):
    """Every error page, as the portal serves it (the 503 page last: the database goes)."""
    from transfer_portal.portal.views import server_error

    client = Client(raise_request_exception=False)
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 2
    settings.ACCOUNT_RATE_LIMITS = {"signup": "20/m/ip", "reset_password": "1/h/key"}
    try:
        raise RuntimeError("kaputt")
    except RuntimeError:
        page_500 = server_error(None)
    pages = {
        "400.html": client.get("/", HTTP_HOST="nicht-erlaubt.example"),
        # No client address can be read from X-Forwarded-For: allauth refuses (403).
        "403.html": client.post("/konto/signup/", {}, HTTP_X_FORWARDED_FOR="<script>"),
        "403_csrf.html": Client(enforce_csrf_checks=True).post("/modellprojekte/cottbus/frage/"),
        "404.html": client.get("/gibt-es-nicht/"),
        "405.html": client.post("/massnahmen/"),
        "500.html": page_500,
    }
    for _ in range(2):
        pages["429.html"] = client.post("/konto/password/reset/", {"email": "a@example.org"})
    return pages


def test_every_error_template_is_covered(error_pages):
    assert set(error_pages) | {"503.html"} == ERROR_TEMPLATES


@pytest.mark.parametrize("language", ["de", "en"])
def test_no_template_comment_reaches_an_error_page(error_pages, language, monkeypatch):
    """Django's {# #} comment ends at the line's end: a two-line one was printed as text."""
    pages = dict(error_pages)

    def refuse(self, *args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(BaseDatabaseWrapper, "cursor", refuse)
    prefix = "/en" if language == "en" else ""
    pages["503.html"] = Client(raise_request_exception=False).get(f"{prefix}/modellprojekte/")
    expected = {"400.html": 400, "403.html": 403, "403_csrf.html": 403, "404.html": 404}
    expected |= {"405.html": 405, "429.html": 429, "500.html": 500, "503.html": 503}
    for name, response in pages.items():
        assert response.status_code == expected[name], name
        html = response.content.decode()
        assert "{#" not in html and "#}" not in html, name
        assert "{%" not in html and "{{" not in html, name


def test_template_comments_in_braces_close_on_their_own_line():
    """A {# … #} comment spanning lines is not a comment; {% comment %} is. (In Jinja2,
    templates/jinja2/, it is one.)"""
    offenders = []
    for path in TEMPLATES.rglob("*"):
        if path.suffix not in {".html", ".txt", ".xml"} or path.is_relative_to(
            TEMPLATES / "jinja2"
        ):
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if line.count("{#") != line.count("#}"):
                offenders.append(f"{path.relative_to(TEMPLATES)}:{number}")
    assert offenders == []


def test_error_pages_are_valid_html(error_pages):
    from django.template import loader

    from tests.checkers import assert_valid_html

    documents = {name: response.content.decode() for name, response in error_pages.items()}
    documents["503.html"] = loader.render_to_string("503.html")
    assert_valid_html(documents)
