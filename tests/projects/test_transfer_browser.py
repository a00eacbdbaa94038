"""The transfer journey of issue 19 in a real browser, with axe-core on each new page: an
editor fills a measure's profile, a visitor filters and compares, a confirmed member marks
the measure "in Prüfung", the project hears of it, the pages and the open data show it."""

import pytest
from django.conf import settings
from playwright.sync_api import expect

from projects.models import Measure, Municipality
from tests.checkers import assert_accessible, log_in_as_editor
from tests.surveys import factories as survey_factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MEASURE = "cottbus-verkehrszaehlung"


@pytest.fixture
def portal(live_server):
    from django.core.management import call_command

    call_command("load_initial_content", verbosity=0)
    return live_server.url


def test_profile_filter_compare_adopt_and_the_project_hears_of_it(page, portal, mailoutbox):
    measure = Measure.objects.get(slug=MEASURE)

    # The editor records what a source says about the measure.
    log_in_as_editor(page, portal)
    page.goto(f"{portal}/admin/projects/measure/{measure.pk}/change/")
    page.fill("#id_goal", "Verkehrsströme kennen, um den Verkehr zu planen.")
    page.select_option("#id_transfer_phase", "pilot")
    page.select_option("#id_open_source", "ja")
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist")).to_contain_text("erfolgreich geändert")
    page.context.clear_cookies()

    # A visitor finds it by its transfer phase and compares it with another measure.
    page.goto(f"{portal}/massnahmen/")
    page.get_by_label("Transferphase").select_option("pilot")
    page.get_by_role("button", name="Filtern").click()
    page.wait_for_url("**/massnahmen/?*phase=pilot*")
    assert_accessible(page)
    page.get_by_label("Vergleichen: Verkehrszählung").check()
    page.get_by_role("button", name="Ausgewählte Maßnahmen vergleichen").click()
    page.wait_for_url(f"**/massnahmen/vergleich/?m={MEASURE}")
    assert_accessible(page)
    page.get_by_role("button", name="Hinzufügen").click()
    expect(page.locator("table.compare-table thead th[scope=col]")).to_have_count(3)
    expect(page.locator("table.compare-table")).to_contain_text("Pilot")
    assert_accessible(page)

    # A confirmed member of a municipality marks it "in Prüfung", named as contact.
    municipality = Municipality.objects.exclude(model_projects=measure.project).first()
    survey_factories.participant(municipality, "amt@kommune.example")
    page.goto(f"{portal}/konto/login/?next=/massnahmen/{MEASURE}/")
    page.get_by_label("E-Mail-Adresse").fill("amt@kommune.example")
    page.get_by_label("Passwort").fill("test-passwort-123")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"**/massnahmen/{MEASURE}/")
    assert_accessible(page)
    page.get_by_label("in Prüfung").check()
    page.get_by_label("Hinweis (freiwillig").fill("Vorlage für den Bauausschuss")
    page.get_by_label("Mich als Ansprechperson").check()
    page.get_by_role("button", name="Speichern").click()
    expect(page.get_by_role("alert").or_(page.locator(".alert-success"))).to_contain_text(
        f"Gespeichert: {municipality.name} – in Prüfung."
    )
    expect(page.locator("section[aria-labelledby=nachnutzung] table")).to_contain_text(
        "Vorlage für den Bauausschuss"
    )

    # The model project (or DABB, where it names nobody) hears of it, once.
    [mail] = mailoutbox
    assert mail.to == [measure.project.contact_email or settings.PORTAL_CONTACT_EMAIL]
    assert "in Prüfung" in mail.subject and "amt@kommune.example" in mail.body

    # Everyone sees it: the measure page, the municipality's page, the transfer plan, the
    # open data (without personal data).
    page.context.clear_cookies()
    page.goto(f"{portal}/massnahmen/{MEASURE}/")
    expect(page.locator("section[aria-labelledby=nachnutzung] table")).to_contain_text(
        municipality.name
    )
    page.get_by_role("link", name=municipality.name).click()
    expect(page.locator("main table")).to_contain_text("Verkehrszählung")
    assert_accessible(page)
    page.goto(f"{portal}/massnahmen/{MEASURE}/transferplan/")
    expect(page.locator("main")).to_contain_text(f"{municipality.name}: in Prüfung")
    assert_accessible(page)
    data = page.request.get(f"{portal}/daten/nachnutzungen.csv").text()
    assert f"{municipality.name},{MEASURE},in_pruefung," in data
    assert "amt@kommune.example" not in data

    # DABB's view of transfer counts it.
    log_in_as_editor(page, portal, "transfer@dabb.example")
    page.goto(f"{portal}/redaktion/transfer/")
    row = page.locator("table", has_text="Gesamt").first.locator(
        "tbody tr", has_text="Verkehrszählung"
    )
    expect(row).to_contain_text("1")
    assert_accessible(page)
