"""Portal-wide pages in a real browser: axe-core on each, in German and English."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests.checkers import assert_accessible

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
