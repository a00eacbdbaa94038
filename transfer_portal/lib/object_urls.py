"""The address of one object (`get_absolute_url`), without a full `reverse()` each time.

A list page links every entry, often twice: the topic page reverses ~120 addresses, at
~10 µs each. Here `reverse()` runs once per URL name, language, script prefix and URLconf,
with a placeholder for the object's slug or key; after that an address is the placeholder
replaced. A value that the route's path converter would not take goes the full way, so an
address that `reverse()` refuses is refused as before.
"""

import re

from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language

SLUG = re.compile(r"[-a-zA-Z0-9_]+")  # Django's "slug" path converter
KEY = re.compile(r"[1-9][0-9]{0,17}")  # the portal's "id" path converter (offers/urls.py)
# Taken by both, so one placeholder serves either kind of route.
PLACEHOLDER = "731000000000137"

_parts = {}


def forget(setting, **kwargs):
    """On setting_changed (connected in LibConfig.ready()): tests that change the URLconf or
    the languages get addresses made anew."""
    if setting in ("ROOT_URLCONF", "LANGUAGE_CODE", "LANGUAGES", "FORCE_SCRIPT_NAME"):
        _parts.clear()


def object_url(viewname, value, converter=SLUG):
    """reverse(viewname, args=[value]) for a route whose one parameter is of `converter`
    (SLUG or KEY)."""
    text = str(value)
    if not converter.fullmatch(text):
        return reverse(viewname, args=[value])
    key = (viewname, get_language(), get_script_prefix(), get_urlconf())
    try:
        before, after = _parts[key]
    except KeyError:
        before, after = _parts.setdefault(key, _split(viewname))
    return f"{before}{text}{after}"


def _split(viewname):
    before, placeholder, after = reverse(viewname, args=[PLACEHOLDER]).partition(PLACEHOLDER)
    if not placeholder or PLACEHOLDER in after:
        raise ValueError(f"{viewname} does not take exactly one slug or key.")
    return before, after
