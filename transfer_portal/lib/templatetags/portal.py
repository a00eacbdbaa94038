import json
import re

from django import template
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.serializers.json import DjangoJSONEncoder
from django.http import QueryDict
from django.urls import Resolver404, resolve, reverse, translate_url
from django.utils import translation
from django.utils.formats import date_format, time_format
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import pgettext

from transfer_portal.lib.content_language import mark
from transfer_portal.lib.local_paths import is_local_path

register = template.Library()

# What json_script() escapes, so that no text in the data can end the <script> element or
# open a comment in it. Django keeps its table private and json_script() writes
# type="application/json"; a JSON-LD block needs its own type.
JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


# HTML's ASCII whitespace, which a browser collapses in a <title> (not the no-break space).
ASCII_WHITESPACE = re.compile(r"[ \t\n\f\r]+")


@register.filter(is_safe=True)
def squash(value):
    """The text with each run of ASCII whitespace as one space and none at either end: how a
    browser shows a <title>. A page's title block may then break over template lines."""
    return ASCII_WHITESPACE.sub(" ", str(value)).strip(" ")


@register.filter
def startswith(value, prefix):
    """True if the value starts with the prefix, e.g. to mark the current section."""
    return bool(prefix) and str(value).startswith(str(prefix))


@register.filter
def content(value):
    """German content inside a translated sentence: marked lang="de" on pages in another
    language (transfer_portal/content_language.py)."""
    return mark(value)


@register.simple_tag(takes_context=True)
def language_url(context, language_code):
    """The current page's address in another interface language (/en/… for English).

    Always a path on this host: where the address is not one (a 404 for "//evil.example/",
    which a browser reads as another host, as it does "/\\evil.example" and "////…"), or
    would not be one in the other language, the link leads to that language's home page."""
    request = context.get("request")
    if request is None:
        return _home(language_code)
    # Split by hand: urlsplit() reads "//evil.example/" as a host and a path.
    path, _sep, query_string = request.get_full_path().partition("?")
    if not is_local_path(path):
        return _home(language_code)
    path = _in_language(path, language_code)
    if not is_local_path(path):
        return _home(language_code)
    query = QueryDict(query_string, mutable=True)
    # Where a login leads afterwards is a page of the portal: in the chosen language too.
    # Anything else is dropped (allauth would not follow it anyway).
    if "next" in query:
        target = query.get("next")
        target = _in_language(target, language_code) if is_local_path(target) else ""
        if is_local_path(target):
            query["next"] = target
        else:
            del query["next"]
    if not query:
        return path
    return f"{path}?{query.urlencode(safe='/')}"


def _home(language_code):
    with translation.override(language_code):
        return reverse("home")


def _in_language(path, language_code):
    translated = translate_url(path, language_code)
    if translated != path:
        return translated
    try:
        resolve(path)
    except Resolver404:
        # No page here (a 404): translate_url() keeps the address; move its language prefix.
        default = settings.LANGUAGE_CODE
        codes = [code for code, _name in settings.LANGUAGES if code != default]
        for code in codes:
            if path == f"/{code}" or path.startswith(f"/{code}/"):
                path = path[len(code) + 1 :] or "/"
                break
        return path if language_code == default else f"/{language_code}{path}"
    return translated


@register.filter
def jsonld(value):
    """A JSON-LD data block (not executed, so the CSP does not concern it), safely escaped."""
    data = json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False).translate(
        JSON_SCRIPT_ESCAPES
    )
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(data))  # noqa: S308


