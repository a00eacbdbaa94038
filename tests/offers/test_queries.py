"""Query budgets: every offers page needs a fixed number of queries, however much data there is."""

from unittest import mock

import pytest
from django.db import connection

from offers import services
from tests import factories as portal
from tests.offers import factories

pytestmark = pytest.mark.django_db


def _populate(count, topic):
    """`count` offers on `topic`, each with a contact, upcoming and past dates, registrations."""
    offers = []
    for _ in range(count):
        offer = factories.offer(topics=[topic, portal.topic()])
        for days in (3, 20, -10):
            date = factories.event_date(offer, days=days, capacity=5)
            factories.registration(date)
            factories.registration(date, state="warteliste")
        offers.append(offer)
    return offers


@pytest.fixture(scope="module", params=[3, 30], ids=["small", "ten-times-more"])
def data(request, module_transaction):
    """Built once per size for all tests of the module, and rolled back after them; each
    test runs in a savepoint of its own, so what it writes is gone for the next one."""
    with module_transaction():
        topic = portal.topic()
        yield topic, _populate(request.param, topic)


def _upcoming(offer):
    return offer.dates.upcoming().order_by("starts_at", "pk").first()


def _past(offer):
    return offer.dates.past().order_by("starts_at", "pk").first()


def test_offer_list_queries(client, data, django_assert_num_queries):
    """Offers with contact and next date with counts, their topics, the filter's topics
    and kinds (those with offers)."""
    topic, offers = data
    first = min(offers, key=lambda offer: offer.title)  # a page holds twenty, by title
    with django_assert_num_queries(4):
        response = client.get("/angebote/")
    assert response.status_code == 200
    assert first.title in response.text
    with django_assert_num_queries(4):
        response = client.get("/angebote/", {"thema": topic.slug, "art": first.kind})
    assert response.status_code == 200
    assert first.title in response.text


def test_offer_detail_queries(client, data, django_assert_num_queries):
    """The offer with its contact, its topics, all its dates with counts."""
    _topic, offers = data
    with django_assert_num_queries(3):
        response = client.get(offers[-1].get_absolute_url())
    assert response.status_code == 200
    assert _upcoming(offers[-1]).title in response.text


def test_event_list_and_archive_queries(client, data, django_assert_num_queries):
    """One page of dates with offers, counts and the total (also when there are none)."""
    _topic, offers = data
    with django_assert_num_queries(1):
        response = client.get("/termine/")
    assert response.status_code == 200
    assert _upcoming(offers[0]).title in response.text  # the soonest
    with django_assert_num_queries(1):
        response = client.get("/termine/archiv/")
    assert response.status_code == 200
    assert _past(offers[-1]).title in response.text  # the latest


def test_event_detail_queries(client, data, django_assert_num_queries):
    """The date with offer, contact and counts; the municipalities of the registration form."""
    _topic, offers = data
    date = offers[-1].dates.order_by("starts_at").last()
    with django_assert_num_queries(2):
        response = client.get(date.get_absolute_url())
    assert response.status_code == 200
    assert date.title in response.content.decode()


def test_event_detail_queries_logged_in(client, data, django_assert_num_queries):
    """As above, plus session and account, the account's verified addresses (which
    registrations are the visitor's own, and which address needs no confirmation link), and
    whether the visitor is a survey participant (whose municipality the form suggests);
    their own registration comes with the date."""
    _topic, offers = data
    date = offers[-1].dates.order_by("starts_at").last()
    user = portal.user("angemeldet@example.org")
    client.force_login(user)
    with django_assert_num_queries(6):
        response = client.get(date.get_absolute_url())
    assert response.status_code == 200
    assert 'value="angemeldet@example.org"' in response.content.decode()  # prefilled
    services.register(date.pk, name="Angemeldet", email=user.email, send_email=False)
    with django_assert_num_queries(5):  # registered: the form is for someone else
        response = client.get(date.get_absolute_url())
    assert response.status_code == 200
    assert response.context["own_registration"] == "bestaetigt"


def test_calendar_queries(client, data, django_assert_num_queries):
    """One query for a single date, one for the whole feed."""
    _topic, offers = data
    date = _upcoming(offers[0])
    with django_assert_num_queries(1):
        response = client.get(f"/termine/{date.pk}.ics")
    assert response.status_code == 200
    assert f"UID:termin-{date.pk}@" in response.text
    with django_assert_num_queries(1):
        response = client.get("/termine.ics")
    assert response.status_code == 200
    assert f"UID:termin-{date.pk}@" in response.text


