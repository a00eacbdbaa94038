"""The language switch (header link and hreflang alternates) never leads to another host."""

import html as html_module
import re
from urllib.parse import urljoin, urlsplit

import pytest

pytestmark = pytest.mark.django_db

SWITCH = re.compile(r'<a class="nav-link" href="([^"]*)" lang="(\w+)" hreflang="\w+">')
ALTERNATE = re.compile(r'<link rel="alternate" hreflang="(\w+)" href="([^"]*)">')
SITE = "http://127.0.0.1:8000"


def _host_a_browser_goes_to(href):
    """Browsers read a backslash in a path as a slash, and any number of leading slashes
    as the start of a host ("////evil.example/" is evil.example)."""
    href = href.replace("\\", "/")
    if href.startswith("//"):
        href = "//" + href.lstrip("/")
    return urlsplit(urljoin(SITE + "/seite/", href)).netloc


def _switch(client, path, query=""):
    """Sends the path as the server receives it (PATH_INFO is already %-decoded)."""
    response = client.get("/", QUERY_STRING=query, PATH_INFO=path)
    html = response.content.decode()
    [(href, _language)] = SWITCH.findall(html)
    alternates = dict(ALTERNATE.findall(html))
    assert set(alternates) == {"de", "en"}
    for url in alternates.values():
        assert url.startswith(SITE + "/") and _host_a_browser_goes_to(url[len(SITE) :]) == (
            "127.0.0.1:8000"
        ), url
    return href


HOSTILE_PATHS = [
    "//evil.example/",  # as sent
    "/\\evil.example",
    "///evil.example",  # /%2F%2Fevil.example, decoded by the server
    "////evil.example/",
]


@pytest.mark.parametrize("path", HOSTILE_PATHS)
def test_german_to_english_stays_on_the_portal(client, path):
    href = _switch(client, path)
    assert _host_a_browser_goes_to(href) == "127.0.0.1:8000", href
    assert href.startswith("/en/")


@pytest.mark.parametrize("path", HOSTILE_PATHS)
def test_english_to_german_stays_on_the_portal(client, path):
    href = _switch(client, "/en" + path)
    assert _host_a_browser_goes_to(href) == "127.0.0.1:8000", href
    assert not href.startswith("/en/")


def test_the_reported_address_gets_the_other_home_page(client):
    assert _switch(client, "//evil.example/") == "/en/"
    assert _switch(client, "/en//evil.example/") == "/"
    assert _switch(client, "///evil.example") == "/en/"
    assert _switch(client, "/en///evil.example") == "/"


def test_the_percent_encoded_address_through_the_test_client(client):
    """The same request as the report, %2F and all, through the client's own decoding."""
    for url, expected in [
        ("/%2F%2Fevil.example", "/en/"),
        ("/en/%2F%2Fevil.example", "/"),
        ("/%5Cevil.example", "/en/%5Cevil.example"),  # an escaped backslash is a path
    ]:
        html = client.get(url).content.decode()
        [(href, _language)] = SWITCH.findall(html)
        assert href == expected, url


@pytest.mark.parametrize(
    "query",
    [
        "next=/%2F%2Fevil.example",  # the report: next is "///evil.example"
        "next=//evil.example",
        "next=/%5Cevil.example",
        "next=https://evil.example/",
    ],
)
def test_a_hostile_next_after_login_is_dropped_in_both_directions(client, query):
    german = client.get(f"/konto/login/?{query}").content.decode()
    [(href, _language)] = SWITCH.findall(german)
    assert href == "/en/konto/login/"
    english = client.get(f"/en/konto/login/?{query}").content.decode()
    [(href, _language)] = SWITCH.findall(english)
    assert href == "/konto/login/"
    assert "evil.example" not in german.split("<main")[0]
    assert "evil.example" not in english.split("<main")[0]


def test_a_next_that_becomes_another_host_in_the_other_language_is_dropped(client):
    html = client.get("/en/konto/login/", {"next": "/en//evil.example/"}).content.decode()
    [(href, _language)] = SWITCH.findall(html)
    assert href == "/konto/login/"


def test_an_ordinary_page_keeps_its_address_and_query(client, seeded):
    html = client.get("/massnahmen/", {"thema": "mobilitaet", "seite": "2"}).content.decode()
    [(href, _language)] = SWITCH.findall(html)
    assert html_module.unescape(href) == "/en/massnahmen/?thema=mobilitaet&seite=2"
    html = client.get("/en/konto/login/", {"next": "/en/umfragen/"}).content.decode()
    [(href, _language)] = SWITCH.findall(html)
    assert href == "/konto/login/?next=/umfragen/"
