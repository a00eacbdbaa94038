from django import template

register = template.Library()


@register.filter
def startswith(value, prefix):
    """True if the value starts with the prefix, e.g. to mark the current section."""
    return bool(prefix) and str(value).startswith(str(prefix))
