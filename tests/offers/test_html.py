"""Every offers page, and the partials for the topic and home pages, is valid HTML."""

import pytest
from django.template.loader import render_to_string
from django.test import Client, RequestFactory

from offers import services
from tests import factories as portal
from tests.checkers import assert_valid_html
from tests.offers import factories

pytestmark = pytest.mark.django_db


def _document(body):
    return (
        '<!DOCTYPE html><html lang="de"><head><meta charset="utf-8"><title>Test</title>'
        f"</head><body><main>{body}</main></body></html>"
    )


def _confirmation_pages(client, offer):
    """The confirmation link's page in each of its states, and the refused request."""
    import datetime

    import time_machine
    from django.test import override_settings
    from django.utils import timezone

    date = factories.event_date(offer, days=5, capacity=1)
    full = factories.event_date(offer, days=6, capacity=1)
    factories.registration(full)
    pages = {}
    asking, token = factories.pending_request(date)
    pages["confirm: asks"] = client.get(f"/teilnahme/{token}/bestaetigen/")
    _waiting, full_token = factories.pending_request(full)
    pages["confirm: asks, full"] = client.get(f"/teilnahme/{full_token}/bestaetigen/")
    client.post(f"/teilnahme/{token}/bestaetigen/")
    pages["confirm: confirmed"] = client.get(f"/teilnahme/{token}/bestaetigen/")
    client.post(f"/teilnahme/{full_token}/bestaetigen/")
    pages["confirm: waiting"] = client.get(f"/teilnahme/{full_token}/bestaetigen/")
    client.post(asking.get_cancel_url())
    pages["confirm: cancelled"] = client.get(f"/teilnahme/{token}/bestaetigen/")
    pages["cancel: cancelled"] = client.get(asking.get_cancel_url())
    _expiring, old_token = factories.pending_request(date, hours=1)
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=2)):
        pages["confirm: expired"] = client.get(f"/teilnahme/{old_token}/bestaetigen/")
    closing = factories.event_date(offer, days=7, cancelled=False)
    _closed, closed_token = factories.pending_request(closing)
    closing.cancelled = True
    closing.save()
    pages["confirm: closed"] = client.get(f"/teilnahme/{closed_token}/bestaetigen/")
    pages["confirm: unknown"] = client.get("/teilnahme/unbekannt/bestaetigen/")
    with override_settings(REGISTRATION_RATE_LIMIT_IP=1):
        form = {"name": "Erika", "email": "erika@example.org", "privacy_consent": "on"}
        client.post(date.get_absolute_url(), form)
        pages["date: too many requests"] = client.post(date.get_absolute_url(), form)
    expected = {
        "confirm: asks": 200,
        "confirm: asks, full": 200,
        "confirm: confirmed": 200,
        "confirm: waiting": 200,
        "confirm: cancelled": 200,
        "cancel: cancelled": 200,
        "confirm: expired": 410,
        "confirm: closed": 410,
        "confirm: unknown": 404,
        "date: too many requests": 429,
    }
    assert {name: page.status_code for name, page in pages.items()} == expected
    return {name: page.content.decode() for name, page in pages.items()}


def test_offer_pages_and_partials_are_valid_html(client, editor_client):
    topic = portal.topic(name="Partizipation")
    empty_topic = portal.topic(name="Ohne Angebot")
    contact = factories.contact(role="Referentin", phone="0331 123", helps_with="Fragen.")
    offer = factories.offer(topics=[topic], contact=contact, external_url="https://e.example/")
    full = factories.event_date(offer, capacity=1, registration_deadline=None)
    factories.registration(full)
    factories.event_date(offer, days=30, capacity=None, is_sample=True)
    past = factories.event_date(offer, days=-30)
    cancelled = factories.event_date(offer, days=10, cancelled=True)
    all_day = factories.event_date(offer, days=60, all_day=True, ends_at=None)
    registration = factories.registration(past)
    draft = factories.offer(published=False)

    pages = {
        url: client.get(url).content.decode()
        for url in [
            "/angebote/",
            f"/angebote/?thema={topic.slug}",
            "/angebote/?art=beratung",
            offer.get_absolute_url(),
            "/termine/",
            "/termine/archiv/",
            full.get_absolute_url(),
            past.get_absolute_url(),
            cancelled.get_absolute_url(),
            all_day.get_absolute_url(),
            "/kontakt/",
            registration.get_cancel_url(),
            factories.registration(full, state="warteliste").get_cancel_url(),
        ]
    }
    invalid = client.post(full.get_absolute_url(), {"email": "x"})
    assert invalid.context["form"].errors
    pages["form with errors"] = invalid.content.decode()
    pages.update(_confirmation_pages(client, offer))
    pages["draft seen by editor"] = editor_client.get(draft.get_absolute_url()).content.decode()
    member = portal.user("angemeldet@example.org")
    factories.registration(all_day, email=member.email, user=member)
    member_client = Client()
    member_client.force_login(member)
    pages["registered member"] = member_client.get(all_day.get_absolute_url()).content.decode()
    assert "Teilnahme für eine weitere Person beantragen" in pages["registered member"]

    request = RequestFactory().get("/")
    pages["topic_offers partial"] = _document(
        render_to_string(
            "offers/includes/topic_offers.html",
            {
                "topic": topic,
                "offers": services.offers_for_topic(topic, limit=1)[0],
                "offer_total": 2,  # the link to all offers on the topic is validated too
            },
            request,
        )
    )
    pages["topic_offers partial, empty"] = _document(
        render_to_string(
            "offers/includes/topic_offers.html",
            {"topic": empty_topic, "offers": services.offers_for_topic(empty_topic)[0]},
            request,
        )
    )
    pages["upcoming_dates partial"] = _document(
        render_to_string(
            "offers/includes/upcoming_dates.html",
            {"upcoming_dates": services.upcoming_dates(3)},
            request,
        )
    )
    assert "/kontakt/" in pages["topic_offers partial, empty"]
    assert "noch kein Angebot verzeichnet" in pages["topic_offers partial, empty"]
    assert_valid_html(pages)
