"""Links in allauth's e-mails lead to SITE_URL, never to the Host a request came in on.

The request here comes in as `localhost` – an allowed host, but not the portal's public
address (as a request to an internal name behind the proxy would).
"""

import re
from pathlib import Path

import allauth
import pytest
from django.test import Client

from tests import factories

pytestmark = pytest.mark.django_db

SITE = "https://transfer.example.org"
LINK = re.compile(r"https?://[^\s\"'<>]+")


@pytest.fixture(autouse=True)
def public_address(settings):
    settings.SITE_URL = SITE
    settings.ALLOWED_HOSTS = ["transfer.example.org", "localhost", "testserver"]


@pytest.fixture
def client():
    return Client(HTTP_HOST="localhost")


def _texts(mail):
    return [
        mail.subject,
        mail.body,
        *(content for content, _type in getattr(mail, "alternatives", ())),
    ]


def _assert_on_the_portal(mails):
    assert mails
    for mail in mails:
        for text in _texts(mail):
            assert "localhost" not in text, (mail.subject, text)
            assert "testserver" not in text, (mail.subject, text)
            for link in LINK.findall(text):
                assert link == SITE or link.startswith(SITE + "/"), (mail.subject, link)


def _link(mail):
    [link] = [link for link in LINK.findall(mail.body) if link != SITE]
    return link.removeprefix(SITE)


PASSWORD = "ein-gutes-Passwort-9"


def test_signup_confirmation_link(client, mailoutbox):
    client.post(
        "/konto/signup/", {"email": "neu@example.org", "password1": PASSWORD, "password2": PASSWORD}
    )
    _assert_on_the_portal(mailoutbox)
    path = _link(mailoutbox[0])
    assert path.startswith("/konto/confirm-email/")
    assert client.get(path).status_code == 200  # the link works on the portal


def test_signup_with_a_known_address(client, mailoutbox):
    """The "account already exists" mail links to the password reset (and to sign-up)."""
    factories.user("bekannt@example.org")
    client.post(
        "/konto/signup/",
        {"email": "bekannt@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    _assert_on_the_portal(mailoutbox)
    assert SITE + "/konto/password/reset/" in mailoutbox[0].body


def test_password_reset_of_an_unknown_address(client, mailoutbox):
    client.post("/konto/password/reset/", {"email": "unbekannt@example.org"})
    _assert_on_the_portal(mailoutbox)
    assert SITE + "/konto/signup/" in mailoutbox[0].body


def test_password_reset_link_and_its_notification(client, mailoutbox):
    factories.user("person@example.org")
    client.post("/konto/password/reset/", {"email": "person@example.org"})
    _assert_on_the_portal(mailoutbox)
    path = _link(mailoutbox[0])
    assert path.startswith("/konto/password/reset/key/")
    form_url = client.get(path)["Location"]
    new = "ein-neues-Passwort-42"
    response = client.post(form_url, {"password1": new, "password2": new})
    assert response.status_code == 302
    assert len(mailoutbox) == 2  # "Ihr Passwort wurde zurückgesetzt"
    _assert_on_the_portal(mailoutbox)


def test_english_links_lead_to_the_english_pages(client, mailoutbox):
    client.post(
        "/en/konto/signup/",
        {"email": "new@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    _assert_on_the_portal(mailoutbox)
    assert _link(mailoutbox[0]).startswith("/en/konto/confirm-email/")


def test_notifications_about_addresses_and_passwords(client, mailoutbox):
    user = factories.user("person@example.org")
    client.force_login(user)
    client.post("/konto/email/", {"action_add": "", "email": "zweite@example.org"})
    assert _link(mailoutbox[-1]).startswith("/konto/confirm-email/")
    new = "ein-neues-Passwort-42"
    client.post(
        "/konto/password/change/",
        {"oldpassword": "test-passwort-123", "password1": new, "password2": new},
    )
    client.post("/konto/email/", {"action_remove": "", "email": "zweite@example.org"})
    assert len(mailoutbox) == 3
    _assert_on_the_portal(mailoutbox)


ALLAUTH_TEMPLATES = Path(allauth.__file__).parent / "templates"


@pytest.mark.parametrize(
    "prefix",
    sorted(
        str(path.relative_to(ALLAUTH_TEMPLATES)).removesuffix("_message.txt")
        for path in ALLAUTH_TEMPLATES.glob("*/email/*_message.txt")
        if path.with_name(path.name.replace("_message", "_subject")).exists()
    ),
)
def test_every_mail_allauth_can_send(rf, mailoutbox, prefix):
    """Whatever allauth sends, with links built from the request as allauth builds them."""
    from allauth.account.adapter import get_adapter
    from allauth.core.context import request_context

    user = factories.user("person@example.org")
    request = rf.post("/konto/", HTTP_HOST="localhost")
    request.user = user
    with request_context(request):
        url = request.build_absolute_uri("/konto/irgendwo/")
        context = {
            "user": user,
            "activate_url": url,
            "password_reset_url": url,
            "signup_url": url,
            "key": "schluessel",
            "username": user.username,
            "from_email": "alt@example.org",
            "to_email": "neu@example.org",
            "deleted_email": "alt@example.org",
        }
        if prefix.endswith("_code"):  # sent instead of a link
            context["code"] = "ABC123"
        adapter = get_adapter()
        if prefix.startswith("mfa/") or prefix.split("/")[-1] in {
            "email_changed",
            "email_deleted",
            "password_changed",
            "password_reset",
            "password_set",
        }:
            adapter.send_notification_mail(prefix, user, context)
        else:
            adapter.send_mail(prefix, "person@example.org", context)
    _assert_on_the_portal(mailoutbox)
