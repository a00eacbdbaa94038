"""Slugs, the readable part of the portal's addresses: one rule for every slug, made here
in Python and in the admin by static/js/admin-slugs.js, which gives the same result; and
the way from a slug that was renamed to the current address."""

import re
import unicodedata

from django.apps import apps
from django.http import HttpResponsePermanentRedirect
from django.urls import reverse

from transfer_portal.lib.models import RedirectsOldSlugs

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


def _models_by_url_name():
    return {
        name: model
        for model in apps.get_models()
        if issubclass(model, RedirectsOldSlugs)
        for name in model.slug_url_names
    }


def redirect_from_old_slug(request):
    """The permanent redirect of a page asked for by a slug its object had before, to the
    same page at the current slug (the query string kept), or None. For an address that
    found nothing (404): one query, and none for any other page."""
    match = request.resolver_match
    if match is None or "slug" not in match.captured_kwargs:
        return None
    model = _models_by_url_name().get(match.view_name)
    if model is None:
        return None
    objects = model._default_manager.all()
    if hasattr(objects, "visible_to"):  # a draft's new address is no visitor's business
        objects = objects.visible_to(request.user)
    slug = match.captured_kwargs["slug"]
    current = objects.filter(old_slugs__slug=slug).values_list("slug", flat=True).first()
    if current is None or current == slug:
        return None
    url = reverse(
        match.view_name, args=match.args, kwargs={**match.captured_kwargs, "slug": current}
    )
    if request.META.get("QUERY_STRING"):
        url = f"{url}?{request.META['QUERY_STRING']}"
    return HttpResponsePermanentRedirect(url)
