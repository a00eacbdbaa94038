"""Portal-wide pages in a real browser: axe-core on each, in German and English."""

import pytest
from django.core.management import call_command

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


def test_visitor_searches_opens_a_result_and_switches_to_english(page, portal):
    page.goto(portal + "/")
    header_search = page.get_by_role("search").first
    header_search.get_by_label("Suchbegriff").fill("Verkehrszählungen")
    header_search.get_by_role("button", name="Suchen").click()
    page.wait_for_url("**/suche/?q=*")
    assert_accessible(page)
    page.get_by_role("link", name="Verkehrszählung", exact=True).click()
    page.wait_for_url("**/massnahmen/cottbus-verkehrszahlung/")
    page.get_by_role("link", name="English").click()
    page.wait_for_url("**/en/massnahmen/cottbus-verkehrszahlung/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", name="Transferability").is_visible()
    assert_accessible(page)
