"""Requests for a place are limited per client address and per e-mail address (they send
mail to an address nobody has confirmed)."""

import pytest
from django.test import Client

from tests.offers import factories

pytestmark = pytest.mark.django_db

FORM = {"name": "Erika Musterfrau", "privacy_consent": "on"}


@pytest.fixture
def date():
    return factories.event_date(capacity=5)


def _post(client, date, email, **headers):
    return client.post(date.get_absolute_url(), {**FORM, "email": email}, **headers)


def test_one_client_may_ask_as_often_as_the_limit_then_reads_why_and_keeps_its_input(
    client, date, settings, mailoutbox
):
    settings.REGISTRATION_RATE_LIMIT_IP = 2
    assert _post(client, date, "a@example.org").status_code == 302
    assert _post(client, date, "b@example.org").status_code == 302
    response = _post(client, date, "c@example.org")
    assert response.status_code == 429
    assert response["Retry-After"] == "3600"  # when the hour of the limit is over
    html = response.content.decode()
    assert "Sie haben in kurzer Zeit mehrmals eine Teilnahme beantragt." in html
    assert 'value="c@example.org"' in html and 'value="Erika Musterfrau"' in html
    assert html.count("<title>Fehler: ") == 1
    assert not date.registrations.filter(email="c@example.org").exists()
    assert len(mailoutbox) == 2


def test_one_address_may_be_asked_for_as_often_as_its_limit_from_any_client(
    date, settings, mailoutbox
):
    settings.REGISTRATION_RATE_LIMIT_EMAIL = 2
    settings.REGISTRATION_RATE_LIMIT_IP = 100
    for ip in ("198.51.100.1", "198.51.100.2"):
        assert _post(Client(), date, "opfer@example.org", REMOTE_ADDR=ip).status_code == 302
    other_date = factories.event_date()
    response = _post(Client(), other_date, "OPFER@example.org", REMOTE_ADDR="198.51.100.3")
    assert response.status_code == 429
    assert "Für diese E-Mail-Adresse wurde in der letzten Stunde mehrmals" in (
        response.content.decode()
    )
    assert len(mailoutbox) == 2
    assert _post(Client(), date, "andere@example.org", REMOTE_ADDR="198.51.100.3").status_code == (
        302
    )


def test_a_form_sent_back_with_errors_does_not_count(client, date, settings):
    settings.REGISTRATION_RATE_LIMIT_IP = 1
    for _ in range(3):
        assert _post(client, date, "keine-adresse").status_code == 400
    assert _post(client, date, "a@example.org").status_code == 302
    assert _post(client, date, "b@example.org").status_code == 429


def test_a_verified_address_of_ones_account_is_registered_without_counting(
    member_client, member, settings
):
    settings.REGISTRATION_RATE_LIMIT_IP = 1
    settings.REGISTRATION_RATE_LIMIT_EMAIL = 1
    dates = [factories.event_date() for _ in range(3)]
    for date in dates:
        assert _post(member_client, date, member.email).status_code == 302
    assert all(date.registrations.get().state == "bestaetigt" for date in dates)


def test_behind_the_proxy_each_client_is_counted_not_the_proxy(client, date, settings):
    settings.REGISTRATION_RATE_LIMIT_IP = 1
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    # Everyone comes from the proxy (REMOTE_ADDR 127.0.0.1); the proxy appends the client.
    first = {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "198.51.100.7"}
    second = {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "203.0.113.9"}
    assert _post(client, date, "a@example.org", **first).status_code == 302
    assert _post(client, date, "b@example.org", **second).status_code == 302  # not the proxy's
    assert _post(client, date, "c@example.org", **first).status_code == 429
    # A forged entry in front of the one the proxy appended changes nothing.
    forged = {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "10.9.9.9, 198.51.100.7"}
    assert _post(client, date, "d@example.org", **forged).status_code == 429
    third = {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "10.9.9.9, 192.0.2.44"}
    assert _post(client, date, "e@example.org", **third).status_code == 302


def test_without_a_proxy_setting_a_forwarded_header_changes_nothing(client, date, settings):
    """X-Forwarded-For is only believed as far as DJANGO_TRUSTED_PROXY_COUNT says."""
    settings.REGISTRATION_RATE_LIMIT_IP = 1
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    first = _post(client, date, "a@example.org", HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert first.status_code == 302
    response = _post(client, date, "b@example.org", HTTP_X_FORWARDED_FOR="198.51.100.2")
    assert response.status_code == 429


def test_only_a_refusal_says_when_to_come_back(client, date):
    response = _post(client, date, "keine-adresse")
    assert response.status_code == 400
    assert "Retry-After" not in response
