"""Portal-wide pages in a real browser: axe-core on each, in German and English."""

import datetime
import re

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from projects.models import ModelProject, Topic
from tests import factories
from tests.checkers import assert_accessible, log_in_as_editor
from transfer_portal.portal import subscriptions
from transfer_portal.portal.models import Subscriber

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = [
    "/suche/?q=Beteiligung",
    "/suche/?q=gibtsnicht",
    "/daten/",
    "/impressum/",
    "/gibt-es-nicht/",
    "/konto/login/",
    "/konto/signup/",
    "/konto/password/reset/",
    "/modellprojekte/cottbus/frage/",
    "/en/",
    "/en/themen/partizipation/",
    "/en/suche/?q=Mobilit%C3%A4t",
]


@pytest.fixture
def portal(live_server):
    call_command("load_initial_content", verbosity=0)
    return live_server.url


def test_portal_pages_have_no_accessibility_violations(page, portal):
    for url in PAGES:
        page.goto(portal + url)
        assert_accessible(page)


def test_visitor_searches_opens_a_result_switches_language_and_asks_the_project(
    page, portal, mailoutbox
):
    page.goto(portal + "/")
    header_search = page.get_by_role("search").first
    header_search.get_by_label("Suchbegriff").fill("Verkehrszählungen")
    header_search.get_by_role("button", name="Suchen").click()
    page.wait_for_url("**/suche/?q=*")
    assert_accessible(page)
    page.get_by_role("link", name="Verkehrszählung", exact=True).click()
    page.wait_for_url("**/massnahmen/cottbus-verkehrszaehlung/")
    page.get_by_role("link", name="English").click()
    page.wait_for_url("**/en/massnahmen/cottbus-verkehrszaehlung/")
    assert page.locator("html").get_attribute("lang") == "en"
    expect(page.get_by_role("heading", name="Transferability")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Question to the model project").click()
    page.wait_for_url("**/en/massnahmen/cottbus-verkehrszaehlung/frage/")
    assert_accessible(page)
    page.get_by_label("Your name").fill("Karla Kommunal")
    page.get_by_label("Your municipality or organisation").fill("Musterfeld")
    page.get_by_label("Your e-mail address").fill("karla@musterfeld.example")
    page.get_by_label("Your question").fill("Wie viele Zählstellen gibt es?")
    page.get_by_role("button", name="Send question").click()
    page.wait_for_url("**/en/massnahmen/cottbus-verkehrszaehlung/")
    expect(page.get_by_text("Your question has been sent.")).to_be_visible()
    recipients = [mail.to for mail in mailoutbox]
    assert recipients == [["transferportal@localhost"], ["karla@musterfeld.example"]]
    assert "Wie viele Zählstellen gibt es?" in mailoutbox[0].body


def test_account_pages_are_accessible(page, portal):
    from tests import factories

    factories.user("barrierefrei@example.org")
    page.goto(portal + "/konto/login/")
    page.get_by_label("E-Mail-Adresse").fill("barrierefrei@example.org")
    page.get_by_label("Passwort").fill("test-passwort-123")
    page.get_by_role("button", name="Anmelden", exact=True).click()
    page.wait_for_url(portal + "/")
    for url in [
        "/konto/profil/",
        "/konto/loeschen/",
        "/datenschutz/",
        "/konto/email/",
        "/konto/2fa/",
        "/en/konto/profil/",
    ]:
        page.goto(portal + url)
        assert_accessible(page)


def test_a_stale_form_gets_a_page_that_leads_back_to_it(page, portal):
    """Sent after the session changed (here: the CSRF cookie is gone), the question form
    gets the portal's German page, which links back to the form."""
    form_url = portal + "/modellprojekte/cottbus/frage/"
    page.goto(form_url)
    page.context.clear_cookies()
    page.get_by_label("Ihr Name").fill("Karla Kommunal")
    page.get_by_role("button", name="Frage senden").click()
    expect(
        page.get_by_role("heading", name="Das Formular konnte nicht gesendet werden")
    ).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Zurück zum Formular").click()
    page.wait_for_url(form_url)


def test_the_too_many_requests_page_is_accessible(page, portal, settings):
    settings.ACCOUNT_RATE_LIMITS = {"reset_password": "1/h/key"}
    for _ in range(2):
        page.goto(portal + "/konto/password/reset/")
        page.get_by_label("E-Mail-Adresse").fill("jemand@example.org")
        page.get_by_role("button", name="Passwort zurücksetzen").click()
        page.wait_for_load_state("load")
    expect(page.get_by_role("heading", name="Zu viele Anfragen")).to_be_visible()
    assert_accessible(page)


def test_subscribe_confirm_digest_of_a_newly_published_measure_and_one_click_unsubscribe(
    page, portal, mailoutbox
):
    """Issue 21, 1: subscribing without an account, as a new visitor would."""
    topic = Topic.objects.get(slug="mobilitaet")
    page.goto(f"{portal}/themen/mobilitaet/")
    page.get_by_role("link", name="Dieses Thema per E-Mail verfolgen").click()
    page.wait_for_url("**/neuigkeiten/?thema=mobilitaet")
    expect(page.get_by_label("Mobilität", exact=True)).to_be_checked()
    assert_accessible(page)
    page.get_by_label("Ihre E-Mail-Adresse").fill("kim@kommune.example")
    page.get_by_label("täglich").check()
    page.get_by_role("button", name="Abonnieren").click()
    expect(page.locator(".alert")).to_contain_text("Fast geschafft")
    [confirmation] = mailoutbox
    path = re.search(r"https?://[^/\s]+(/neuigkeiten/bestaetigen/\S+/)", confirmation.body)[1]
    page.goto(portal + path)
    assert_accessible(page)
    page.get_by_role("button", name="Abonnement bestätigen").click()
    page.wait_for_url("**/neuigkeiten/verwalten/**")
    expect(page.locator(".alert")).to_contain_text("Ihr Abonnement ist bestätigt")
    expect(page.get_by_label("täglich")).to_be_checked()
    assert_accessible(page)

    # An editor publishes a measure on the topic that was written as a draft.
    draft = factories.measure(
        ModelProject.objects.get(slug="cottbus"),
        topics=[topic],
        title="Mitfahrbänke digital",
        published=False,
    )
    log_in_as_editor(page, portal)
    page.goto(f"{portal}/admin/projects/measure/{draft.pk}/change/")
    page.locator("#id_published").check()
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist")).to_contain_text("erfolgreich geändert")
    page.context.clear_cookies()

    # The digest job sends one mail that lists it, once.
    mailoutbox.clear()
    later = timezone.now() + datetime.timedelta(seconds=1)
    assert subscriptions.send_digests(later) == (1, 0, 0)
    assert subscriptions.send_digests(later) == (0, 0, 1)
    [digest] = mailoutbox
    assert digest.to == ["kim@kommune.example"]
    assert "Mitfahrbänke digital" in digest.body and "/massnahmen/" in digest.body
    unsubscribe = digest.extra_headers["List-Unsubscribe"].strip("<>")

    # The mail program's one-click unsubscribe (RFC 8058): a POST without cookies.
    path = re.search(r"https?://[^/]+(/.*)", unsubscribe)[1]
    page.goto(portal + path)  # what a person who follows the link sees: a button
    expect(page.get_by_role("button", name="Jetzt abmelden")).to_be_visible()
    assert_accessible(page)
    answer = page.request.post(
        portal + path,
        form={"List-Unsubscribe": "One-Click"},
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert answer.status == 200
    assert not Subscriber.objects.exists()
    page.goto(portal + path)
    expect(page.get_by_role("heading", level=1)).to_have_text("Link ungültig")
    assert_accessible(page)
    assert subscriptions.send_digests(later + datetime.timedelta(days=1)) == (0, 0, 0)
    assert len(mailoutbox) == 1

    # A person who follows the link instead, and presses the button.
    other = Subscriber.objects.create(
        email="jo@kommune.example", key="k", confirmed_at=timezone.now(), new_surveys=True
    )
    page.goto(portal + re.search(r"https?://[^/]+(/.*)", subscriptions.unsubscribe_url(other))[1])
    page.get_by_role("button", name="Jetzt abmelden").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Abgemeldet")
    assert_accessible(page)
    assert not Subscriber.objects.exists()
