"""WCAG 3.1.2 (language of parts): on the English interface, the portal's German content
(titles, summaries, lessons learned, survey questions, …) sits in elements marked lang="de",
so that a screen reader reads it with a German voice; the interface around it stays English.
"""

from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.db import models
from django.db.models import Value
from django.db.models.functions import Concat, Left

from offers.models import Contact, EventDate, Offer
from projects.models import (
    Insight,
    Measure,
    MeasureSource,
    ModelProject,
    Municipality,
    ProjectSource,
    Topic,
)
from surveys.models import Choice, Question, Survey
from tests import factories
from tests.offers import factories as offer_factories
from tests.surveys import factories as survey_factories
from transfer_portal.portal.models import LegalPage

pytestmark = pytest.mark.django_db

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}
VOID |= {"track", "wbr"}
# Long texts are recognised by their beginning (they may be cut short or split into
# paragraphs); shorter ones whole.
PREFIX = 30


class TextLanguages(HTMLParser):
    """Every piece of text in the body, with the language of the element it is in."""

    def __init__(self):
        super().__init__()
        self.stack = []  # (tag, lang or None)
        self.texts = []  # (lang, text)

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            return
        self.stack.append((tag, dict(attrs).get("lang")))

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                return

    def handle_data(self, data):
        tags = [tag for tag, _ in self.stack]
        if "body" not in tags or {"script", "style", "template"} & set(tags):
            return
        lang = next((lang for _, lang in reversed(self.stack) if lang), None)
        if data.strip():
            self.texts.append((lang, " ".join(data.split())))


def texts_by_language(html):
    parser = TextLanguages()
    parser.feed(html)
    root = html.split('<html lang="', 1)[1].split('"', 1)[0]
    return [(lang or root, text) for lang, text in parser.texts]


def german_content():
    """What editors wrote, as it would appear in the page's text."""
    fields = [
        (Topic, ["name", "description"]),
        (ModelProject, ["title", "motto", "summary", "description"]),
        (Measure, ["title", "summary", "description"]),
        (Insight, ["text"]),
        (Offer, ["title", "summary", "description"]),
        (EventDate, ["title", "location"]),
        (Contact, ["role", "helps_with"]),
        (Survey, ["title", "intro", "summary"]),
        (Question, ["text", "help_text"]),
        (Choice, ["label"]),
        (LegalPage, ["title", "body"]),
    ]
    content = set()
    for model, names in fields:
        for values in model.objects.values_list(*names):
            for value in values:
                value = " ".join((value or "").split("\n")[0].split())
                if len(value) >= 4:
                    content.add(value[:PREFIX])
    # Place names are proper names, not German text (some projects are called like them).
    return content - set(Municipality.objects.values_list("name", flat=True))


def unmarked(html, content):
    """German content found in text whose language is not German."""
    found = set()
    for lang, text in texts_by_language(html):
        if lang != "de":
            found |= {piece for piece in content if piece in text}
    return found


def english_pages():
    project = ModelProject.objects.filter(published=True).first()
    measure = Measure.objects.filter(published=True, project__published=True).first()
    topic = Topic.objects.first()
    offer = Offer.objects.filter(published=True, dates__isnull=False).first()
    event = EventDate.objects.filter(offer=offer).first()
    survey = Survey.objects.get(slug="kommunalumfrage-2022")
    return [
        "/en/",
        "/en/modellprojekte/",
        f"/en/modellprojekte/{project.slug}/",
        f"/en/modellprojekte/{project.slug}/frage/",
        "/en/massnahmen/",
        f"/en/massnahmen/{measure.slug}/",
        "/en/erkenntnisse/",
        "/en/themen/",
        f"/en/themen/{topic.slug}/",
        "/en/angebote/",
        f"/en/angebote/{offer.slug}/",
        "/en/termine/",
        f"/en/termine/{event.pk}/",
        "/en/termine/archiv/",
        "/en/kontakt/",
        "/en/daten/",
        f"/en/massnahmen/{measure.slug}/frage/",
        *[f"/en/{kind}/" for kind in LegalPage.Kind.values],
        "/en/umfragen/",
        f"/en/umfragen/{survey.slug}/",
        f"/en/umfragen/{survey.slug}/ergebnisse/",
        # In lower case: the visitor's own words, repeated on the page, are not content.
        "/en/suche/?q=mobilit%C3%A4t",
        "/en/suche/?q=Digitalisierung",
    ]


