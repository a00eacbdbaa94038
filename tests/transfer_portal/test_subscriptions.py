"""Subscriptions and the digest (issue 21, 1): double opt-in, managing and unsubscribing by
signed link, one digest per period through the mail path, personal data."""

import datetime
import re

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from offers.models import EventDate, Offer
from projects.models import Measure
from surveys.models import Survey
from tests import factories
from transfer_portal.lib.accounts import create_verified_user
from transfer_portal.portal import privacy, subscriptions
from transfer_portal.portal.models import DigestSent, Subscriber

pytestmark = pytest.mark.django_db

URL = "/neuigkeiten/"


@pytest.fixture
def topic():
    return factories.topic(name="Energie und Klima", slug="energie")


def _form(topic, email="kim@example.org", **extra):
    data = {"email": email, "topics": [topic.slug], "frequency": "woechentlich"}
    data.update(extra)
    return data


def _link(mail, path):
    match = re.search(rf"http://testserver(/{path}/[^\s\"<]+/)", mail.body)
    assert match, mail.body
    return match.group(1)


def _subscribed(client, topic, mailoutbox, email="kim@example.org"):
    """Subscribe without an account and confirm by the link: the confirmed subscriber."""
    assert client.post(URL, _form(topic, email)).status_code == 302
    client.post(_link(mailoutbox[-1], "neuigkeiten/bestaetigen"))
    return Subscriber.objects.get(email=email)


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = "http://testserver"


def test_without_an_account_the_address_is_confirmed_by_the_link_in_an_email(
    client, topic, mailoutbox
):
    response = client.post(URL, _form(topic), follow=True)
    assert "Fast geschafft" in response.text and "kim@example.org" in response.text
    subscriber = Subscriber.objects.get(email="kim@example.org")
    assert not subscriber.is_confirmed and list(subscriber.topics.all()) == [topic]
    (mail,) = mailoutbox
    assert mail.to == ["kim@example.org"] and "bestätigen" in mail.subject
    assert "Energie und Klima" in mail.body
    confirm = _link(mail, "neuigkeiten/bestaetigen")
    # A link preview (GET) confirms nothing.
    page = client.get(confirm)
    assert page.status_code == 200 and "Energie und Klima" in page.text
    assert not Subscriber.objects.get().is_confirmed
    response = client.post(confirm, follow=True)
    assert "Ihr Abonnement ist bestätigt" in response.text
    assert response.redirect_chain[-1][0].startswith("/neuigkeiten/verwalten/")
    assert Subscriber.objects.get().is_confirmed
    # The link has done its work.
    assert client.get(confirm).status_code == 404
    assert client.post(confirm).status_code == 404


