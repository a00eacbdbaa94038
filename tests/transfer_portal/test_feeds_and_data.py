"""Atom feeds, sitemap.xml, robots.txt and the open-data downloads."""

import csv
import io
import json
import re

import feedparser
import pytest
from django.contrib.auth import get_user_model
from django.utils.formats import date_format
from django.utils.timezone import localtime

from offers.models import Contact, Registration
from surveys.models import Question
from tests import factories
from tests.offers import factories as offer_factories
from tests.surveys import factories as survey_factories

pytestmark = pytest.mark.django_db


def test_new_content_feed_is_valid_atom_with_links_back(client, seeded):
    response = client.get("/feeds/neu.atom")
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    titles = [entry.title for entry in feed.entries]
    assert any(title.startswith("Maßnahme: ") for title in titles)
    assert any(title.startswith("Angebot: ") for title in titles)
    assert all(entry.link.startswith("http") for entry in feed.entries)
    assert feed.feed.author == "DigitalAgentur Brandenburg"  # RFC 4287 §4.1.1


def test_feed_summaries_are_the_editors_text_escaped_with_its_paragraphs(client, db):
    factories.measure(
        title="Spitze Klammern", summary="Kosten < 5 % & <b>fett</b>\n\nZweiter Absatz"
    )
    feed = feedparser.parse(client.get("/feeds/neu.atom").content)
    entry = next(e for e in feed.entries if "Spitze Klammern" in e.title)
    assert entry.summary_detail.type == "text/html"
    assert entry.summary == (
        "<p>Kosten &lt; 5 % &amp; &lt;b&gt;fett&lt;/b&gt;</p>\n\n<p>Zweiter Absatz</p>"
    )


def test_topic_feed_has_only_that_topics_content(client, db):
    topic, other = factories.topic(), factories.topic()
    factories.measure(topics=[topic], title="Auf dem Thema")
    factories.measure(topics=[other], title="Woanders")
    factories.measure(topics=[topic], title="Unveröffentlicht", published=False)
    offer_factories.offer(topics=[topic], title="Passendes Angebot")
    feed = feedparser.parse(client.get(f"/feeds/themen/{topic.slug}.atom").content)
    assert not feed.bozo
    titles = {entry.title for entry in feed.entries}
    assert any("Auf dem Thema" in title for title in titles)
    assert any("Passendes Angebot" in title for title in titles)
    assert not any("Woanders" in t or "Unveröffentlicht" in t for t in titles)
    assert client.get("/feeds/themen/gibt-es-nicht.atom").status_code == 404


def _sitemap_paths(client):
    xml = client.get("/sitemap.xml").content.decode()
    return {re.sub(r"^https?://[^/]+", "", url) for url in re.findall(r"<loc>([^<]+)</loc>", xml)}


def test_sitemap_lists_every_published_page_and_no_unpublished_one(client, seeded):
    draft_project = factories.project(published=False)
    draft_measure = factories.measure(published=False)
    hidden_offer = offer_factories.offer(published=False)
    hidden_date = offer_factories.event_date(hidden_offer)
    draft_survey = survey_factories.survey(published=False)
    paths = _sitemap_paths(client)
    for path in [
        "/",
        "/modellprojekte/cottbus/",
        "/massnahmen/cottbus-energiemonitoring/",
        "/themen/mobilitaet/",
        "/erkenntnisse/",
        "/impressum/",
        "/daten/",
        "/angebote/",
        "/termine/",
        "/kontakt/",
        "/umfragen/",
        "/en/modellprojekte/cottbus/",
    ]:
        assert path in paths, path
    for obj in [draft_project, draft_measure, hidden_offer, hidden_date, draft_survey]:
        assert obj.get_absolute_url() not in paths
    from offers.models import Offer
    from projects.models import Measure, ModelProject
    from surveys.models import Survey

    for model in (ModelProject, Measure, Offer, Survey):
        for obj in model.objects.published():
            assert obj.get_absolute_url() in paths, obj


def test_robots_txt_points_to_the_sitemap(client, db):
    text = client.get("/robots.txt").content.decode()
    assert "Disallow: /admin/" in text
    assert "Sitemap: " in text and text.strip().endswith("/sitemap.xml")


def test_open_data_page_describes_fields_and_embeds_dcat_metadata(client, seeded):
    html = client.get("/daten/").content.decode()
    assert "CC BY 4.0" in html
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    catalog = json.loads(block.group(1))
    assert catalog["@type"] == "dcat:Catalog"
    assert len(catalog["dcat:dataset"]) == 5
    assert all(len(d["dcat:distribution"]) == 2 for d in catalog["dcat:dataset"])


@pytest.mark.parametrize(
    "slug", ["modellprojekte", "massnahmen", "erkenntnisse", "nachnutzungen", "umfrageergebnisse"]
)
def test_every_dataset_downloads_as_csv_and_json(client, seeded, slug):
    csv_response = client.get(f"/daten/{slug}.csv")
    assert csv_response.status_code == 200
    header = next(csv.reader(io.StringIO(csv_response.content.decode())))
    assert header
    data = json.loads(client.get(f"/daten/{slug}.json").content)
    assert data["lizenz"] == "https://creativecommons.org/licenses/by/4.0/"


