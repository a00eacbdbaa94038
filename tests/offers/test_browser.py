"""Finding an offer through its topic and registering, in a real browser, with axe-core."""

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from offers import services
from offers.models import EventDate, Offer, Registration
from tests.checkers import assert_accessible
from tests.offers import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def portal(live_server, settings):
    from django.core.management import call_command

    call_command("load_initial_content", verbosity=0)
    settings.SITE_URL = live_server.url
    return live_server.url


@pytest.fixture
def workshop_date(portal):
    starts_at = timezone.now().replace(microsecond=0) + datetime.timedelta(days=21)
    return EventDate.objects.create(
        offer=Offer.objects.get(slug="schreibwerkstatt-digitalstrategien"),
        title="Testtermin im Browser",
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=2),
        capacity=1,
    )


def test_municipal_employee_finds_a_workshop_by_topic_registers_and_cancels(
    page, portal, workshop_date
):
    # From the topics overview to the topic page, which lists DABB's offers on it.
    page.goto(portal + "/themen/")
    page.get_by_role("link", name="Strategieentwicklung", exact=True).click()
    page.wait_for_url("**/themen/strategieentwicklung/")
    assert_accessible(page)
    offers = page.locator("section", has=page.get_by_role("heading", name="Passende Angebote"))
    offers.get_by_role("link", name="Schreibwerkstatt Digitalstrategien").click()
    page.wait_for_url("**/angebote/schreibwerkstatt-digitalstrategien/")
    expect(page.get_by_role("heading", name="Vergangene Termine (Archiv)")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Testtermin im Browser", exact=True).click()
    page.wait_for_url(f"**/termine/{workshop_date.pk}/")
    assert_accessible(page)
    page.get_by_label("Name").fill("Erika Musterfrau")
    page.get_by_label("E-Mail").fill("erika@example.org")
    page.get_by_label("Kommune").select_option(label="Cottbus")
    page.get_by_label("Ich bin einverstanden").check()
    expect(page.get_by_text("Erst wenn Sie Ihre Adresse damit bestätigt haben")).to_be_visible()
    page.locator("main").get_by_role("button", name="Teilnahme beantragen", exact=True).click()
    page.wait_for_url(f"**/termine/{workshop_date.pk}/")
    expect(
        page.get_by_text("Fast geschafft: Wir haben eine E-Mail an erika@example.org")
    ).to_be_visible()
    # The message gets the focus, so that a screen reader announces it (WCAG 4.1.3).
    expect(page.locator("#meldungen")).to_be_focused()
    expect(page.get_by_text("1 von 1 Plätzen frei")).to_be_visible()  # nothing held yet
    assert_accessible(page)

    # The link in the e-mail: a page that asks, then the place.
    [request] = mail.outbox
    confirm_url = re.search(r"http\S+/bestaetigen/", request.body).group(0)
    page.goto(confirm_url)
    expect(page.get_by_role("heading", name="Teilnahme bestätigen")).to_be_visible()
    assert_accessible(page)
    assert Registration.objects.get().state == Registration.State.PENDING
    page.get_by_role("button", name="Teilnahme bestätigen").click()
    expect(page.get_by_role("heading", name="Teilnahme bestätigt")).to_be_visible()
    expect(page.get_by_text("Ihr Platz ist reserviert.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Zur Seite des Termins").click()
    page.wait_for_url(f"**/termine/{workshop_date.pk}/")
    expect(page.locator("main .badge-booked")).to_have_text(re.compile("^Ausgebucht"))  # taken

    registration = Registration.objects.get()
    assert registration.state == Registration.State.CONFIRMED
    _request, message = mail.outbox
    cancel_url = re.search(r"http\S+/stornieren/", message.body).group(0)

    Registration.objects.filter(pk=registration.pk).update(name="Erika" + "M" * 140)
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(cancel_url)
    # A name typed without spaces wraps instead of widening the page.
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") == 0
    assert_accessible(page)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.get_by_role("button", name="Ja, Teilnahme absagen").click()
    expect(page.get_by_role("heading", name="Teilnahme abgesagt")).to_be_visible()
    assert_accessible(page)
    registration.refresh_from_db()
    assert registration.state == Registration.State.CANCELLED


def test_a_logged_in_member_registers_and_then_reads_so_on_the_page(page, portal, workshop_date):
    from tests import factories

    factories.user("browser@example.org")
    page.goto(portal + "/konto/login/")
    page.get_by_label("E-Mail").fill("browser@example.org")
    page.get_by_label("Passwort").fill("test-passwort-123")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()

    page.goto(portal + workshop_date.get_absolute_url())
    expect(page.get_by_label("E-Mail")).to_have_value("browser@example.org")  # prefilled
    page.get_by_label("Name").fill("Erika Musterfrau")
    page.get_by_label("Ich bin einverstanden").check()
    page.locator("main").get_by_role("button", name="Teilnahme beantragen", exact=True).click()
    page.wait_for_url(f"**/termine/{workshop_date.pk}/")
    expect(page.get_by_text("Ihre Teilnahme an diesem Termin ist bestätigt.")).to_be_visible()
    # The form below is for a colleague: empty, under its own heading.
    another = page.get_by_role("heading", name="Teilnahme für eine weitere Person beantragen")
    expect(another).to_be_visible()
    expect(page.get_by_label("E-Mail")).to_have_value("")
    assert_accessible(page)
    assert Registration.objects.get().email == "browser@example.org"


def test_form_errors_are_announced_accessibly(page, portal, workshop_date):
    response = page.goto(portal + workshop_date.get_absolute_url())
    assert response.ok, response.status
    page.locator("main").get_by_role("button", name="Teilnahme beantragen", exact=True).click()
    expect(page.get_by_text("Dieses Feld ist zwingend erforderlich.").first).to_be_visible()
    # The summary above the form gets the focus (a screen reader reads it), its links lead
    # to the fields, and the title says that something is wrong.
    summary = page.get_by_role("alert")
    expect(summary).to_be_focused()
    assert page.title().startswith("Fehler: ")
    summary.get_by_role("link", name="Name: Dieses Feld ist zwingend erforderlich.").click()
    expect(page.get_by_label("Name")).to_be_focused()
    assert_accessible(page)


def test_keyboard_focus_is_clearly_visible(page, portal):
    """A 3-px dark blue ring on links, menu links, fields and buttons (WCAG 2.4.7, 1.4.11),
    not Bootstrap's pale halo."""
    page.goto(portal + "/massnahmen/")
    for locator in [
        page.get_by_role("navigation", name="Hauptnavigation").get_by_role("link").first,
        page.get_by_label("Thema"),
        page.get_by_role("button", name="Filtern"),
        page.locator(".pagination a").first,
    ]:
        locator.focus()
        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Tab")  # focused by keyboard, so :focus-visible applies
        style = locator.evaluate(
            "e => [getComputedStyle(e).outlineStyle, getComputedStyle(e).outlineWidth,"
            " getComputedStyle(e).outlineColor]"
        )
        assert style == ["solid", "3px", "rgb(11, 79, 138)"], locator


@pytest.mark.parametrize("width", [1280, 360])
def test_every_offers_page_passes_axe(page, portal, workshop_date, width):
    page.set_viewport_size({"width": width, "height": 800})
    Registration.objects.create(
        event_date=workshop_date, name="Voll", email="voll@example.org", state="bestaetigt"
    )
    waiting = Registration.objects.create(
        event_date=workshop_date, name="Warte", email="warte@example.org", state="warteliste"
    )
    past = EventDate.objects.filter(title="Grundlagen").get()
    _asking, token = factories.pending_request(workshop_date)
    confirmed, confirmed_token = factories.pending_request(
        EventDate.objects.create(
            offer=workshop_date.offer,
            title="Zweiter Testtermin",
            starts_at=workshop_date.starts_at + datetime.timedelta(days=1),
        )
    )
    services.confirm_registration(confirmed_token)
    _expired, expired_token = factories.pending_request(workshop_date, hours=-1)
    for path in [
        "/angebote/",
        "/angebote/onlinekurs-digitale-buergerbeteiligung/",
        "/angebote/schreibwerkstatt-digitalstrategien/",
        "/termine/",
        "/termine/archiv/",
        workshop_date.get_absolute_url(),
        past.get_absolute_url(),
        "/kontakt/",
        waiting.get_cancel_url(),
        f"/teilnahme/{token}/bestaetigen/",
        f"/teilnahme/{confirmed_token}/bestaetigen/",
    ]:
        response = page.goto(portal + path)
        assert response.ok, (path, response.status)
        assert_accessible(page)
    # The pages that explain a dead link.
    for path, status in [
        (f"/teilnahme/{expired_token}/bestaetigen/", 410),
        ("/teilnahme/unbekannt/bestaetigen/", 404),
    ]:
        response = page.goto(portal + path)
        assert response.status == status, path
        assert_accessible(page)


def test_registered_reminded_once_marked_present_gives_feedback_once(page, portal):
    """Issue 21, 2: around a date, as a participant and an editor would meet it."""
    from tests.checkers import log_in_as_editor

    starts_at = timezone.now().replace(microsecond=0) + datetime.timedelta(days=1)
    date = EventDate.objects.create(
        offer=Offer.objects.get(slug="schreibwerkstatt-digitalstrategien"),
        title="Online-Termin",
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=2),
        access_url="https://konferenz.example.org/raum-7",
    )
    page.goto(f"{portal}/termine/{date.pk}/")
    page.get_by_label("Name").fill("Erika Musterfrau")
    page.get_by_label("E-Mail").fill("erika@example.org")
    page.get_by_label("Ich bin einverstanden").check()
    page.locator("main").get_by_role("button", name="Teilnahme beantragen", exact=True).click()
    page.goto(re.search(r"http\S+/bestaetigen/", mail.outbox[-1].body).group(0))
    page.get_by_role("button", name="Teilnahme bestätigen").click()
    expect(page.get_by_role("heading", name="Teilnahme bestätigt")).to_be_visible()
    assert "konferenz.example.org" not in page.content()

    # The reminder arrives once, with the access link.
    mail.outbox.clear()
    assert services.send_date_reminders() == 1
    assert services.send_date_reminders() == 0
    [reminder] = mail.outbox
    assert "https://konferenz.example.org/raum-7" in reminder.body

    # After the date the editor marks Erika present in the list of registrations.
    EventDate.objects.filter(pk=date.pk).update(
        starts_at=starts_at - datetime.timedelta(days=2),
        ends_at=starts_at - datetime.timedelta(days=2) + datetime.timedelta(hours=2),
        upcoming_until=starts_at - datetime.timedelta(days=2) + datetime.timedelta(hours=2),
    )
    log_in_as_editor(page, portal)
    page.goto(f"{portal}/admin/offers/registration/?event_date__id__exact={date.pk}")
    page.get_by_role("checkbox", name="Erika Musterfrau").check()
    page.locator("select[name=action]").select_option("mark_attended")
    page.get_by_role("button", name="Ausführen").click()
    expect(page.locator(".messagelist")).to_contain_text("1 Anmeldung markiert.")
    page.context.clear_cookies()
    [thanks] = mail.outbox[1:]
    confirmation = re.search(r"http\S+/bestaetigung/", thanks.body).group(0)
    feedback = re.search(r"http\S+/rueckmeldung/\S+/", thanks.body).group(0)

    page.goto(confirmation)
    expect(page.get_by_role("heading", name="Teilnahmebestätigung")).to_be_visible()
    expect(page.locator("main")).to_contain_text("2 Stunden")
    assert_accessible(page)

    page.goto(feedback)
    assert_accessible(page)
    page.get_by_role("group", name="Wie hilfreich war der Termin").get_by_label("5 – sehr").check()
    page.get_by_role("group", name="Wie wahrscheinlich").get_by_label("4").check()
    page.get_by_role("group", name="Wie gut war der Termin").get_by_label("3").check()
    page.get_by_role("button", name="Rückmeldung senden").click()
    expect(page.locator(".alert-success")).to_contain_text("Vielen Dank für Ihre Rückmeldung")
    assert_accessible(page)
    page.goto(feedback)  # the same link again: the thanks, no second form
    expect(page.get_by_role("button", name="Rückmeldung senden")).to_have_count(0)
