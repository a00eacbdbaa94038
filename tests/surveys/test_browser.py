"""A municipality answers the open survey in a real browser, with axe-core on each page."""

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from surveys.models import Response
from tests.checkers import assert_accessible, log_in_as_editor
from tests.surveys import factories as survey_factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SAMPLE = "Folgeumfrage zum Smart-City-Transfer (Testdaten)"
INTERESTS = "Welche Aspekte der Projekte"


@pytest.fixture
def portal(live_server, municipality):
    from django.core.management import call_command

    from surveys.local_demo import load_sample_survey

    call_command("load_initial_content", verbosity=0)
    load_sample_survey()
    survey_factories.participant(municipality, "browser@example.org")
    return live_server.url


def log_in(page, portal):
    page.goto(portal + "/konto/login/")
    page.get_by_label("E-Mail").fill("browser@example.org")
    page.get_by_label("Passwort").fill("test-passwort-123")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()


def question(page, text):
    return page.get_by_role("group", name=re.compile(re.escape(text)))


def test_participant_saves_a_draft_comes_back_and_submits(page, portal, mailoutbox):
    log_in(page, portal)
    page.goto(portal + "/umfragen/")
    assert_accessible(page)
    page.get_by_role("link", name=SAMPLE).click()
    page.get_by_role("link", name="Umfrage beantworten").wait_for()
    assert_accessible(page)
    page.get_by_role("link", name="Umfrage beantworten").click()
    page.wait_for_url("**/teilnehmen/")
    assert_accessible(page)

    # Submitting the empty form shows the errors, linked to their questions.
    page.get_by_role("button", name="Abgeben", exact=True).click()
    summary = page.get_by_role("alert")
    assert "Bitte korrigieren Sie die markierten Angaben" in summary.inner_text()
    expect(summary).to_be_focused()  # keyboard and screen-reader users start there
    assert_accessible(page)
    assert not Response.objects.exists()

    topics = question(page, INTERESTS)
    topics.get_by_label("Partizipation").check()
    topics.get_by_label("Mobilität").check()
    page.get_by_role("button", name="Zwischenspeichern").click()
    page.get_by_text("Ihr Entwurf wurde gespeichert.").wait_for()
    assert_accessible(page)
    assert Response.objects.get().state == Response.State.DRAFT

    # Later: back via the survey page, the draft is there.
    page.goto(portal + "/umfragen/")
    page.get_by_role("link", name=SAMPLE).click()
    page.get_by_role("link", name="Weiter beantworten").click()
    topics = question(page, INTERESTS)
    assert topics.get_by_label("Partizipation").is_checked()
    assert topics.get_by_label("Mobilität").is_checked()
    assert not topics.get_by_label("Bildung").is_checked()

    question(page, "Auf welchen Wegen").get_by_label("Online-Workshops").check()
    question(page, "Wo stehen Sie").get_by_label(
        "Wir sammeln erste Ideen und Informationen."
    ).check()
    page.get_by_label("Ihre Antwort").fill("Ländliche Nahversorgung")
    page.get_by_role("button", name="Abgeben", exact=True).click()
    page.get_by_text("Vielen Dank! Die Antworten für Musterstadt wurden abgegeben.").wait_for()
    expect(page.get_by_role("button", name="Änderungen abgeben")).to_be_visible()
    assert_accessible(page)

    response = Response.objects.get()
    assert response.is_submitted
    assert sorted(c.label for a in response.answers.all() for c in a.choices.all()) == [
        "Mobilität",
        "Online-Workshops",
        "Partizipation",
        "Wir sammeln erste Ideen und Informationen.",
    ]
    assert len(mailoutbox) == 1


def test_new_participant_chooses_the_municipality_on_a_small_screen(page, live_server, seeded):
    from tests import factories

    factories.user("neu@example.org")
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(live_server.url + "/konto/login/?next=/umfragen/kommune-waehlen/")
    page.get_by_label("E-Mail").fill("neu@example.org")
    page.get_by_label("Passwort").fill("test-passwort-123")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/kommune-waehlen/")
    assert_accessible(page)
    page.get_by_label("Name Ihrer Kommune").fill("Belzig")
    page.get_by_role("button", name="Suchen").click()
    page.get_by_label(re.compile("Bad Belzig")).check()
    page.get_by_role("button", name="Diese Kommune wählen").click()
    page.get_by_text("Sie können antworten, sobald sie bestätigt ist").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") == 0
    assert_accessible(page)