def test_downloads_carry_their_licence_and_may_be_read_by_other_sites(client, seeded, settings):
    settings.PAGE_CACHE_SECONDS = 60  # the headers must survive the page cache too
    for round_ in ("miss", "hit"):  # the second from the page cache
        for fmt in ("csv", "json"):
            response = client.get(f"/daten/massnahmen.{fmt}")
            assert response["X-Page-Cache"] == round_
            assert (
                response["Link"] == '<https://creativecommons.org/licenses/by/4.0/>; rel="license"'
            )
            assert response["Access-Control-Allow-Origin"] == "*"


def test_csv_cells_cannot_run_as_spreadsheet_formulas_but_json_keeps_them(client, db):
    formula = '=HYPERLINK("http://evil.example/","Klick")'
    factories.measure(title="Formel", summary=formula, transfer_effort="- gering: 2 Personentage")
    rows = list(csv.DictReader(io.StringIO(client.get("/daten/massnahmen.csv").content.decode())))
    row = next(row for row in rows if row["titel"] == "Formel")
    assert "'" + formula in row.values()
    assert "'- gering: 2 Personentage" in row.values()
    data = json.loads(client.get("/daten/massnahmen.json").content)["daten"]
    assert formula in next(item for item in data if item["titel"] == "Formel").values()


def test_the_csv_for_excel_has_semicolons_a_byte_order_mark_and_defused_formulas(client, db):
    factories.measure(title="Bürgerbeteiligung", summary="=1+1")
    response = client.get("/daten/massnahmen.excel.csv")
    assert response["Content-Disposition"] == 'inline; filename="massnahmen-excel.csv"'
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")  # German Excel reads UTF-8 only with it
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    row = next(row for row in rows if row["titel"] == "Bürgerbeteiligung")
    assert "'=1+1" in row.values()
    assert "Maßnahmen als CSV für Excel" in client.get("/daten/").content.decode()


@pytest.fixture
def pinned_data(settings):
    """A measure with every awkward cell (separator, quotes, line break, formulas, umlauts)
    and a survey with counted results."""
    settings.SITE_URL = "https://transfer.example.org"
    topic = factories.topic(name="Mobilität", slug="mobilitaet")
    factories.measure(
        factories.project(title="Testprojekt", slug="testprojekt"),
        topics=[topic],
        title='Bürger; "App"',
        slug="buerger-app",
        status="in_umsetzung",
        summary="=1+1",
        description="Zeile 1\nZeile 2",
        transfer_preconditions="@Team",
        transfer_effort="- gering",
        transfer_notes="+ Tipp",
    )
    survey = survey_factories.survey("geschlossen", slug="umfrage")
    single = survey_factories.question(
        survey, Question.Kind.SINGLE, ["Ja", "Weiß nicht"], text="Digital?"
    )
    for label in ["Ja", "Ja", "Weiß nicht"]:
        survey_factories.response(survey, answers={single: [single.choices.get(label=label)]})


# The profile columns for transfer (issue 19), all empty for the pinned measure.
PROFILE_COLUMNS = (
    "ziel{s}transferphase{s}nach_foerderende_fortgefuehrt{s}investitionskosten_euro{s}"
    "investitionskosten_spanne{s}laufende_kosten_euro_pro_jahr{s}laufende_kosten_spanne{s}"
    "finanzierung{s}personal_vollzeitaequivalente{s}personal_personentage{s}dauer_monate{s}"
    "betriebsmodell{s}open_source{s}lizenz{s}code_oder_produkt{s}groessenklassen{s}"
    "voraussetzung_daten{s}voraussetzung_daten_hinweis{s}"
    "voraussetzung_infrastruktur{s}voraussetzung_infrastruktur_hinweis{s}"
    "voraussetzung_recht{s}voraussetzung_recht_hinweis{s}"
    "voraussetzung_vergabe{s}voraussetzung_vergabe_hinweis{s}"
    "voraussetzung_partner{s}voraussetzung_partner_hinweis{s}"
    "voraussetzung_beschluss{s}voraussetzung_beschluss_hinweis{s}"
)
# What the downloads wrote before the shared writer (transfer_portal/lib/spreadsheets.py),
# with the profile's columns since.
PINNED_MEASURES = (
    "slug{s}titel{s}modellprojekt{s}stand{s}zusammenfassung{s}beschreibung{s}themen{s}"
    "voraussetzungen{s}aufwand{s}hinweise{s}" + PROFILE_COLUMNS + "quellen{s}url\r\n"
    'buerger-app{s}"Bürger; ""App"""{s}testprojekt{s}in_umsetzung{s}\'=1+1{s}'
    "\"Zeile 1\nZeile 2\"{s}Mobilität{s}'@Team{s}'- gering{s}'+ Tipp{s}"
    + "{s}" * 28
    + "{s}https://transfer.example.org/massnahmen/buerger-app/\r\n"
)
PINNED_RESULTS = (
    "umfrage{s}teilnehmende_kommunen{s}frage_nr{s}frage{s}option{s}anzahl{s}anteil_prozent\r\n"
    "umfrage{s}3{s}1{s}Digital?{s}Ja{s}2{s}66{d}7\r\n"
    "umfrage{s}3{s}1{s}Digital?{s}Weiß nicht{s}1{s}33{d}3\r\n"
)


