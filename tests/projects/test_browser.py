"""Main journeys through the knowledge base in a real browser, with axe-core on each page."""

import pytest
from playwright.sync_api import expect

from tests.checkers import assert_accessible, log_in_as_editor
from tests.transfer_portal.test_slugs import CASES as SLUG_CASES
from transfer_portal.lib.slugs import portal_slugify

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def portal(live_server):
    from django.core.management import call_command

    call_command("load_initial_content", verbosity=0)
    return live_server.url


def test_visitor_clicks_from_home_via_topic_and_project_to_a_measure(page, portal):
    page.goto(portal + "/")
    assert_accessible(page)

    page.get_by_role("link", name="Mobilität").first.click()
    page.wait_for_url("**/themen/mobilitaet/")
    assert page.get_by_role("heading", level=1).inner_text() == "Thema: Mobilität"
    assert_accessible(page)

    page.get_by_role("link", name="Cottbus/Chóśebuz").first.click()
    page.wait_for_url("**/modellprojekte/cottbus/")
    assert_accessible(page)

    page.get_by_role("link", name="Verkehrszählung").first.click()
    page.wait_for_url("**/massnahmen/cottbus-verkehrszaehlung/")
    assert page.get_by_role("heading", level=1).inner_text() == "Verkehrszählung"
    assert_accessible(page)


def test_visitor_filters_measures_by_topic(page, portal):
    page.goto(portal + "/massnahmen/")
    assert_accessible(page)
    page.get_by_label("Thema").select_option(label="Energie & Klima")
    page.get_by_role("button", name="Filtern").click()
    page.wait_for_url("**/massnahmen/?thema=energie-klima*")
    results = page.locator("main .list-group-item a").all_inner_texts()
    assert sorted(results) == ["Cooling Points", "Energiemonitoring"]
    assert_accessible(page)


def test_visitor_goes_from_a_topic_to_all_its_lessons_learned_and_filters_them(page, portal):
    from projects.models import Insight, ModelProject, Topic
    from tests import factories

    cottbus = ModelProject.objects.get(slug="cottbus")
    mobility = Topic.objects.get(slug="mobilitaet")
    for n in range(14):
        kind = Insight.Kind.PITFALL if n < 3 else Insight.Kind.TIP
        factories.insight(cottbus, mobility, kind=kind, text=f"Erkenntnis {n}")
    page.goto(portal + "/themen/mobilitaet/")
    page.get_by_role("link", name="Alle 14 Erkenntnisse zu diesem Thema").click()
    page.wait_for_url("**/erkenntnisse/?thema=mobilitaet")
    expect(page.get_by_role("heading", name="14 Erkenntnisse")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Art").select_option(label="Stolperstein")
    page.get_by_role("button", name="Filtern").click()
    page.wait_for_url("**/erkenntnisse/?thema=mobilitaet*art=stolperstein*")
    expect(page.get_by_role("heading", name="3 Erkenntnisse")).to_be_visible()
    assert_accessible(page)


def test_navigation_works_on_a_small_screen(page, portal):
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(portal + "/")
    page.get_by_role("button", name="Menü anzeigen").click()
    navigation = page.get_by_role("navigation", name="Hauptnavigation")
    navigation.get_by_role("link", name="Maßnahmen", exact=True).click()
    page.wait_for_url("**/massnahmen/")
    assert_accessible(page)


def test_admin_works_under_the_strict_content_security_policy(page, portal):
    """The admin's own scripts (slug prefill, autocomplete, inlines) run without inline code."""
    log_in_as_editor(page, portal)
    page.goto(portal + "/admin/projects/measure/add/")
    page.locator("#id_title").press_sequentially("Neue Maßnahme für Bürger im Browser")
    # German transliteration (static/js/admin-slugs.js), as in the portal's own addresses.
    assert page.locator("#id_slug").input_value() == "neue-massnahme-fuer-buerger-im-browser"
    # The same rule as the Python side (transfer_portal/lib/slugs.py) in the real admin.
    texts = [text for text, _slug in SLUG_CASES]
    slugs = page.evaluate("texts => texts.map((text) => URLify(text, 40, false))", texts)
    assert slugs == [portal_slugify(text, 40) for text in texts]
    page.goto(portal + "/admin/projects/modelproject/")
    page.get_by_role("link", name="Guben").click()
    page.wait_for_load_state("load")
    assert page.locator(".select2-container").count() > 0  # autocomplete widgets started


@pytest.mark.parametrize("url", ["/modellprojekte/potsdam/", "/massnahmen/potsdam-cooling-points/"])
def test_profile_and_contact_come_before_the_sources(page, portal, url):
    """On a phone the profile, the question button and the contact box are not pushed below
    the list of sources; on a wide screen the sources still follow the main text."""

    def box(selector):
        return page.locator(selector).first.bounding_box()

    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(portal + url)
    assert box("#steckbrief")["y"] < box("#quellen")["y"]
    assert box("a.btn-primary >> text=Frage an das Modellprojekt")["y"] < box("#quellen")["y"]
    assert_accessible(page)

    page.set_viewport_size({"width": 1280, "height": 800})
    sources, aside = box("#quellen"), box("#steckbrief")
    assert sources["x"] < aside["x"]
    lessons = box("#erkenntnisse")
    assert 0 < sources["y"] - lessons["y"] < 400  # right after the main text, no gap