def test_an_expired_or_made_up_confirmation_link_is_a_404(client, topic, mailoutbox):
    client.post(URL, _form(topic))
    confirm = _link(mailoutbox[-1], "neuigkeiten/bestaetigen")
    Subscriber.objects.update(confirm_expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert client.post(confirm).status_code == 404
    assert client.get("/neuigkeiten/bestaetigen/erfunden/").status_code == 404
    assert not Subscriber.objects.confirmed().exists()
    call_command("purge_personal_data", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert not Subscriber.objects.exists()


def test_a_link_from_a_topic_ticks_it(client, topic):
    page = client.get(f"{URL}?thema={topic.slug}&projekt=gibt-es-nicht")
    assert page.status_code == 200
    assert re.search(rf'value="{topic.slug}"[^>]*checked', page.text)


def test_a_verified_address_of_the_account_is_subscribed_at_once(client, topic, mailoutbox):
    user = create_verified_user("kim@example.org", "test-passwort-123")
    client.force_login(user)
    page = client.get(URL)
    assert 'value="kim@example.org"' in page.text
    response = client.post(URL, _form(topic), follow=True)
    assert "Ihr Abonnement wurde gespeichert" in response.text
    subscriber = Subscriber.objects.get()
    assert subscriber.is_confirmed and subscriber.user == user
    assert mailoutbox == []
    # Coming back, the account finds its subscription to manage.
    again = client.get(URL)
    assert again.status_code == 302 and "/neuigkeiten/verwalten/" in again["Location"]


def test_typing_a_subscribed_address_changes_nothing_and_says_the_same(client, topic, mailoutbox):
    subscriber = _subscribed(client, topic, mailoutbox)
    other = factories.topic(name="Mobilität", slug="mobil")
    response = Client().post(URL, _form(other), follow=True)
    assert "Fast geschafft" in response.text
    assert list(subscriber.topics.all()) == [topic]
    mail = mailoutbox[-1]
    assert "nichts geändert" in mail.body
    assert "/neuigkeiten/verwalten/" in mail.body and "/bestaetigen/" not in mail.body


@pytest.mark.parametrize(
    "data, message",
    [
        ({"email": "kim@example.org", "frequency": "woechentlich"}, "mindestens ein Thema"),
        ({"email": "keine-adresse", "new_surveys": "on", "frequency": "woechentlich"}, "gültige"),
        ({"email": "kim@example.org", "new_surveys": "on", "frequency": "stuendlich"}, "gültige"),
    ],
)
def test_bad_input_is_a_400_with_the_input_kept(client, data, message, mailoutbox):
    response = client.post(URL, data)
    assert response.status_code == 400 and message in response.text
    assert data["email"] in response.text
    assert not Subscriber.objects.exists() and mailoutbox == []


def test_asking_too_often_is_refused_with_retry_after(client, topic, settings, mailoutbox):
    settings.SUBSCRIPTION_RATE_LIMIT_EMAIL = 2
    for _ in range(2):
        assert client.post(URL, _form(topic)).status_code == 302
    response = client.post(URL, _form(topic))
    assert response.status_code == 429 and response["Retry-After"] == "3600"
    assert "mehrmals" in response.text and 'value="kim@example.org"' in response.text
    assert len(mailoutbox) == 2


def _measure_on(topic, **fields):
    return factories.measure(topics=[topic], **fields)


def test_the_digest_lists_what_is_new_once_per_period_and_nothing_new_sends_nothing(
    client, topic, mailoutbox
):
    subscriber = _subscribed(client, topic, mailoutbox)
    mailoutbox.clear()
    new = _measure_on(topic, title="Wärmeplanung digital")
    _measure_on(topic, title="Noch ein Entwurf", published=False)
    factories.measure(topics=[factories.topic()], title="Anderes Thema")
    assert subscriptions.send_digests() == (1, 0, 0)
    (mail,) = mailoutbox
    assert mail.to == ["kim@example.org"]
    assert "Wärmeplanung digital" in mail.body
    assert f"http://testserver{new.get_absolute_url()}" in mail.body
    assert "Noch ein Entwurf" not in mail.body and "Anderes Thema" not in mail.body
    html = mail.alternatives[0][0]
    assert f'<a href="http://testserver{new.get_absolute_url()}">Wärmeplanung digital</a>' in html
    unsubscribe = subscriptions.unsubscribe_url(subscriber)
    assert mail.extra_headers["List-Unsubscribe"] == f"<{unsubscribe}>"
    assert mail.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # The same period again: nothing twice.
    assert subscriptions.send_digests() == (0, 0, 1)
    assert len(mailoutbox) == 1
    # The next period, with nothing new since: no mail.
    next_week = timezone.now() + datetime.timedelta(days=7)
    assert subscriptions.send_digests(next_week) == (0, 1, 0)
    assert len(mailoutbox) == 1
    assert DigestSent.objects.get().items == 1


def test_a_second_run_at_the_same_time_cannot_send_the_same_digest(
    client, topic, mailoutbox, monkeypatch
):
    subscriber = _subscribed(client, topic, mailoutbox)
    mailoutbox.clear()
    _measure_on(topic)
    now = timezone.now()
    period = subscriptions.period_of(subscriber.frequency, now)
    # Both jobs read the news since the confirmation before either had recorded its digest.
    monkeypatch.setattr(subscriptions, "_since", lambda subscriber: subscriber.confirmed_at)
    assert subscriptions._send_digest(subscriber, period, now) == "sent"
    assert subscriptions._send_digest(subscriber, period, now) == "already"
    assert len(mailoutbox) == 1


def test_the_digest_covers_lessons_adoptions_dates_and_surveys(client, topic, mailoutbox):
    project = factories.project(title="Smarte Region")
    offer = Offer.objects.create(title="Werkstatt Wärme", slug="werkstatt", published=True)
    assert (
        client.post(
            URL,
            _form(topic, projects=[project.slug], offers=[offer.slug], new_surveys="on"),
        ).status_code
        == 302
    )
    client.post(_link(mailoutbox[-1], "neuigkeiten/bestaetigen"))
    mailoutbox.clear()
    now = timezone.now()
    factories.insight(project_=project, text="Früh mit dem Datenschutz reden.")
    EventDate.objects.create(
        offer=offer, title="Termin 1", starts_at=now + datetime.timedelta(days=10)
    )
    EventDate.objects.create(
        offer=offer, title="Abgesagt", starts_at=now + datetime.timedelta(days=11), cancelled=True
    )
    Survey.objects.create(
        title="Umfrage 2027",
        slug="umfrage-2027",
        published=True,
        opens_at=now + datetime.timedelta(seconds=10),
        closes_at=now + datetime.timedelta(days=30),
    )
    assert subscriptions.send_digests(now + datetime.timedelta(minutes=1)) == (1, 0, 0)
    body = mailoutbox[0].body
    assert "Früh mit dem Datenschutz reden." in body
    assert "Werkstatt Wärme – Termin 1" in body and "Abgesagt" not in body
    assert "Umfrage 2027" in body


def test_one_click_unsubscribe_needs_no_csrf_token_and_a_get_changes_nothing(
    client, topic, mailoutbox
):
    subscriber = _subscribed(client, topic, mailoutbox)
    url = subscriptions.unsubscribe_url(subscriber).removeprefix("http://testserver")
    mail_client = Client(enforce_csrf_checks=True)
    page = mail_client.get(url)
    assert page.status_code == 200 and "kim@example.org" in page.text
    assert Subscriber.objects.exists()
    response = mail_client.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200 and "abgemeldet" in response.text.lower()
    assert not Subscriber.objects.exists()
    # Again (a mail program retrying): still fine, nothing to do.
    assert mail_client.post(url).status_code == 200
    assert mail_client.get(url).status_code == 404


@pytest.mark.parametrize("token", ["kaputt", "W1sxLCJ4Il0:1abc:forged"])
def test_unsubscribing_with_a_link_that_is_not_ours_says_so(client, topic, mailoutbox, token):
    subscriber = _subscribed(client, topic, mailoutbox)
    response = Client(enforce_csrf_checks=True).post(f"/neuigkeiten/abmelden/{token}/")
    assert response.status_code == 404
    assert "gelöscht" not in response.text  # not "the address has been deleted"
    assert Subscriber.objects.filter(pk=subscriber.pk).exists()


def test_the_manage_page_changes_the_subscription_without_logging_in(client, topic, mailoutbox):
    subscriber = _subscribed(client, topic, mailoutbox)
    url = subscriptions.manage_url(subscriber).removeprefix("http://testserver")
    other = factories.topic(name="Mobilität", slug="mobil")
    response = Client().post(url, {"topics": [other.slug], "frequency": "taeglich"}, follow=True)
    assert "Ihr Abonnement wurde gespeichert" in response.text
    subscriber.refresh_from_db()
    assert subscriber.frequency == "taeglich" and list(subscriber.topics.all()) == [other]
    assert Client().post(url, {"frequency": "taeglich"}).status_code == 400
    # The form needs its CSRF token.
    assert Client(enforce_csrf_checks=True).post(url, {"frequency": "taeglich"}).status_code == 403
    # A made-up or tampered link, and a link whose key has changed, find nothing.
    assert client.get("/neuigkeiten/verwalten/erfunden/").status_code == 404
    Subscriber.objects.update(key="neu")
    assert client.get(url).status_code == 404


def test_periods_are_iso_weeks_or_local_days():
    moment = datetime.datetime(2026, 12, 6, 23, 30, tzinfo=datetime.UTC)  # Monday in Berlin
    assert subscriptions.period_of("woechentlich", moment) == "2026-W50"
    assert subscriptions.period_of("taeglich", moment) == "2026-12-07"


def test_my_data_lists_the_subscription_and_deleting_the_account_ends_it(client, topic, mailoutbox):
    user = create_verified_user("kim@example.org", "test-passwort-123")
    _subscribed(client, topic, mailoutbox)  # subscribed without the account, same address
    data = privacy.export_user_data(user)
    (subscription,) = data["abonnements"]
    assert subscription["e_mail"] == "kim@example.org"
    assert subscription["themen"] == ["Energie und Klima"]
    privacy.delete_account(user)
    assert not Subscriber.objects.exists()


def test_measure_changes_reach_the_digest_with_their_transfer_phase(client, topic, mailoutbox):
    measure = _measure_on(topic, title="Bürger-App")
    _subscribed(client, topic, mailoutbox)
    mailoutbox.clear()
    later = timezone.now() + datetime.timedelta(minutes=5)
    Measure.objects.filter(pk=measure.pk).update(
        transfer_phase=Measure.TransferPhase.choices[0][0], updated_at=later
    )
    assert subscriptions.send_digests(later + datetime.timedelta(minutes=1)) == (1, 0, 0)
    assert "Bürger-App" in mailoutbox[0].body
    assert f"Transferphase: {Measure.TransferPhase.choices[0][1]}" in mailoutbox[0].body


def test_the_pages_ask_the_same_number_of_queries_however_much_there_is(
    client, topic, mailoutbox, django_assert_num_queries
):
    subscriber = _subscribed(client, topic, mailoutbox)
    manage = subscriptions.manage_url(subscriber).removeprefix("http://testserver")
    for _ in range(2):
        with django_assert_num_queries(SUBSCRIBE_QUERIES):
            assert Client().get(URL).status_code == 200
        with django_assert_num_queries(MANAGE_QUERIES):
            assert Client().get(manage).status_code == 200
        for number in range(5):  # more to choose from, and more chosen
            more = factories.topic()
            subscriber.topics.add(more)
            subscriber.projects.add(factories.project())
            Offer.objects.create(title=f"Angebot {number}", slug=f"a-{more.pk}", published=True)


# The topics, model projects and offers to choose from.
SUBSCRIBE_QUERIES = 3
# The subscriber, what it has chosen (three), and what there is to choose from (three).
MANAGE_QUERIES = 7


def test_every_page_of_the_subscription_and_the_digest_are_valid_html(client, topic, mailoutbox):
    from tests.checkers import assert_valid_html

    documents = {
        "subscribe": client.get(URL).text,
        "subscribe en": client.get(f"/en{URL}").text,
        "subscribe 400": client.post(URL, {"email": "x"}).text,
    }
    client.post(URL, _form(topic))
    confirm = _link(mailoutbox[-1], "neuigkeiten/bestaetigen")
    documents["confirm"] = client.get(confirm).text
    client.post(confirm)
    subscriber = Subscriber.objects.get()
    manage = subscriptions.manage_url(subscriber).removeprefix("http://testserver")
    unsubscribe = subscriptions.unsubscribe_url(subscriber).removeprefix("http://testserver")
    documents["manage"] = client.get(manage).text
    documents["manage 400"] = client.post(manage, {"frequency": "taeglich"}).text
    documents["unsubscribe"] = client.get(unsubscribe).text
    _measure_on(topic, title="Wärmeplanung & Co.")
    subscriptions.send_digests()
    documents["digest (HTML part)"] = mailoutbox[-1].alternatives[0][0]
    documents["unsubscribed"] = client.post(unsubscribe).text
    documents["invalid"] = client.get(manage).text
    assert_valid_html(documents)
