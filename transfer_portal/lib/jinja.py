"""The Jinja2 side of the templates: the list partials in templates/jinja2/.

Pages, the layout and forms are Django templates. What repeats for every item of a list
(a date, a measure, an offer card, a project card, a lesson) and the small badges those
items show are Jinja2 macros, because the Django template language spends 100–300 µs on
each such item and Jinja2 less than half of that (issue 18). A Django template calls a
macro with `{% jinja "offers/dates.html" "date_items" dates=… %}`
(transfer_portal/lib/templatetags/macros.py), and so does a page that shows one badge, so
that each piece of markup is written once.

The macros see no template context: what they show comes in as arguments, and the few
values that depend on the request's language come from the globals below. Strings are
translated with Django's catalogues (`{{ _("…") }}` and `{% trans %}`, the same msgids as
in the Django templates; bin/makemessages extracts them).
"""

import functools
from typing import NamedTuple

from django.template import engines
from django.template.defaultfilters import floatformat, linebreaks_filter, truncatewords
from django.utils import timezone, translation
from django.utils.dates import WEEKDAYS
from django.utils.formats import date_format, time_format
from jinja2 import Environment, StrictUndefined

from transfer_portal.lib.content_language import lang_attribute, mark
from transfer_portal.lib.templatetags.portal import (
    date_and_time,
    email_display,
    oclock_word,
    unless_all_named_in,
)


def local_date(value, format_name="DATE_FORMAT"):
    """A moment as the `date` filter of the Django templates shows it: in local time."""
    return _local_date(value, format_name, *_formatting()) if value else ""


def local_date_and_time(value):
    """The `date_and_time` filter of the Django templates (lib/templatetags/portal.py)."""
    return _local_date(value, None, *_formatting()) if value else ""


def period(starts_at, ends_at, all_day):
    """When something takes place, for the macro `date_when` (templates/jinja2/offers/
    dates.html): each moment in local time, formatted once (as date filters, each of their
    up to six uses converted and formatted them anew)."""
    return _period(starts_at, ends_at, all_day, *_formatting())


# Formatting a moment costs 20–50 µs in Django, five times per date of a list; the same
# dates are shown again and again, so the text is remembered per moment, language and
# time zone (the arguments after the value), and forgotten when a test changes settings.
def _formatting():
    return translation.get_language(), timezone.get_current_timezone_name()


@functools.lru_cache(maxsize=4096)
def _local_date(value, format_name, _language, _zone):
    value = timezone.template_localtime(value)
    return date_format(value, format_name) if format_name else date_and_time(value)


class Moment(NamedTuple):
    day: str  # as the date filter "Y-m-d"
    iso: str  # "c"
    weekday: str  # "l"
    date: str  # "DATE_FORMAT"
    time: str  # the time filter "TIME_FORMAT"


class Period(NamedTuple):
    all_day: bool
    same_day: bool
    start: Moment
    end: Moment | None


@functools.lru_cache(maxsize=4096)
def _period(starts_at, ends_at, all_day, _language, _zone):
    start = timezone.localtime(starts_at)
    end = timezone.localtime(ends_at) if ends_at else None
    return Period(
        all_day=all_day,
        same_day=end is None or end.date() == start.date(),
        start=_moment(start),
        end=end and _moment(end),
    )


def _moment(value):
    return Moment(
        day=value.date().isoformat(),
        iso=value.isoformat(),
        weekday=str(WEEKDAYS[value.weekday()]),
        date=date_format(value, "DATE_FORMAT"),
        time=time_format(value, "TIME_FORMAT"),
    )


# Shortening a summary to 40 words and turning a lesson's text into paragraphs cost
# 10–40 µs each, for every item of every list; both depend on the text alone (and on
# whether it is marked safe), so their results are remembered too.
def shortened(value, length):
    """The `truncatewords` filter."""
    return (
        _shortened(type(value), value, length)
        if isinstance(value, str)
        else (truncatewords(value, length))
    )


@functools.lru_cache(maxsize=4096)
def _shortened(_kind, value, length):
    return truncatewords(value, length)


def paragraphs(value):
    """The `linebreaks` filter (autoescape on): a text marked safe keeps its markup."""
    return (
        _paragraphs(type(value), value)
        if isinstance(value, str)
        else (linebreaks_filter(value, autoescape=True))
    )


@functools.lru_cache(maxsize=4096)
def _paragraphs(_kind, value):
    return linebreaks_filter(value, autoescape=True)


def forget(**kwargs):
    """On setting_changed (connected in LibConfig.ready()): formats, languages and time zones
    that tests change are not answered from what was formatted before."""
    _local_date.cache_clear()
    _period.cache_clear()


def select_class(field):
    """The classes crispy-bootstrap5 gives a bound field's select (its `crispy_field` tag):
    the widget's own, its class name, form-select, and is-invalid when it has errors."""
    widget = field.field.widget
    classes = widget.attrs.get("class", "").split()
    wanted = [widget.__class__.__name__.lower(), "form-select"]
    if field.errors:
        wanted.append("is-invalid")
    return " ".join(classes + [name for name in wanted if name not in classes])


def environment(**options):
    # A macro gets everything it shows as arguments: a name it does not know is a mistake,
    # in production as in DEBUG (where the backend would print it into the page).
    options["undefined"] = StrictUndefined
    options.pop("autoescape", None)  # the backend's default, said here where it matters
    env = Environment(autoescape=True, **options)
    env.add_extension("jinja2.ext.i18n")
    env.install_gettext_callables(  # type: ignore[attr-defined]
        translation.gettext, translation.ngettext, newstyle=True, pgettext=translation.pgettext
    )
    env.globals.update(
        content_lang=lang_attribute,
        period=period,
        select_class=select_class,
        interface_language=translation.get_language,
        oclock=oclock_word,
    )
    env.filters.update(
        content=mark,
        date=local_date,
        date_and_time=local_date_and_time,
        email_display=email_display,
        floatformat=floatformat,
        linebreaks=paragraphs,
        truncatewords=shortened,
        unless_all_named_in=unless_all_named_in,
    )
    return env


def macro(template_name, name):
    """A macro of a template in templates/jinja2/, e.g. macro("offers/dates.html",
    "date_item"); it returns markup safe to put into a Django template."""
    return getattr(engines["jinja2"].env.get_template(template_name).module, name)