def test_sign_up_wait_for_a_colleague_then_answer(page, browser, portal, municipality, mailoutbox):
    """A new municipal employee creates an account, chooses the municipality, sees the
    questions while the link is pending; a colleague confirms from the e-mail; then the
    newcomer answers."""
    page.goto(portal + "/konto/signup/?next=/umfragen/")
    page.locator("#id_email").fill("neuling@example.org")
    page.locator("#id_password1").fill("ein-langes-passwort-42")
    page.locator("#id_password2").fill("ein-langes-passwort-42")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    [confirm_mail] = [m for m in mailoutbox if "neuling@example.org" in m.to]
    [confirm_link] = re.findall(r"https?://\S+/konto/confirm-email/\S+", confirm_mail.body)
    page.goto(portal + urlsplit(confirm_link).path)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()

    page.goto(portal + "/umfragen/kommune-waehlen/")
    assert_accessible(page)
    search = page.get_by_role("search", name="Ihre Kommune suchen")
    search.get_by_label("Name Ihrer Kommune").fill("Muster")
    search.get_by_role("button", name="Suchen").click()
    page.get_by_label("Musterstadt").check()
    page.get_by_role("button", name="Diese Kommune wählen").click()
    page.goto(portal + "/umfragen/folgeumfrage-testdaten/teilnehmen/")
    page.get_by_text("wartet auf Bestätigung").first.wait_for()
    expect(page.get_by_role("button", name="Abgeben", exact=True)).to_have_count(0)
    expect(question(page, INTERESTS).get_by_label("Partizipation")).to_be_disabled()
    assert_accessible(page)

    # The colleague's one-click link (its host is SITE_URL, its path the portal's).
    [ask] = [m for m in mailoutbox if m.to == ["browser@example.org"]]
    [link] = re.findall(r"/umfragen/ihre-kommune/anfrage/\S+/", ask.body)
    colleague = browser.new_page()
    log_in(colleague, portal)  # the colleague's list shows the request, too
    colleague.goto(portal + "/umfragen/ihre-kommune/")
    expect(colleague.get_by_text("neuling@example.org")).to_be_visible()
    assert_accessible(colleague)
    colleague.goto(portal + link)
    assert_accessible(colleague)
    colleague.get_by_role("button", name="Bestätigen").click()
    colleague.get_by_role("heading", name="Anfrage bestätigt").wait_for()
    assert_accessible(colleague)
    colleague.close()

    page.reload()
    question(page, INTERESTS).get_by_label("Partizipation").check()
    page.get_by_role("button", name="Zwischenspeichern").click()
    page.get_by_text("Ihr Entwurf wurde gespeichert.").wait_for()
    assert "von: neuling@example.org" in page.content()
    assert Response.objects.get().municipality == municipality
    page.get_by_role("link", name=re.compile("Verlauf: 1 gespeicherte Fassung")).click()
    page.get_by_role("heading", name="Verlauf der Antworten").wait_for()
    page.get_by_text("1 Antwort").click()  # opens the version's answers
    expect(page.get_by_text("Partizipation")).to_be_visible()
    assert_accessible(page)
    page.goto(portal + "/konto/profil/")
    expect(page.get_by_text("Sie beantworten Umfragen für")).to_be_visible()
    assert_accessible(page)


def test_question_titles_sit_inside_their_box_on_a_small_screen(page, portal):
    """A legend drawn into the fieldset's border is crossed by that border once it wraps
    over several lines at 360 px; the question title belongs inside the box."""
    page.set_viewport_size({"width": 360, "height": 800})
    log_in(page, portal)
    page.goto(portal + "/umfragen/folgeumfrage-testdaten/teilnehmen/")
    outside = page.evaluate(
        """() => [...document.querySelectorAll('fieldset')].filter(box => {
            const legend = box.querySelector('legend').getBoundingClientRect();
            const frame = box.getBoundingClientRect();
            return legend.top < frame.top + parseFloat(getComputedStyle(box).borderTopWidth);
        }).length"""
    )
    assert outside == 0
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") == 0
    assert_accessible(page)


