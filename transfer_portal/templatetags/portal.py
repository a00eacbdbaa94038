import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.urls import translate_url
from django.utils.html import _json_script_escapes, format_html
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter
def startswith(value, prefix):
    """True if the value starts with the prefix, e.g. to mark the current section."""
    return bool(prefix) and str(value).startswith(str(prefix))


@register.simple_tag(takes_context=True)
def language_url(context, language_code):
    """The current page's address in another interface language (/en/… for English)."""
    request = context.get("request")
    if request is None:
        return "/"
    return translate_url(request.get_full_path(), language_code)


@register.filter
def jsonld(value):
    """A JSON-LD data block (not executed, so the CSP does not concern it), safely escaped."""
    data = json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False).translate(
        _json_script_escapes
    )
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(data))  # noqa: S308
