"""Sending a visitor's question to a model project's contact (or to DABB)."""

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from transfer_portal.lib import ratelimits

RATE_LIMIT_SCOPE = "project-question"

logger = logging.getLogger(__name__)


def reserve_question(request) -> bool:
    """Takes one of the client address's QUESTION_RATE_LIMIT questions per hour, before the
    e-mails go out; False when none is left. A form sent back with errors does not get
    here."""
    ip = ratelimits.client_ip(request)
    return ratelimits.take(RATE_LIMIT_SCOPE, ip, settings.QUESTION_RATE_LIMIT)


def release_question(request):
    """Gives a reserved question back, when its e-mails could not be sent."""
    ratelimits.give_back(RATE_LIMIT_SCOPE, ratelimits.client_ip(request))


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