@register.simple_tag
def list_title(form=None, listing=None):
    """What a list page's <title> adds to the list's name: the chosen filters and the page
    ("– Thema: Mobilität, Modellprojekt: Cottbus – Seite 2 von 5"), so that the title
    tells one filtered page from another (WCAG 2.4.2). Nothing for an invalid filter."""
    parts = []
    if form is not None and form.is_bound and form.is_valid():
        chosen = [
            f"{form[name].label}: {_chosen_label(form.fields[name], value)}"
            for name, value in form.cleaned_data.items()
            if value
        ]
        if chosen:
            parts.append(", ".join(chosen))
    if listing is not None:
        page = listing["page"]
        if page.paginator.num_pages > 1:
            parts.append(
                pgettext("title", "Page %(number)s of %(pages)s")
                % {"number": page.number, "pages": page.paginator.num_pages}
            )
    return "".join(f" – {part}" for part in parts)


def _chosen_label(field, value):
    """A choice's label ("Umgesetzt"), not its value ("umgesetzt"); an object's name."""
    if isinstance(value, str):
        return str(dict(field.choices).get(value, value))
    return str(value)


@register.filter
def claim_error_summary(form):
    """True the first time it is asked for a form with errors, then False: allauth pages
    pass one form to several elements (two forms on /konto/email/, or the fields only),
    and its error summary belongs on the page once."""
    if form is None or not getattr(form, "errors", None):
        return False
    if getattr(form, "_error_summary_claimed", False):
        return False
    form._error_summary_claimed = True
    return True


@register.filter
def claim_required_note(form):
    """True the first time it is asked for a form with a visible required field, then
    False: the note on what * means stands once per form, however many templates render
    parts of it (allauth's form and fields elements, /konto/email/'s two forms)."""
    if form is None or getattr(form, "_required_note_claimed", False):
        return False
    if not any(field.field.required for field in form.visible_fields()):
        return False
    form._required_note_claimed = True
    return True


@register.filter
def has_field_errors(form):
    """Whether a field is marked, not only the form as a whole (a wrong password, a limit)."""
    return any(name != NON_FIELD_ERRORS for name in form.errors)


@register.filter(needs_autoescape=True)
def break_after(value, characters, autoescape=True):
    """Allow a line break (<wbr>) after each of the characters, e.g. after the "_" of a
    long field name, instead of overflowing (e-mail addresses: email_display)."""
    text = conditional_escape(value) if autoescape else str(value)
    for character in characters:
        escaped = conditional_escape(character)
        text = text.replace(escaped, escaped + "<wbr>")
    return mark_safe(text)  # noqa: S308 - escaped above


def oclock_word():
    # English has no word after a time of day ("10 a.m.", "noon"): the untranslated
    # msgid comes back there and is left out.
    word = pgettext("after a time of day", "o’clock")
    return "" if word == "o’clock" else word


@register.simple_tag
def oclock():
    """The word after a time of day in the current language: "Uhr" in German, nothing in
    English. `{% oclock as clock %}{% if clock %}&nbsp;{{ clock }}{% endif %}`"""
    return oclock_word()


@register.filter(expects_localtime=True)
def date_and_time(value):
    """A moment in the current language's date and time formats, the time kept together
    with its "Uhr": "9. März 2027, 12:00 Uhr" / "March 9, 2027, noon"."""
    if not value:
        return ""
    text = f"{date_format(value, 'DATE_FORMAT')}, {time_format(value, 'TIME_FORMAT')}"
    word = oclock_word()
    return f"{text}\N{NO-BREAK SPACE}{word}" if word else text


@register.filter
def unless_all_named_in(objects, text):
    """The objects, or nothing if the text already names every one of them, e.g. the
    municipalities of a model project whose title is "Guben" or "Bad Belzig & Wiesenburg/
    Mark – Zukunftsschusterei": a card need not repeat them under the title."""
    objects = list(objects)
    if all(str(getattr(obj, "name", obj)) in str(text) for obj in objects):
        return []
    return objects


@register.filter
def email_display(address):
    """An e-mail address that may wrap only after its "@": a break at the "-" of
    "digital-agentur.de" would look like part of the address."""
    local, at, domain = str(address).rpartition("@")
    if not at:
        return address
    return format_html(
        '<span class="text-nowrap">{}@</span><wbr><span class="text-nowrap">{}</span>',
        local,
        domain,
    )
