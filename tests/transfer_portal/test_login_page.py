"""The login page in German: a verb on its button, a failed login announced."""

import re

import pytest

from tests import factories

pytestmark = pytest.mark.django_db


def test_the_login_button_says_anmelden(client):
    html = client.get("/konto/login/").content.decode()
    # The template breaks the tag over lines; a browser reads the same attributes.
    button = re.search(
        r'<button\s+class="btn btn-primary"\s+type="submit">(.*?)</button>', html, re.S
    )
    assert button.group(1).strip() == "Anmelden"


def test_a_wrong_password_is_announced(client):
    """In the focused error summary (portal.js), with "Fehler:" in the title, once."""
    factories.user("falsch@example.org")
    response = client.post(
        "/konto/login/", {"login": "falsch@example.org", "password": "nicht-das-passwort"}
    )
    html = response.content.decode()
    summary = html[html.index('<div class="alert alert-danger" role="alert" id="fehler"') :]
    summary = summary[: summary.index("</div>")]
    assert "falsch" in summary  # "… und/oder das Passwort sind leider falsch."
    assert "Ihre Eingabe konnte nicht verarbeitet werden" in summary  # no field is marked
    assert html.count("und/oder das Passwort sind leider falsch") == 1
    assert "<title>Fehler: " in html


def test_signup_errors_are_summarised_and_linked_to_their_fields(client, db):
    response = client.post(
        "/konto/signup/",
        {"email": "keine-adresse", "password1": "kurz", "password2": "anders"},
    )
    html = response.content.decode()
    assert "<title>Fehler: " in html
    summary = html[html.index('id="fehler"') :]
    summary = summary[: summary.index("</div>")]
    assert 'href="#id_email"' in summary
    assert 'aria-describedby="id_email_' in html or 'id="error_1_id_email"' in html


def test_account_e_mails_come_from_the_portal_and_name_the_address(client, mailoutbox, db):
    client.post(
        "/konto/signup/",
        {
            "email": "neu@amt-beispiel.de",
            "password1": "ein-gutes-Passwort-9",
            "password2": "ein-gutes-Passwort-9",
        },
    )
    body = mailoutbox[0].body
    assert body.startswith("Guten Tag,\n\nMit Ihrer E-Mail-Adresse neu@amt-beispiel.de wurde ")
    assert "ein Konto im Smart-City-Transferportal Brandenburg angelegt." in body
    # The account is named by its address, not by the user name generated from it ("neu").
    assert "Benutzer neu " not in body
    assert "Ein nicht bestätigtes Konto wird nach 30 Tagen gelöscht." in body
    assert body.rstrip().endswith(
        "Mit freundlichen Grüßen\nDigitalAgentur Brandenburg – Smart-City-Transferportal "
        "Brandenburg\nhttp://127.0.0.1:8000"
    )


def test_the_login_message_names_the_e_mail_address(client, db):
    factories.user("person@amt-beispiel.de", password="test-passwort-123")
    response = client.post(
        "/konto/login/",
        {"login": "person@amt-beispiel.de", "password": "test-passwort-123"},
        follow=True,
    )
    messages = [str(message) for message in response.context["messages"]]
    assert any("person@amt-beispiel.de" in message for message in messages), messages


def test_a_page_with_two_forms_of_one_form_object_shows_one_error_summary(client, db):
    """/konto/email/ hands the same form to its list and its add form."""
    user = factories.user("zwei@example.org", password="test-passwort-123")
    client.force_login(user)
    html = client.post(
        "/konto/email/", {"action_add": "", "email": "keine-adresse"}
    ).content.decode()
    assert html.count('id="fehler"') == 1


def test_a_changed_password_is_told_to_the_owner_by_e_mail(client, mailoutbox, db):
    """So that an account taken over does not go unnoticed (ACCOUNT_EMAIL_NOTIFICATIONS)."""
    client.force_login(factories.user("person@amt-beispiel.de"))
    new = "ein-neues-Passwort-42"
    client.post(
        "/konto/password/change/",
        {"oldpassword": "test-passwort-123", "password1": new, "password2": new},
    )
    [message] = mailoutbox
    assert message.to == ["person@amt-beispiel.de"]
    assert message.subject == "[Transferportal] Passwort geändert"
    assert "Ihr Passwort wurde geändert." in message.body
    assert "setzen Sie bitte sofort Ihr Passwort zurück („Passwort vergessen?“" in message.body
    assert "- IP-Adresse: 127.0.0.1" in message.body
    assert '"' not in message.body  # allauth's own German has a stray quote after the date
