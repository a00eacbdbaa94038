"""A NUL character in an address, a query or a form: a 400, never the 503 page.

PostgreSQL refuses text holding a NUL (psycopg raises DataError); before the portal refused
such requests up front, each of these reached the database and answered with the
maintenance page and an ERROR log. The requests really carry the NUL: the test client
%-decodes the path as a server does, and form data is sent as given.
"""

import logging

import pytest
from django.test import Client

from tests.offers import factories as offer_factories

pytestmark = pytest.mark.django_db

GERMAN_400 = "Ungültige Anfrage"


@pytest.fixture
def no_errors_logged(caplog):
    caplog.set_level(logging.WARNING)
    yield
    errors = [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert errors == [], [record.getMessage() for record in errors]


def _assert_refused(response, heading=GERMAN_400):
    assert response.status_code == 400
    html = response.content.decode()
    assert f"<h1>{heading}</h1>" in html


@pytest.mark.parametrize(
    "url",
    [
        "/anmeldung/%00/stornieren/",
        "/media/a%00.jpg",
        "/modellprojekte/a%00b/",
        "/suche/?q=%00",
        "/suche/?q=Mobilit%C3%A4t%00",
        "/massnahmen/?thema=%00",
        "/termine/?seite=%00",
        "/konto/login/?next=/%00",
        "/?%00=1",
    ],
)
def test_a_nul_in_the_address_or_query_gets_the_german_400_page(
    client, seeded, no_errors_logged, url
):
    _assert_refused(client.get(url))


def test_the_english_interface_gets_the_english_400_page(client, no_errors_logged):
    _assert_refused(client.get("/en/anmeldung/%00/stornieren/"), heading="Invalid request")


def test_admin_autocomplete_with_a_nul_in_the_term(editor_client, no_errors_logged):
    response = editor_client.get(
        "/admin/autocomplete/",
        {
            "term": "\x00",
            "app_label": "offers",
            "model_name": "registration",
            "field_name": "event_date",
        },
    )
    _assert_refused(response)


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("/konto/login/", {"login": "person\x00@example.org", "password": "x"}),
        ("/konto/signup/", {"email": "neu@example.org", "password1": "a\x00b", "password2": "a"}),
        ("/konto/password/reset/", {"email": "person@example.org\x00"}),
        ("/modellprojekte/cottbus/frage/", {"name": "Karla", "message": "Frage\x00"}),
        ("/modellprojekte/cottbus/frage/", {"name\x00": "Karla"}),
    ],
)
def test_a_nul_in_form_data_gets_the_400_page(client, seeded, no_errors_logged, url, data):
    _assert_refused(client.post(url, data))


def test_a_nul_in_a_registration_form_gets_the_400_page(client, no_errors_logged):
    event = offer_factories.event_date(days=20, capacity=5)
    response = client.post(
        event.get_absolute_url(),
        {"name": "Karla\x00", "email": "karla@example.org", "privacy_consent": "on"},
    )
    _assert_refused(response)


def test_a_nul_in_the_session_cookie_is_ignored(seeded, no_errors_logged):
    """No form or address the portal makes sets one; the visitor is simply not logged in."""
    client = Client()
    client.cookies["sessionid"] = "abcdefghij\x00klmnop"
    assert client.get("/massnahmen/").status_code == 200
    response = client.get("/konto/profil/")
    assert response.status_code == 302
    assert response["Location"].startswith("/konto/login/")


def test_ordinary_requests_pass(client, seeded, no_errors_logged):
    assert client.get("/suche/", {"q": "Mobilität"}).status_code == 200
    assert client.get("/anmeldung/kein-schluessel/stornieren/").status_code == 404
