"""How dates read in both interface languages, and what a past date still offers."""

import datetime
import html as html_module
import re
import zoneinfo

import pytest

from tests import factories as portal
from tests.offers import factories

pytestmark = pytest.mark.django_db

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
STARTS = datetime.datetime(2030, 3, 16, 10, tzinfo=BERLIN)
DEADLINE = datetime.datetime(2030, 3, 9, 12, tzinfo=BERLIN)


def text(html):
    """The page's text as a reader sees it: tags dropped, no-break spaces as spaces."""
    plain = html_module.unescape(re.sub(r"<[^>]+>", "", html))
    return re.sub(r"\s+", " ", plain.replace("\N{NO-BREAK SPACE}", " "))


@pytest.fixture
def timed_date(db):
    offer = factories.offer(title="Schreibwerkstatt")
    return factories.event_date(
        offer, starts_at=STARTS, title="Grundlagen", registration_deadline=DEADLINE
    )


def test_german_times_end_in_uhr_and_the_range_stays_on_one_line(client, timed_date):
    html = client.get("/termine/").content.decode()
    assert "Samstag, 16. März 2030, 10:00–12:00 Uhr" in text(html)
    assert "Teilnahme beantragen bis 9. März 2030, 12:00 Uhr" in text(html)
    nowrap = re.search(r'<span class="text-nowrap">(.*?)</span>', html, re.S).group(1)
    assert text(nowrap) == "10:00–12:00 Uhr"


def test_english_times_have_no_oclock_suffix(client, timed_date):
    html = client.get("/en/termine/").content.decode()
    assert "Saturday, March 16, 2030, 10 a.m.–noon" in text(html)
    assert "Registration until March 9, 2030, noon" in text(html)
    assert "o’clock" not in html
    assert "Uhr" not in text(html)


def described(html, term):
    """The text of the <dd> that follows <dt>term</dt>, as a reader sees it."""
    match = re.search(rf"<dt>{re.escape(term)}</dt>\s*<dd>(.*?)</dd>", html, re.S)
    return text(match.group(1)).strip() if match else None


def test_the_deadline_on_the_date_page_reads_like_the_list(client, timed_date):
    german = client.get(timed_date.get_absolute_url()).content.decode()
    english = client.get("/en" + timed_date.get_absolute_url()).content.decode()
    assert described(german, "Teilnahme beantragen bis") == "9. März 2030, 12:00 Uhr"
    assert described(english, "Registration deadline") == "March 9, 2030, noon"


def test_a_date_over_several_days_names_both_days(client):
    factories.event_date(starts_at=STARTS, hours=24 + 5, title="Zweitägig")
    html = text(client.get("/termine/").content.decode())
    assert "Samstag, 16. März 2030, 10:00 Uhr – Sonntag, 17. März 2030, 15:00 Uhr" in html


def test_past_dates_offer_no_calendar_entry(client):
    offer = factories.offer()
    upcoming = factories.event_date(offer, days=5, title="Kommt noch")
    past = factories.event_date(offer, days=-30, title="War schon")
    archive = client.get("/termine/archiv/").content.decode()
    offer_page = client.get(offer.get_absolute_url()).content.decode()
    past_page = client.get(past.get_absolute_url()).content.decode()
    upcoming_page = client.get(upcoming.get_absolute_url()).content.decode()
    for html in (archive, offer_page, past_page):
        assert f"/termine/{past.pk}.ics" not in html
    for html in (offer_page, upcoming_page):
        assert f"/termine/{upcoming.pk}.ics" in html


def test_a_fully_booked_date_is_not_marked_like_a_sample_date(client):
    full = factories.event_date(days=5, capacity=1, is_sample=True)
    factories.registration(full)
    html = client.get("/termine/").content.decode()
    assert (
        '<span class="badge badge-booked">Ausgebucht – noch niemand auf der Warteliste</span>'
        in html
    )
    assert '<span class="badge text-bg-warning">Beispieltermin' in html


@pytest.mark.parametrize(
    ("waiting", "text"),
    [
        (1, "Ausgebucht – 1 Person auf der Warteliste"),
        (3, "Ausgebucht – 3 Personen auf der Warteliste"),
    ],
)
def test_a_full_date_says_how_many_wait_on_every_page_that_lists_it(client, waiting, text):
    topic = portal.topic()
    offer = factories.offer(topics=[topic])
    full = factories.event_date(offer, days=5, capacity=1)
    factories.registration(full)
    for _ in range(waiting):
        factories.registration(full, state="warteliste")
    factories.pending_request(full)  # not confirmed: not waiting
    factories.registration(full, state="storniert")
    for url in ["/termine/", full.get_absolute_url(), offer.get_absolute_url(), "/angebote/"]:
        assert text in client.get(url).content.decode(), url
    assert text in client.get(topic.get_absolute_url()).content.decode()
