"""Valid HTML on the portal-wide pages, in German and in English."""

import pytest

from tests.checkers import assert_valid_html

pytestmark = pytest.mark.django_db

PAGES = [
    "/suche/",
    "/suche/?q=Mobilit%C3%A4t",
    "/suche/?q=gibtsnicht",
    "/daten/",
    "/en/",
    "/en/modellprojekte/cottbus/",
    "/en/massnahmen/",
    "/en/erkenntnisse/",
    "/en/suche/?q=LoRaWAN",
    "/en/daten/",
]


def test_portal_pages_are_valid_html(client, seeded):
    documents = {}
    for url in PAGES:
        response = client.get(url)
        assert response.status_code == 200, url
        documents[url] = response.content.decode()
    assert_valid_html(documents)


def test_english_pages_say_english_and_link_back_to_german(client, seeded):
    html = client.get("/en/themen/").content.decode()
    assert '<html lang="en">' in html
    assert "Topics" in html
    assert '<a class="nav-link" href="/themen/" lang="de" hreflang="de">Deutsch</a>' in html
    german = client.get("/themen/").content.decode()
    assert 'href="/en/themen/" lang="en" hreflang="en">English</a>' in german


def test_error_pages_are_valid_html(client, seeded):
    from django.test import Client

    documents = {
        "405": client.post("/massnahmen/").content.decode(),
        "405 en": client.post("/en/massnahmen/").content.decode(),
        "403 csrf": Client(enforce_csrf_checks=True)
        .post("/modellprojekte/cottbus/frage/", HTTP_REFERER="http://testserver/")
        .content.decode(),
        "400": client.get("/", HTTP_HOST="nicht-erlaubt.example").content.decode(),
        "404": client.get("/gibt-es-nicht/").content.decode(),
    }
    assert_valid_html(documents)


def test_every_page_links_to_the_contact_page_in_its_footer(client, seeded):
    for url, link in [
        ("/", '<a href="/kontakt/">Kontakt</a>'),
        ("/en/themen/", '<a href="/en/kontakt/">Contact</a>'),
    ]:
        html = client.get(url).content.decode()
        footer = html[html.index("<footer") :]
        assert link in footer, url


def test_the_language_switch_keeps_where_a_login_leads_in_the_chosen_language(client, db):
    html = client.get("/en/konto/login/", {"next": "/en/umfragen/"}).content.decode()
    assert 'href="/konto/login/?next=/umfragen/" lang="de" hreflang="de">Deutsch</a>' in html
    html = client.get("/konto/login/", {"next": "/umfragen/"}).content.decode()
    assert 'href="/en/konto/login/?next=/en/umfragen/" lang="en"' in html


def test_the_language_switch_on_a_missing_page_leads_to_the_other_language(client, db):
    html = client.get("/en/gibt-es-nicht/").content.decode()
    assert 'href="/gibt-es-nicht/" lang="de" hreflang="de">Deutsch</a>' in html
    html = client.get("/gibt-es-nicht/").content.decode()
    assert 'href="/en/gibt-es-nicht/" lang="en"' in html
