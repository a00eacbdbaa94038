from django import template
from django.urls import translate_url

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