def test_the_field_for_other_appears_when_other_is_ticked(page, portal):
    log_in(page, portal)
    page.goto(portal + "/umfragen/folgeumfrage-testdaten/teilnehmen/")
    topics = question(page, INTERESTS)
    other_text = topics.get_by_role("textbox")
    expect(other_text).to_be_hidden()
    topics.get_by_label("Sonstiges", exact=True).check()
    expect(other_text).to_be_visible()
    topics.get_by_label("Sonstiges", exact=True).uncheck()
    expect(other_text).to_be_hidden()
    # Text typed in stays in sight when "Other" is unticked: it would be sent all the same.
    topics.get_by_label("Sonstiges", exact=True).check()
    other_text.fill("Ländliche Nahversorgung")
    topics.get_by_label("Sonstiges", exact=True).uncheck()
    expect(other_text).to_be_visible()
    assert_accessible(page)


def test_the_admin_shows_a_questions_settings_for_its_kind(page, portal):
    log_in_as_editor(page, portal)
    page.goto(portal + "/admin/surveys/survey/add/")
    page.get_by_role("button", name=re.compile("Frage hinzufügen")).click()  # a new inline form
    new = page.locator(".inline-related.dynamic-questions").last
    maximum, scale_label = (
        new.locator("#id_questions-0-max_choices"),
        new.locator("#id_questions-0-scale_min_label"),
    )
    expect(maximum).to_be_visible()  # no kind yet: everything
    new.locator("#id_questions-0-kind").select_option("skala")
    expect(maximum).to_be_hidden()
    expect(scale_label).to_be_visible()
    expect(new.locator("#id_questions-0-min_value")).to_be_hidden()
    new.locator("#id_questions-0-kind").select_option("mehrfach")
    expect(maximum).to_be_visible()
    expect(new.locator("#id_questions-0-allow_other")).to_be_visible()
    expect(new.locator("#id_questions-0-max_length")).to_be_visible()  # for "Other"
    expect(scale_label).to_be_hidden()

    # A question's own page: the kind it has is applied when the page opens.
    question = survey_factories.question(survey_factories.survey(), "zahl", min_value=1)
    page.goto(portal + f"/admin/surveys/question/{question.pk}/change/")
    expect(page.locator("#id_min_value")).to_be_visible()
    expect(page.locator("#id_max_choices")).to_be_hidden()
    expect(page.locator("#id_scale_max_label")).to_be_hidden()


def test_visitor_breaks_the_results_down_by_segment(page, live_server):
    from projects.models import Municipality
    from tests import factories

    survey, questions = survey_factories.full_survey()
    yes = questions["single"].choices.first()
    for name, answered in (("Uckermark", 9), ("Barnim", 6)):
        landkreis = factories.municipality(name=name, kind=Municipality.Kind.DISTRICT)
        for _ in range(answered):
            survey_factories.response(
                survey,
                factories.municipality(district=landkreis),
                answers={questions["single"]: [yes]},
            )
    survey_factories.response(survey, answers={questions["single"]: [yes]})  # no Landkreis
    page.goto(live_server.url + f"/umfragen/{survey.slug}/ergebnisse/")
    page.get_by_role(
        "link", name="Ergebnisse nach Landkreis, Art der Kommune und Größenklasse"
    ).click()
    table = page.get_by_role("region", name="Tabelle zu Frage 1").get_by_role("table")
    # Uckermark's 9 shown; the one municipality without Landkreis "weniger als 5", and
    # Barnim's 6 hidden too, or 16 − 9 would give that one away.
    expect(table.get_by_role("row", name="Uckermark")).to_contain_text("9")
    expect(table.get_by_role("row", name="ohne Landkreis")).to_contain_text("weniger als 5")
    expect(table.get_by_role("row", name="Barnim")).to_contain_text("ausgeblendet")
    expect(table.get_by_role("row", name="Barnim")).not_to_contain_text("6")
    assert_accessible(page)
    page.get_by_label("Aufschlüsseln nach").select_option(label="Größenklasse")
    page.get_by_role("button", name="Anzeigen").click()
    page.wait_for_url("**nach=groesse")
    expect(page.get_by_role("columnheader", name="Größenklasse").first).to_be_visible()
    page.set_viewport_size({"width": 360, "height": 800})
    assert_accessible(page)


