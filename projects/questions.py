"""Sending a visitor's question to a model project's contact (or to DABB)."""

import contextlib
import logging

from allauth.account.adapter import get_adapter
from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

RATE_LIMIT_WINDOW = 3600

logger = logging.getLogger(__name__)


def _key(request):
    """Per client address; behind a reverse proxy allauth's setting says which address in
    X-Forwarded-For is the client's (DJANGO_TRUSTED_PROXY_COUNT), as for its own limits."""
    return f"project-question:{get_adapter(request).get_client_ip(request)}"


def reserve_question(request) -> bool:
    """Takes one of the address's QUESTION_RATE_LIMIT questions per hour, counted atomically
    before the e-mails go out (a check before and a count after would let parallel requests
    all pass); False when none is left. A form sent back with errors does not get here."""
    key = _key(request)
    cache.add(key, 0, RATE_LIMIT_WINDOW)
    try:
        count = cache.incr(key)
    except ValueError:  # expired in between
        cache.set(key, 1, RATE_LIMIT_WINDOW)
        count = 1
    return count <= settings.QUESTION_RATE_LIMIT


def release_question(request):
    """Gives a reserved question back, when its e-mails could not be sent."""
    with contextlib.suppress(ValueError):  # expired in between
        cache.decr(_key(request))


def send_question(project, data, *, page_url, measure=None):
    """Send the question (an error if that fails); True if the sender's confirmation went
    out as well."""
    recipient = project.contact_email or settings.PORTAL_CONTACT_EMAIL
    about = measure or project
    context = {
        "project": project,
        "measure": measure,
        "about": about,
        "data": data,
        "page_url": page_url,
    }
    # The project or DABB reads German, whichever interface the question was asked in.
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Question about %(title)s via the transfer portal") % {
            "title": measure.title if measure else project.title
        }
        body = render_to_string("projects/email/question.txt", context)
    EmailMessage(subject, body, to=[recipient], reply_to=[data["email"]]).send()
    copy = render_to_string("projects/email/question_copy.txt", context)
    # A confirmation, not a copy: nothing the sender typed goes to the address they typed,
    # or the form would send anybody's text to anybody.
    confirmation = EmailMessage(
        _("Your question via the transfer portal: %(title)s") % {"title": about.title},
        copy,
        to=[data["email"]],
        reply_to=[recipient],
    )
    try:
        confirmation.send()
    except Exception:  # the question went out: sending it again would duplicate it
        logger.exception("Could not send the confirmation of a question to its sender")
        return False
    return True