def test_the_parser_sees_the_language_of_each_text():
    html = (
        '<html lang="en"><head><title>Titel</title></head><body><p>Open until <span lang="de">'
        "Sommerfest</span> and <br>after</p><div lang=de><ul><li>Erkenntnis</ul></div>"
        "<script>Skript</script></body></html>"
    )
    assert texts_by_language(html) == [
        ("en", "Open until"),
        ("de", "Sommerfest"),
        ("en", "and"),
        ("en", "after"),
        ("de", "Erkenntnis"),
    ]
    assert unmarked(html, {"Sommerfest", "after", "Erkenntnis"}) == {"after"}


def test_german_content_is_marked_on_english_pages(seeded, client):
    content = german_content()
    problems = {}
    for url in english_pages():
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        found = unmarked(html, content)
        if found:
            problems[url] = sorted(found)
    assert problems == {}


def test_a_survey_form_marks_its_german_questions_on_english_pages(seeded, client):
    from surveys.local_demo import load_sample_survey

    survey = load_sample_survey()
    participant = survey_factories.participant()
    client.force_login(participant)
    url = f"/en/umfragen/{survey.slug}/teilnehmen/"
    response = client.get(url)
    assert response.status_code == 200
    content = german_content()
    assert unmarked(response.content.decode(), content) == set()
    # Sent without the required answers: the error summary names the questions.
    errors = client.post(url, {"action": "absenden"})
    assert errors.status_code == 400
    html = errors.content.decode()
    assert 'id="fehler"' in html
    assert unmarked(html, content) == set()


# Every text field an editor (or a municipality answering a survey) fills in gets this word;
# on English pages, each piece of text that shows it must be inside lang="de".
MARKER = "Zauberwort"
# Proper names: a person's, an organisation's or a place's name reads the same in English.
PROPER_NAMES = {
    "Municipality": {"name"},
    "Contact": {"name", "organisation"},
    "ModelProject": {"contact_name"},
    "Registration": {"name"},
    "Participant": {"requested_municipality"},
}
NOT_TEXT = (models.SlugField, models.EmailField, models.URLField)
# Interface words that must not end up inside content marked German.
INTERFACE = ["Draft", "Tip", "Contact person", "required", "Funding round", "Several answers"]


def _mark_every_text_field(suffix=f" {MARKER}"):
    for app in ("projects", "offers", "surveys", "transfer_portal"):
        for model in apps.get_app_config(app).get_models():
            names = [
                field.name
                for field in model._meta.concrete_fields
                if isinstance(field, (models.CharField, models.TextField))
                and not isinstance(field, NOT_TEXT)
                and not field.choices
                and field.name not in PROPER_NAMES.get(model.__name__, ())
                and field.name
                not in {"ags", "association_key", "cancel_token", "contact_phone", "phone"}
            ]
            for name in names:
                value = Concat(name, Value(suffix))
                if max_length := model._meta.get_field(name).max_length:
                    value = Left(value, max_length)  # PostgreSQL enforces the length
                model.objects.exclude(**{name: ""}).update(**{name: value})