def test_contact_list_queries(client, data, django_assert_num_queries):
    """Contacts and their published offers."""
    _topic, offers = data
    with django_assert_num_queries(2):
        response = client.get("/kontakt/")
    assert response.status_code == 200
    assert offers[-1].contact.name in response.text
    assert offers[-1].title in response.text


def test_cancel_page_queries(client, data, django_assert_num_queries):
    """The registration with its date and offer."""
    _topic, offers = data
    # Of a date to come: for a past one the page only says that it is over.
    registration = _upcoming(offers[0]).registrations.get(state="bestaetigt")
    with django_assert_num_queries(1):
        response = client.get(registration.get_cancel_url())
    assert response.status_code == 200
    assert registration.name in response.text
    assert "Ja, Teilnahme absagen" in response.text


def test_confirmation_page_queries(client, data, django_assert_num_queries):
    """The request with its date, offer and the date's confirmed count (is it full now?)."""
    _topic, offers = data
    date = offers[0].dates.order_by("starts_at").last()  # upcoming
    _request, token = factories.pending_request(date, name="Anfragende Person")
    url = f"/teilnahme/{token}/bestaetigen/"
    with django_assert_num_queries(1):
        response = client.get(url)
    assert response.status_code == 200
    assert "Anfragende Person" in response.content.decode()
    assert response.context["event_date"].free_places == 4  # 5 places, 1 confirmed
    client.post(url)
    with django_assert_num_queries(1):
        response = client.get(url)
    assert response.status_code == 200
    assert response.context["state"] == "bestaetigt"


def test_partials_for_topic_and_home_page_queries(data, django_assert_num_queries):
    """offers_for_topic: offers with contact and next date; upcoming_dates: one query each."""
    topic, offers = data
    with django_assert_num_queries(1):
        found, total = services.offers_for_topic(topic)
        for offer in found:
            [date.free_places for date in offer.next_dates]
            offer.contact.name  # noqa: B018 - touching the relation must not query
    assert len(found) == total == len(offers)
    with django_assert_num_queries(1):
        first, total = services.offers_for_topic(topic, limit=2)
        [date.free_places for offer in first for date in offer.next_dates]
    assert len(first) == 2 and total == len(offers)
    with django_assert_num_queries(1):
        dates = services.upcoming_dates(limit=5)
        [(date.offer.title, date.free_places) for date in dates]
    assert len(dates) == 5


def test_the_municipality_select_is_read_without_a_server_side_cursor(client):
    """A ModelChoiceField iterates over its queryset with .iterator(); on PostgreSQL that
    would DECLARE a server-side cursor (three round trips) for the 400 municipalities of
    the registration form (settings: DISABLE_SERVER_SIDE_CURSORS)."""
    if connection.vendor != "postgresql":
        pytest.skip("Server-side cursors exist on PostgreSQL only")
    portal.municipality(name="Neustadt an der Testau")
    date = factories.event_date(factories.offer(published=True), days=5)
    chunked = []
    original = connection.chunked_cursor
    with mock.patch.object(
        connection, "chunked_cursor", lambda: chunked.append(True) or original()
    ):
        response = client.get(date.get_absolute_url())
    assert response.status_code == 200
    assert "Neustadt an der Testau</option>" in response.content.decode()
    assert chunked == []


@pytest.mark.parametrize("url", ["/angebote/", "/termine/", "/termine/archiv/"])
def test_lists_of_offers_and_dates_do_not_load_the_offers_long_texts(client, url):
    """Cards and date lists show an offer's title (cards its summary too), never its
    description: their rows do not carry it."""
    from django.test.utils import CaptureQueriesContext

    # First in each list, also beside the module's other offers: by title, by date.
    offer = factories.offer(title="Abendwerkstatt Daten", description="Sehr lange Beschreibung")
    factories.event_date(offer, days=1)
    factories.event_date(offer, days=-1)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    assert "Abendwerkstatt Daten" in response.content.decode()
    sql = " ".join(query["sql"] for query in queries)
    assert '"offers_offer"."title"' in sql
    assert '"offers_offer"."description"' not in sql, url
