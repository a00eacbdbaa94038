"""Slugs, the readable part of the portal's addresses: one rule for every slug, made here
in Python and in the admin by static/js/admin-slugs.js, which gives the same result."""

import re
import unicodedata

# German letters are written out as Germans do without them; Django's slugify() drops the
# dots and the ß ("Großschadenslagen für" → "groschadenslagen-fur").
GERMAN_LETTERS = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss", "ẞ": "SS"}
)


def portal_slugify(text, max_length=None):
    """ "Mobilität für Bürger – Groß & klein!" → "mobilitaet-fuer-buerger-gross-klein".

    German letters written out, other letters without their accents ("é" → "e"), what is
    left beyond ASCII letters, digits, "_" and "-" dropped, spaces and dashes as one "-",
    none at either end; cut to `max_length` (a SlugField's) the way the admin cuts it.
    """
    text = unicodedata.normalize("NFC", str(text)).translate(GERMAN_LETTERS)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^a-z0-9_\s-]", "", text.lower(), flags=re.ASCII)
    slug = re.sub(r"[-\s]+", "-", text, flags=re.ASCII).strip("-_")
    if max_length is not None:
        slug = slug[:max_length].rstrip("-_")
    return slug


def unique_slug(queryset, text, *, fallback, suffix=""):
    """portal_slugify(text) (`fallback` for a text without letters or digits) and `suffix`,
    with "-2", "-3" … added where `queryset` has it already; cut to the slug field's
    length so that the suffix and the number stay."""
    max_length = queryset.model._meta.get_field("slug").max_length
    base = portal_slugify(text) or fallback
    number = 1
    while True:
        ending = suffix if number == 1 else f"{suffix}-{number}"
        slug = base[: max_length - len(ending)].rstrip("-_") + ending
        if not queryset.filter(slug=slug).exists():
            return slug
        number += 1

