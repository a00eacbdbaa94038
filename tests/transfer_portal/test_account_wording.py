"""One name for creating an account: "Konto anlegen" in German, "Create account" in
English – in allauth's page titles, headings, buttons, links and e-mails too. "Anmelden"
means logging in only."""

import html
import re

import pytest
from django.test import Client

from tests import factories

pytestmark = pytest.mark.django_db

# allauth's own German says "Registrieren", "Registrierung", "Konto erstellen" and calls
# completing a sign-up the "Anmeldeprozess".
FORBIDDEN = re.compile(
    r"[Rr]egistrier|Konto erstellen|Konto zu erstellen|erstellen Sie|Anmeldeprozess"
    r"|sich für ein Konto anzumelden"
)
PASSWORD = "ein-gutes-Passwort-9"


def _visible(page):
    """What a person reads (and a screen reader says): text, titles, labels, values."""
    text = re.sub(r"<script.*?</script>", " ", page, flags=re.S)
    attributes = " ".join(re.findall(r'(?:aria-label|title|value|placeholder|alt)="([^"]*)"', text))
    return html.unescape(re.sub(r"<[^>]+>", " ", text) + " " + attributes)


def _german_account_pages():
    visitor = Client()
    pages = {
        url: visitor.get(url)
        for url in [
            "/",
            "/konto/login/",
            "/konto/signup/",
            "/konto/password/reset/",
            "/konto/password/reset/done/",
            "/konto/confirm-email/",
            "/konto/confirm-email/kein-gueltiger-schluessel/",
            "/konto/password/reset/key/1-falsch/",
        ]
    }
    pages["signup with errors"] = visitor.post(
        "/konto/signup/", {"email": "keine-adresse", "password1": "a", "password2": "b"}
    )
    pages["signup done"] = visitor.post(
        "/konto/signup/",
        {"email": "neu@example.org", "password1": PASSWORD, "password2": PASSWORD},
        follow=True,
    )
    member = Client()
    member.force_login(factories.user("mitglied@example.org"))
    for url in ["/", "/konto/profil/", "/konto/email/", "/konto/password/change/"]:
        pages[f"logged in {url}"] = member.get(url)
    return pages


def test_german_account_pages_say_konto_anlegen_only(seeded):
    for name, response in _german_account_pages().items():
        assert response.status_code in {200, 302}, name
        text = _visible(response.content.decode())
        assert not FORBIDDEN.search(text), (name, FORBIDDEN.search(text))


def test_the_sign_up_page_its_title_heading_and_button(client):
    page = client.get("/konto/signup/").content.decode()
    assert re.search(r"<title>\s*Konto anlegen\s*–", page)
    assert re.search(r"<h1[^>]*>\s*Konto anlegen\s*</h1>", page)
    assert re.search(r'<button[^>]*type="submit"[^>]*>\s*Konto anlegen\s*</button>', page)
    assert 'Dann <a href="/konto/login/">melden Sie sich bitte an</a>.' in page


def test_the_login_page_links_to_creating_an_account(client):
    page = client.get("/konto/login/").content.decode()
    assert re.search(
        r'Dann <a href="/konto/signup/">\s*legen Sie bitte zuerst eines an\s*</a>', page
    )


def test_english_says_create_account(client):
    page = client.get("/en/konto/signup/").content.decode()
    assert re.search(r"<title>\s*Create account\s*–", page)
    assert re.search(r"<h1[^>]*>\s*Create account\s*</h1>", page)
    assert re.search(r'<button[^>]*type="submit"[^>]*>\s*Create account\s*</button>', page)
    assert "Sign Up" not in page and "Signup" not in page
    login = _visible(client.get("/en/konto/login/").content.decode())
    assert "please create one first" in re.sub(r"\s+", " ", login)
    assert "sign up" not in login.lower()


def test_account_e_mails_say_konto_anlegen(client, mailoutbox):
    factories.user("bekannt@example.org")
    client.post(
        "/konto/signup/", {"email": "neu@example.org", "password1": PASSWORD, "password2": PASSWORD}
    )
    client.post(
        "/konto/signup/",
        {"email": "bekannt@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    client.post("/konto/password/reset/", {"email": "unbekannt@example.org"})
    client.post("/konto/password/reset/", {"email": "bekannt@example.org"})
    assert len(mailoutbox) == 4
    for mail in mailoutbox:
        assert not FORBIDDEN.search(mail.subject + mail.body), (mail.subject, mail.body)
    confirmation, already_exists, unknown, _reset = (mail.body for mail in mailoutbox)
    assert "ein Konto im Smart-City-Transferportal Brandenburg angelegt" in confirmation
    assert "mit dieser E-Mail-Adresse ein Konto anzulegen" in already_exists
    assert "Über den folgenden Link können Sie ein Konto anlegen." in unknown
