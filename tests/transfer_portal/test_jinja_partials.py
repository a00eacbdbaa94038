"""The list partials in Jinja2 (transfer_portal/lib/jinja.py): escaped like the Django
templates, translated from the same catalogues, and extracted by bin/makemessages."""

import importlib.util
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.template import engines
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from jinja2 import UndefinedError

from offers.forms import OfferFilterForm
from offers.models import EventDate, Offer
from projects.forms import InsightFilterForm, MeasureFilterForm, ProjectFilterForm
from projects.models import Measure, ModelProject
from transfer_portal.lib.jinja import macro

ROOT = Path(settings.BASE_DIR)
JINJA_DIR = ROOT / "templates" / "jinja2"


def _jinja_messages():
    spec = importlib.util.spec_from_file_location(
        "jinja_messages", ROOT / "bin" / "jinja_messages.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _render(source, **context):
    return engines["django"].from_string("{% load macros %}" + source).render(context)


def _messages():
    """(function, message) of every translatable string in templates/jinja2/."""
    env = engines["jinja2"].env
    for path in sorted(JINJA_DIR.rglob("*.html")):
        for _line, function, message in env.extract_translations(path.read_text("utf-8")):
            yield path.name, function, message


def test_the_partials_have_strings_to_translate():
    assert len(list(_messages())) >= 15


@pytest.mark.parametrize("name, function, message", list(_messages()), ids=str)
def test_every_string_of_the_partials_has_a_german_translation(name, function, message):
    parts = message if isinstance(message, tuple) else (message,)
    # Looked up in the German catalogue rather than compared with the msgid: some words are
    # the same in German ("Dimension").
    if function == "pgettext":
        key = f"{parts[0]}\x04{parts[1]}"
    elif function == "ngettext":
        key = (parts[0], 0)
    else:
        key = parts[0]
    catalog = translation.trans_real.translation("de")._catalog
    assert catalog.get(key), f"{name}: {parts!r} is not translated"


def test_bin_jinja_messages_writes_calls_that_xgettext_reads(tmp_path):
    (tmp_path / "items.html").write_text(
        '{{ _("Draft") }} {% trans trimmed n=x %}One\n  item{% pluralize n %}{{ n }} items'
        '{% endtrans %} {{ pgettext("after a time of day", "o’clock") }}',
        "utf-8",
    )
    assert list(_jinja_messages().calls(tmp_path)) == [
        "# items.html",
        "gettext('Draft')",
        "ngettext('One item', '%(n)s items', 2)",
        "pgettext('after a time of day', 'o’clock')",
    ]


def test_a_missing_directory_gives_no_calls_and_bin_makemessages_uses_the_script():
    script = (ROOT / "bin" / "makemessages").read_text("utf-8")
    assert "bin/jinja_messages.py" in script
    assert "jinja2) continue" in script  # not read a second time as Django templates


@pytest.mark.django_db
def test_content_is_escaped_once_and_marked_german_on_english_pages():
    project = ModelProject(title="Guben <script>", slug="guben", published=True)
    measure = Measure(
        project=project,
        project_title=project.title,  # as saving keeps it (projects/search_context.py)
        title='<b>"Mängelmelder"</b>',
        slug="m",
        summary="a & b",
        published=False,
    )
    html = _render(
        '{% jinja "projects/items.html" "measure_item" m show_project=True %}', m=measure
    )
    assert "&lt;b&gt;&#34;Mängelmelder&#34;&lt;/b&gt;" in html
    assert "Guben &lt;script&gt;" in html and "a &amp; b" in html
    assert "&amp;lt;" not in html and "<script>" not in html
    assert ">Entwurf</span>" in html and ' lang="de"' not in html
    with translation.override("en"):
        html = _render('{% jinja "projects/items.html" "measure_item" m %}', m=measure)
    assert '<span class="badge text-bg-warning" lang="en">Draft</span>' in html
    assert f'href="/en{measure.get_absolute_url().removeprefix("/en")}" lang="de">' in html


@pytest.mark.django_db
def test_the_waiting_list_is_counted_in_the_plural_form_of_the_language():
    offer = Offer(title="Schreibwerkstatt", slug="s", published=True)
    date = EventDate(
        offer=offer, title="Termin", capacity=1, starts_at=timezone.now() + timedelta(days=9)
    )
    date.confirmed_count, date.waiting_count = 1, 2
    for language, expected in (
        ("de", "Ausgebucht – 2 Personen"),
        ("en", "Fully booked – 2 people"),
    ):
        with translation.override(language):
            html = _render('{% jinja "offers/dates.html" "date_status" d %}', d=date)
        assert expected in html


def test_a_name_a_macro_does_not_know_is_an_error():
    with pytest.raises(UndefinedError):
        engines["jinja2"].from_string("{{ unknown_name }}").render()


def _whitespace_folded(html):
    """Markup with the whitespace around tags dropped and other runs of it made one space:
    what crispy's templates indent does not change what a browser shows."""
    return re.sub(r"\s*(<[^>]+>)\s*", r"\1", re.sub(r"\s+", " ", str(html))).strip()


FILTER_FORMS = {
    "model projects": lambda data: ProjectFilterForm(data),
    "measures": lambda data: MeasureFilterForm(data, user=AnonymousUser()),
    "lessons": lambda data: InsightFilterForm(data, user=AnonymousUser()),
    "offers": lambda data: OfferFilterForm(data, editor=False),
}
UNKNOWN = dict.fromkeys(
    ["thema", "kommune", "projekt", "status", "art", "phase", "kosten", "quelloffen", "groesse"],
    "gibt-es-nicht",
)


@pytest.mark.parametrize("language", ["de", "en"])
@pytest.mark.parametrize("data", [{}, "chosen", UNKNOWN], ids=["empty", "chosen", "unknown"])
@pytest.mark.parametrize("form", FILTER_FORMS)
def test_a_filter_select_shows_what_crispy_would(seeded, form, data, language):
    crispy = engines["django"].from_string(
        "{% load crispy_forms_tags %}{{ field|as_crispy_field }}"
    )
    if data == "chosen":  # the first topic the list offers
        data = {
            "thema": next(
                value for value, _ in FILTER_FORMS[form]({}).fields["thema"].choices if value
            )
        }
    with translation.override(language):
        ours, theirs = FILTER_FORMS[form](data), FILTER_FORMS[form](data)
        assert ours.is_valid() == theirs.is_valid() == (data is not UNKNOWN)
        for name in ours.fields:
            html = macro("includes/forms.html", "filter_select")(ours[name])
            expected = crispy.render({"field": theirs[name]})
            assert _whitespace_folded(html) == _whitespace_folded(expected), name
            assert ("is-invalid" in html) == (data is UNKNOWN)


@pytest.mark.parametrize(
    "text",
    [
        "Erste Zeile <b>fett</b>\n\nZweiter Absatz & mehr",
        mark_safe("Erste Zeile <b>fett</b>\n\nZweiter Absatz & mehr"),  # noqa: S308
        " ".join(f"Wort{n}" for n in range(60)),
    ],
)
def test_remembered_text_filters_give_what_django_gives(text):
    """linebreaks and truncatewords are remembered by text: a text marked safe and the same
    text unmarked are different texts (one keeps its markup), each time."""
    env = engines["jinja2"].env
    for _ in range(2):
        for other in (str(text), text):
            shown = env.from_string("{{ t|linebreaks }}|{{ t|truncatewords(40) }}").render(t=other)
            django = (
                engines["django"]
                .from_string("{{ t|linebreaks }}|{{ t|truncatewords:40 }}")
                .render({"t": other})
            )
            assert shown == django
