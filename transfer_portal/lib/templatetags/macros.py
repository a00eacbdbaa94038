"""`{% jinja %}`: a Jinja2 macro of templates/jinja2/ inside a Django template."""

from django import template

from transfer_portal.lib.jinja import macro

register = template.Library()


@register.simple_tag
def jinja(template_name, macro_name, *args, **kwargs):
    """`{% jinja "offers/dates.html" "date_items" dates=page.object_list level=2 %}`: the
    macro's markup, escaped by Jinja2 (transfer_portal/lib/jinja.py)."""
    return macro(template_name, macro_name)(*args, **kwargs)
