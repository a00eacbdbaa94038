"""Validators and normalisers shared by the portal's public forms."""

import contextlib
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Embeddings and overrides (U+202A–U+202E) and isolates (U+2066–U+2069): invisible, they
# make text display in another order than it is stored ("Trojan Source"), so that a name in
# a list or an e-mail can read as something else.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def no_bidi_controls(value):
    """Names and free text are shown to others (editors, participants, recipients of
    e-mails): no invisible characters that reorder how they display."""
    if not BIDI_CONTROLS.isdisjoint(value):
        raise ValidationError(
            _(
                "This text contains invisible characters that change the writing direction "
                "(they are often copied along with a text). Please remove them, for example "
                "by typing the text anew."
            ),
            code="bidi_control",
        )


def single_line(value):
    """Names and the like go into e-mail texts: a line break in them is never legitimate
    (and a header injection attempt, were they ever used in a header); nor is a character
    that reorders the text (no_bidi_controls)."""
    if "\n" in value or "\r" in value:
        raise ValidationError(_("Please enter this on one line."), code="line_break")
    no_bidi_controls(value)


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
