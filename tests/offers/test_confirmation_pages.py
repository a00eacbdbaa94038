"""The confirmation link's page: asks on GET, confirms on POST, explains a dead link."""

import datetime
import re

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from offers.models import EventDate, Registration
from tests.offers import factories

State = Registration.State
pytestmark = pytest.mark.django_db


def _url(token):
    return f"/teilnahme/{token}/bestaetigen/"


def test_the_page_asks_first_and_confirms_only_on_post(client, mailoutbox):
    date = factories.event_date(capacity=3, title="Grundlagen")
    request, token = factories.pending_request(date, name="Erika Musterfrau")
    page = client.get(_url(token))
    assert page.status_code == 200
    html = page.content.decode()
    assert "<h1>Teilnahme bestätigen</h1>" in html
    assert "Grundlagen" in html and "Erika Musterfrau" in html
    assert "Sobald Sie bestätigen, ist ein Platz für Sie reserviert" in html
    assert '<meta name="robots" content="noindex">' in html
    assert page["Cache-Control"].startswith("max-age=0")
    assert client.head(_url(token)).status_code == 200
    request.refresh_from_db()
    assert request.state == State.PENDING and mailoutbox == []

    response = client.post(_url(token))
    assert response.status_code == 302 and response["Location"] == _url(token)
    request.refresh_from_db()
    assert request.state == State.CONFIRMED
    html = client.get(_url(token)).content.decode()
    assert "<h1>Teilnahme bestätigt</h1>" in html
    assert "Ihr Platz ist reserviert." in html
    assert len(mailoutbox) == 1


def test_a_date_full_by_now_says_so_before_and_after_confirming(client, mailoutbox):
    date = factories.event_date(capacity=1)
    request, token = factories.pending_request(date)
    factories.registration(date)
    assert "Inzwischen sind alle Plätze vergeben." in client.get(_url(token)).content.decode()
    html = client.post(_url(token), follow=True).content.decode()
    assert "<h1>Auf der Warteliste</h1>" in html
    assert "deshalb stehen Sie auf der Warteliste" in html
    request.refresh_from_db()
    assert request.state == State.WAITING
    [message] = mailoutbox
    assert message.subject.startswith("[Transferportal] Sie stehen auf der Warteliste")


def test_confirming_twice_only_shows_the_state_again(client, mailoutbox):
    _request, token = factories.pending_request(factories.event_date())
    client.post(_url(token))
    again = client.post(_url(token))
    assert again.status_code == 302
    assert "<h1>Teilnahme bestätigt</h1>" in client.get(_url(token)).content.decode()
    assert len(mailoutbox) == 1


@pytest.mark.parametrize(
    "token",
    ["unbekannt", "a" * 43, "ä%C3%BC", "a" * 3000, "..", "<script>"],
    ids=["word", "token-shaped", "umlauts", "very-long", "dots", "markup"],
)
def test_an_unknown_or_garbage_token_gets_a_german_404_page(client, token):
    request, _real = factories.pending_request()
    for response in (client.get(_url(token)), client.post(_url(token))):
        assert response.status_code == 404
        html = response.content.decode()
        assert "<h1>Link ungültig</h1>" in html
        assert "gilt nur der Link aus der neuesten E-Mail" in html
        assert "<script>" not in html.split("<main", 1)[1]
    request.refresh_from_db()
    assert request.state == State.PENDING


def test_a_token_with_a_nul_byte_is_a_bad_request(client):
    """Refused before the view (RefuseNulBytesMiddleware): PostgreSQL would fail on it."""
    request, _real = factories.pending_request()
    for response in (client.get(_url("%00")), client.post(_url("%00"))):
        assert response.status_code == 400
    request.refresh_from_db()
    assert request.state == State.PENDING


def test_the_stored_digest_is_no_link(client):
    request, _token = factories.pending_request()
    assert client.post(_url(request.confirm_token)).status_code == 404
    request.refresh_from_db()
    assert request.state == State.PENDING


def test_an_expired_link_gets_a_german_410_page_and_confirms_nothing(client):
    date = factories.event_date(days=5, capacity=2)
    request, token = factories.pending_request(date, hours=1)
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=1, seconds=1)):
        for response in (client.get(_url(token)), client.post(_url(token))):
            assert response.status_code == 410
            html = response.content.decode()
            assert "<h1>Link abgelaufen</h1>" in html
            assert "es wurde kein Platz reserviert" in html
            assert f'href="{date.get_absolute_url()}"' in html  # ask again there
    request.refresh_from_db()
    assert request.state == State.PENDING


def test_a_link_to_a_date_cancelled_meanwhile_gets_a_410_page(client):
    date = factories.event_date()
    request, token = factories.pending_request(date)
    EventDate.objects.filter(pk=date.pk).update(cancelled=True)
    response = client.post(_url(token))
    assert response.status_code == 410
    assert "kann die Teilnahme nicht mehr beantragt werden" in response.content.decode()
    request.refresh_from_db()
    assert request.state == State.PENDING


def test_an_address_registered_meanwhile_leads_to_the_date_with_a_message(client):
    date = factories.event_date()
    _request, token = factories.pending_request(date, email="erika@example.org")
    factories.registration(date, email="erika@example.org")
    response = client.post(_url(token), follow=True)
    assert response.redirect_chain == [(date.get_absolute_url(), 302)]
    assert "nehmen Sie bereits an diesem Termin teil" in response.content.decode()
    assert date.registrations.count() == 1


def test_confirming_needs_the_csrf_token(client):
    client.handler.enforce_csrf_checks = True
    request, token = factories.pending_request()
    assert client.post(_url(token)).status_code == 403
    request.refresh_from_db()
    assert request.state == State.PENDING


def test_a_request_has_no_cancel_page(client):
    request, _token = factories.pending_request()
    assert client.get(request.get_cancel_url()).status_code == 404
    assert client.post(request.get_cancel_url()).status_code == 404
    assert Registration.objects.filter(pk=request.pk).exists()


def test_the_page_works_in_english_too(mailoutbox):
    date = factories.event_date()
    english = Client()
    english.post(
        f"/en{date.get_absolute_url()}",
        {"name": "Jane Doe", "email": "jane@example.org", "privacy_consent": "on"},
    )
    link = re.search(r"https?://[^/\s]+(/\S+/bestaetigen/)", mailoutbox[0].body).group(1)
    assert link.startswith("/en/teilnahme/")
    assert "<h1>Confirm registration</h1>" in english.get(link).content.decode()
