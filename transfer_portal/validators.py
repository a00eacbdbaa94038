"""Validators and normalisers shared by the portal's public forms."""

import contextlib
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def single_line(value):
    """Names and the like go into e-mail texts: a line break in them is never legitimate
    (and a header injection attempt, were they ever used in a header)."""
    if "\n" in value or "\r" in value:
        raise ValidationError(_("Please enter this on one line."), code="line_break")


def normalize_email(value):
    """One spelling per mailbox, for addresses that must not be registered twice: trimmed,
    composed Unicode (NFC: a typed "ü" is one character or two), lower case, and a domain in
    ACE form ("xn--mller-kva.de") written as the Unicode it stands for ("müller.de").
    Unicode domains are not turned into ACE here: Python's IDNA 2003 codec would map "ß" to
    "ss", another domain."""
    value = unicodedata.normalize("NFC", value.strip())
    local, at, domain = value.rpartition("@")
    if at and domain.isascii() and "xn--" in domain.lower():
        # Not valid ACE: kept as typed (the form's validator judges it).
        with contextlib.suppress(UnicodeError):
            domain = domain.encode("ascii").decode("idna")
        value = f"{local}@{domain}"
    return value.lower()
