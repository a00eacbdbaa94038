"""Template filters for survey responses and their history."""

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def account_name(user):
    """Who saved a response: their name and address, or "deleted account" once the account
    is gone (the response stays with the municipality)."""
    if user is None:
        return _("deleted account")
    name = user.get_full_name()
    return f"{name} ({user.email})" if name else user.email
