"""The admin at 1280 px: every column of the lists and of the dates inline is on screen."""

import pytest

from offers.models import Registration
from tests import factories
from tests.offers import factories as offer_factories
from tests.surveys import factories as survey_factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONG = "Gemeinsame Digitalisierungsstrategie der Kommunen im Landkreis Dahme-Spreewald"


def test_lists_and_the_dates_inline_fit_a_1280_px_screen(page, live_server):
    municipality = factories.municipality(name="Landkreis Oberspreewald-Lausitz")
    date = offer_factories.event_date(offer_factories.offer(title=LONG), title=LONG, capacity=3)
    offer_factories.registration(date, municipality=municipality)
    offer_factories.registration(date, state=Registration.State.WAITING)
    factories.measure(factories.project(title=LONG), title=LONG)
    survey, _questions = survey_factories.full_survey(title=LONG)
    survey_factories.response(survey, municipality=municipality)
    factories.editor("layout@example.org")

    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server.url + "/admin/")
    page.get_by_label("E-Mail-Adresse").fill("layout@example.org")
    page.get_by_label("Passwort").fill("test-passwort-123")
    page.get_by_role("button", name="Anmelden", exact=True).click()
    page.wait_for_url("**/admin/")
    for path in [
        "/admin/offers/eventdate/",
        "/admin/offers/registration/",
        "/admin/projects/measure/",
        "/admin/surveys/survey/",
        "/admin/surveys/response/",
        f"/admin/offers/offer/{date.offer.pk}/change/",
    ]:
        page.goto(live_server.url + path)
        table = page.locator("#result_list, .inline-group table").first
        widths = table.evaluate("t => [t.scrollWidth, t.parentElement.clientWidth]")
        assert widths[0] <= widths[1], (path, widths)
        assert page.evaluate("document.documentElement.scrollWidth") <= 1280, path
