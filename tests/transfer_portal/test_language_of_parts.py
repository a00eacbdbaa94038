"""WCAG 3.1.2 (language of parts): on the English interface, the portal's German content
(titles, summaries, lessons learned, survey questions, …) sits in elements marked lang="de",
so that a screen reader reads it with a German voice; the interface around it stays English.
"""

from html.parser import HTMLParser

import pytest
from django.test import Client

from offers.models import Contact, EventDate, Offer
from projects.models import Insight, Measure, ModelProject, Municipality, Topic
from surveys.models import Choice, Question, Survey
from tests.surveys import factories as survey_factories
from transfer_portal.models import LegalPage

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
        assert any(lang == "de" for lang, _ in texts_by_language(html)), url
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


def test_german_pages_carry_no_extra_language_marks(seeded):
    html = Client().get("/themen/").content.decode()
    assert ' lang="de"' not in html.split("<body", 1)[1].replace('hreflang="de"', "").replace(
        'lang="de" hreflang', ""
    )