def test_editor_follows_the_responses_and_reminds_once(page, live_server, mailoutbox):
    from projects.models import Municipality
    from tests import factories

    survey, _questions = survey_factories.full_survey()
    landkreis = factories.municipality(name="Oberhavel", kind=Municipality.Kind.DISTRICT)
    waiting = factories.municipality(name="Oranienburg", district=landkreis)
    survey_factories.participant(waiting, "oranienburg@example.org")
    log_in_as_editor(page, live_server.url)
    page.goto(live_server.url + f"/umfragen/{survey.slug}/ergebnisse/")
    page.get_by_role("link", name="Rücklauf und Erinnerungen").click()
    rows = page.get_by_role("region", name="Kommunen und ihr Stand").get_by_role("row")
    expect(rows.filter(has_text="Oranienburg")).to_contain_text("nicht begonnen")
    assert_accessible(page)
    page.get_by_role("button", name="Erinnerung senden").click()
    expect(page.get_by_text("Die Erinnerung geht an 1 Person in 1 Kommune.")).to_be_visible()
    expect(page.get_by_text("die nächste ist möglich ab")).to_be_visible()
    expect(page.get_by_role("button", name="Erinnerung senden")).to_have_count(0)
    assert [mail.to for mail in mailoutbox] == [["oranienburg@example.org"]]
    page.set_viewport_size({"width": 360, "height": 800})
    assert_accessible(page)


def test_member_rates_and_sees_the_profile_against_peers(page, live_server):
    from tests.surveys.test_self_assessment import peers, rate
    from tests.surveys.test_self_assessment import setup as make_setup

    data = make_setup.__wrapped__()
    peers(data, 4, in_barnim=True)
    peers(data, 2, in_barnim=False)
    page.goto(live_server.url + "/konto/login/")
    page.get_by_label("E-Mail").fill("musterstadt@example.org")
    page.get_by_label("Passwort").fill("test-passwort-123")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    page.goto(live_server.url + f"/umfragen/{data['survey'].slug}/teilnehmen/")
    for dimension, today, target in (
        ("Daten", "Fortgeschritten", "Vorreiter"),
        ("Beteiligung", "Noch nicht begonnen", "Fortgeschritten"),
        ("Verwaltung digital", "Erste Schritte", "Erste Schritte"),
    ):
        page.get_by_label(f"Heute: {dimension}").select_option(label=today)
        page.get_by_label(f"Ziel in 2–3 Jahren: {dimension}").select_option(label=target)
    assert_accessible(page)
    page.get_by_role("button", name="Abgeben", exact=True).click()
    page.get_by_role("link", name="Ihre Selbsteinschätzung im Vergleich").click()
    expect(page.get_by_role("img", name="Netzdiagramm der Selbsteinschätzung")).to_be_visible()
    table = page.get_by_role("region", name="Selbsteinschätzung je Dimension")
    expect(table.get_by_role("row", name="Beteiligung")).to_contain_text("Noch nicht begonnen")
    expect(table).to_contain_text("Median heute: ganz Brandenburg")
    expect(table).not_to_contain_text("Landkreis Barnim")
    expect(page.get_by_text("Weniger als 5 andere Kommunen dieser Gruppe")).to_be_visible()
    heading = page.get_by_role("heading", name="Wo Sie weiterkommen können")
    further = page.locator("section", has=heading)
    expect(further.get_by_role("link", name="Beteiligungsplattform")).to_be_visible()
    expect(further.get_by_role("link", name="Online-Kurs Beteiligung")).to_be_visible()
    assert_accessible(page)

    peers(data, 1, in_barnim=True)  # the fifth other municipality of the Landkreis
    page.reload()
    expect(table).to_contain_text("Median heute: Landkreis Barnim")
    page.set_viewport_size({"width": 360, "height": 800})
    assert_accessible(page)
    assert rate  # (imported with the fixture's helpers)