@pytest.fixture
def content(seeded):
    """One of everything, every field filled in; the pages that show it, in English."""
    topic = factories.topic(description="Beschreibung des Themas")
    project = factories.project(
        topics=[topic],
        motto="Motto",
        summary="Zusammenfassung",
        description="Beschreibung",
        fields_of_action="Handlungsfeld",
        contact_name="Frau Muster",
        contact_role="Leitung",
        contact_email="projekt@example.org",
    )
    measure = factories.measure(
        project,
        topics=[topic],
        summary="Kurz",
        description="Lang",
        transfer_preconditions="Voraussetzungen",
        transfer_effort="Aufwand",
        transfer_notes="Hinweise",
    )
    factories.insight(project, topic, text="Erkenntnistext")
    factories.insight(project, topic, text="Erkenntnis zur Maßnahme", measure=measure)
    ProjectSource.objects.create(project=project, title="Quelle", checked_on="2026-11-28")
    MeasureSource.objects.create(measure=measure, title="Quelle", checked_on="2026-11-28")
    contact = offer_factories.contact(role="Beraterin", helps_with="Hilft bei Strategien")
    offer = offer_factories.offer(topics=[topic], contact=contact, description="Beschreibung")
    date = offer_factories.event_date(offer, location="Saal 1")
    closed, questions = survey_factories.full_survey(
        "geschlossen", topics=(topic, factories.topic()), intro="Einleitung", summary="Fazit"
    )
    Question.objects.filter(survey=closed).update(help_text="Hilfe")
    for _ in range(3):
        survey_factories.response(
            closed,
            answers={
                questions["single"]: [questions["single"].choices.first()],
                questions["multiple"]: list(questions["multiple"].choices.all()[:2]),
                questions["text"]: "Antworttext",
                questions["number"]: 5,
            },
        )
    open_survey, _questions = survey_factories.full_survey("offen", intro="Einleitung")
    _mark_every_text_field()
    pages = [
        "/",
        "/modellprojekte/",
        project.get_absolute_url(),
        f"{project.get_absolute_url()}frage/",
        f"/massnahmen/?thema={topic.slug}",
        measure.get_absolute_url(),
        f"/erkenntnisse/?thema={topic.slug}",
        "/themen/",
        topic.get_absolute_url(),
        f"/angebote/?thema={topic.slug}",
        offer.get_absolute_url(),
        "/termine/",
        date.get_absolute_url(),
        "/kontakt/",
        "/umfragen/",
        closed.get_absolute_url(),
        f"/umfragen/{closed.slug}/ergebnisse/",
        f"/suche/?q={MARKER.lower()}",  # the visitor's query, repeated, is not content
        *[f"/{kind}/" for kind in LegalPage.Kind.values],
    ]
    drafts = [project.get_absolute_url(), offer.get_absolute_url(), date.get_absolute_url()]
    return {"pages": pages, "open_survey": open_survey, "draft_pages": drafts}


def _check_marked(html):
    texts = texts_by_language(html)
    unmarked = [text for lang, text in texts if MARKER in text and lang != "de"]
    interface = [text for lang, text in texts if lang == "de" for word in INTERFACE if word in text]
    shown = any(MARKER in text for _lang, text in texts)
    return unmarked, interface, shown


def test_every_field_editors_fill_in_is_marked_on_english_pages(content, client):
    problems = {}
    for page in content["pages"]:
        response = client.get(f"/en{page}")
        assert response.status_code == 200, page
        unmarked, interface, shown = _check_marked(response.content.decode())
        assert shown, f"{page} shows none of the content"
        if unmarked or interface:
            problems[page] = {"unmarked": unmarked, "interface marked German": interface}
    assert problems == {}


def test_an_editor_sees_drafts_marked_as_well(content, editor_client):
    """Drafts carry a "Draft" badge, English inside the German heading."""
    for model in (ModelProject, Measure, Offer):
        model.objects.update(published=False)
    for page in [*content["draft_pages"], "/modellprojekte/", f"/suche/?q={MARKER.lower()}"]:
        html = editor_client.get(f"/en{page}").content.decode()
        unmarked, interface, shown = _check_marked(html)
        assert shown and (unmarked, interface) == ([], []), page
        if page in content["draft_pages"]:
            assert "Draft" in html, page


def test_the_survey_form_and_its_errors_are_marked_on_english_pages(content, client):
    client.force_login(survey_factories.participant())
    url = f"/en/umfragen/{content['open_survey'].slug}/teilnehmen/"
    for response in (client.get(url), client.post(url, {"action": "absenden"})):
        unmarked, interface, shown = _check_marked(response.content.decode())
        assert shown and (unmarked, interface) == ([], [])


def test_german_pages_carry_no_language_marks(content, client):
    """German pages keep their markup: the only lang="de" is the language switch's link,
    which only English pages show."""
    for page in content["pages"]:
        body = client.get(page).content.decode().split("<body", 1)[1]
        assert 'lang="de"' not in body, page
        assert 'lang="de"' in client.get(f"/en{page}").content.decode(), page


def test_content_with_markup_stays_escaped_in_both_languages(content, client):
    """The marking wraps content in markup of its own (the `content` filter, search titles,
    select options): what editors typed is still escaped there."""
    payload = '<script>alert(1)</script>"><img src=x onerror=alert(1)>'
    _mark_every_text_field(payload)
    for page in content["pages"]:
        for prefix in ("", "/en"):
            html = client.get(prefix + page).content.decode()
            assert "<script>alert" not in html and "<img src=x" not in html, prefix + page
            assert "&lt;script&gt;alert(1)" in html, prefix + page
