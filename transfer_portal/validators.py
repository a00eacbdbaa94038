"""Validators shared by the portal's public forms."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def single_line(value):
    """Names and the like go into e-mail texts: a line break in them is never legitimate
    (and a header injection attempt, were they ever used in a header)."""
    if "\n" in value or "\r" in value:
        raise ValidationError(_("Please enter this on one line."), code="line_break")
