"""Layout in a real browser at the widths where it broke: nothing may push the page sideways."""

import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def portal(live_server):
    call_command("load_initial_content", verbosity=0)
    return live_server.url


def horizontal_overflow(page):
    """How many pixels the page is wider than the window (0: no sideways scrolling)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


@pytest.mark.parametrize("width", [1000, 1150])
def test_german_main_menu_fits_between_992_and_1199_pixels(page, portal, width):
    """The German menu with the search form is wider than Bootstrap's lg container; it
    collapses into the menu button until xl, so "Suchen" stays on screen."""
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(portal + "/")
    assert horizontal_overflow(page) == 0
    page.get_by_role("button", name="Menü anzeigen").click()
    search = page.get_by_role("search").first.get_by_role("button", name="Suchen")
    search.wait_for(state="visible")
    box = search.bounding_box()
    assert box["x"] + box["width"] <= width
    assert horizontal_overflow(page) == 0


def test_open_data_field_lists_fit_a_small_phone(page, portal):
    """Long field names (amtliche_gemeindeschluessel) wrap inside their card."""
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(portal + "/daten/")
    for summary in page.locator("summary").all():
        summary.click()
    assert horizontal_overflow(page) == 0
    overflowing = page.evaluate(
        """() => [...document.querySelectorAll('.card')].filter(card =>
            card.querySelector('table').getBoundingClientRect().right
            > card.getBoundingClientRect().right).length"""
    )
    assert overflowing == 0


def test_current_page_number_is_in_the_portal_blue(page, portal):
    page.goto(portal + "/massnahmen/")
    current = page.locator(".pagination [aria-current=page]")
    colours = current.evaluate(
        "link => [getComputedStyle(link).backgroundColor, getComputedStyle(link).color]"
    )
    assert colours == ["rgb(11, 79, 138)", "rgb(255, 255, 255)"]


def test_email_addresses_wrap_only_after_the_at_sign_on_a_small_phone(page, portal):
    """Broken at its hyphen, "…@digital-" / "agentur.de" looks like part of the address."""
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(portal + "/kontakt/")
    # For each address: the text of its first line (all of it if it does not wrap).
    first_lines = page.evaluate(
        """() => [...document.querySelectorAll('a[href^="mailto:"]')].map(link => {
            const walker = document.createTreeWalker(link, NodeFilter.SHOW_TEXT);
            let text = '', top = null, node;
            while ((node = walker.nextNode())) {
                for (let i = 0; i < node.length; i++) {
                    const range = document.createRange();
                    range.setStart(node, i);
                    range.setEnd(node, i + 1);
                    const rect = range.getBoundingClientRect();
                    if (top === null) top = rect.top;
                    if (rect.top > top + 2) return [link.textContent, text];
                    text += node.data[i];
                }
            }
            return [link.textContent, text];
        })"""
    )
    assert first_lines, "no e-mail links on the contact page"
    wrapped = [(address, first) for address, first in first_lines if first != address]
    assert wrapped, "at 360 px the addresses are expected to wrap"
    for address, first in wrapped:
        assert first.endswith("@"), (address, first)
    assert horizontal_overflow(page) == 0


@pytest.mark.parametrize("width", [320, 360])
def test_the_menu_button_stays_beside_the_portal_name_on_a_phone(page, portal, width):
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(portal + "/")
    brand = page.locator(".site-header .navbar-brand").bounding_box()
    button = page.get_by_role("button", name="Menü anzeigen").bounding_box()
    assert button["y"] < brand["y"] + brand["height"]  # on the same row, not below
    assert button["x"] + button["width"] <= width
    assert horizontal_overflow(page) == 0