@pytest.mark.parametrize(
    ("dataset", "pinned"), [("massnahmen", PINNED_MEASURES), ("umfrageergebnisse", PINNED_RESULTS)]
)
@pytest.mark.parametrize(
    ("fmt", "separator", "decimal", "bom"),
    # German Excel reads "66.7" as text (and "12.5" as a date): a decimal comma for it.
    [("csv", ",", ".", ""), ("excel.csv", ";", ",", "\ufeff")],
)
def test_the_csv_downloads_are_byte_for_byte_as_before(
    client, pinned_data, dataset, pinned, fmt, separator, decimal, bom
):
    expected = bom + pinned.format(s=separator, d=decimal)
    assert client.get(f"/daten/{dataset}.{fmt}").content == expected.encode()


def test_unknown_dataset_or_format_is_404(client, db):
    assert client.get("/daten/nutzer.csv").status_code == 404
    assert client.get("/daten/modellprojekte.xml").status_code == 404


def test_survey_results_are_aggregated_and_exclude_free_text(client, db):
    survey, questions = survey_factories.full_survey(state="geschlossen")
    single = questions["single"]
    for _ in range(3):
        survey_factories.response(
            survey,
            answers={
                single: [single.choices.first()],
                questions["text"]: "Geheimer Freitext der Kommune",
            },
        )
    rows = list(
        csv.DictReader(io.StringIO(client.get("/daten/umfrageergebnisse.csv").content.decode()))
    )
    yes = next(r for r in rows if r["frage"] == single.text and r["option"] == "Ja")
    assert yes["anzahl"] == "3" and yes["teilnehmende_kommunen"] == "3"
    everything = client.get("/daten/umfrageergebnisse.json").content.decode()
    assert "Geheimer Freitext" not in everything
    assert Question.Kind.TEXT  # text questions contribute no rows
    assert not any(r["frage"] == questions["text"].text for r in rows)


def test_open_data_contains_no_personal_data(client, seeded):
    """Scan every file for the e-mail address and name of every user and contact person."""
    project = factories.project(
        contact_name="Erika Mustermann", contact_email="erika.mustermann@example.org"
    )
    factories.measure(project)
    factories.user("jemand@example.org", first_name="Jonas", last_name="Beispielnutzer")
    event = offer_factories.event_date()
    offer_factories.registration(event, name="Rita Registriert", email="rita@example.org")
    survey_factories.participant(email="teilnehmerin@example.org")
    secrets = set()
    for user in get_user_model().objects.all():
        secrets |= {user.email, user.get_full_name()}
    for contact in Contact.objects.all():
        secrets |= {contact.email, contact.name}
    for registration in Registration.objects.all():
        secrets |= {registration.email, registration.name}
    secrets |= {"Erika Mustermann", "erika.mustermann@example.org"}
    secrets.discard("")
    for slug in ["modellprojekte", "massnahmen", "erkenntnisse", "umfrageergebnisse"]:
        for fmt in ["csv", "json"]:
            content = client.get(f"/daten/{slug}.{fmt}").content.decode()
            for secret in secrets:
                assert secret not in content, (slug, fmt, secret)


def test_the_feed_announces_dates_still_to_come_with_their_day(client, db):
    offer = offer_factories.offer(title="Schreibwerkstatt")
    coming = offer_factories.event_date(offer, title="Vertiefung", days=10)
    offer_factories.event_date(offer, title="Längst vorbei", days=-400)
    feed = feedparser.parse(client.get("/feeds/neu.atom").content)
    titles = [entry.title for entry in feed.entries]
    day = date_format(localtime(coming.starts_at), "DATE_FORMAT")  # "12. Dezember 2026"
    assert any("Vertiefung" in title and day in title for title in titles), titles
    assert not any("Längst vorbei" in title for title in titles)


def test_a_sample_date_is_labelled_in_the_feed_and_in_its_page_title(client, db):
    offer = offer_factories.offer(title="Schreibwerkstatt")
    sample = offer_factories.event_date(offer, title="Ausprobieren", days=10, is_sample=True)
    offer_factories.event_date(offer, title="Echt", days=11)
    feed = feedparser.parse(client.get("/feeds/neu.atom").content)
    titles = {entry.title for entry in feed.entries}
    assert any(
        t.startswith("Termin: [Beispieltermin] Schreibwerkstatt – Ausprobieren") for t in titles
    )
    assert any(t.startswith("Termin: Schreibwerkstatt – Echt") for t in titles), titles
    html = client.get(sample.get_absolute_url()).content.decode()
    title = html[html.index("<title>") : html.index("</title>")]
    assert "<title>[Beispieltermin] Schreibwerkstatt – Ausprobieren, " in title
