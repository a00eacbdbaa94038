import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.urls import translate_url
from django.utils.html import _json_script_escapes, format_html
from django.utils.safestring import mark_safe

from transfer_portal import page_cache

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


class CachedContentNode(template.Node):
    def __init__(self, nodelist, name):
        self.nodelist = nodelist
        self.name = name

    def render(self, context):
        request = context.get("request")
        if request is None:
            return self.nodelist.render(context)
        content = page_cache.cached_fragment(
            request, self.name, lambda: self.nodelist.render(context)
        )
        return mark_safe(content)  # noqa: S308 - rendered by this very template


@register.tag
def cached_content(parser, token):
    """`{% cached_content "name" %}…{% endcached_content %}`: the page's main content from
    the fragment cache (see transfer_portal/page_cache.py). Never wrap a form with a CSRF
    token or anything that depends on the visitor beyond "may see drafts"."""
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError(f"{bits[0]} takes one argument, the fragment name")
    nodelist = parser.parse(("endcached_content",))
    parser.delete_first_token()
    return CachedContentNode(nodelist, bits[1].strip("\"'"))
