"""Sending a visitor's question to a model project's contact (or to DABB)."""

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from projects.models import QuestionAsked
from transfer_portal.lib import mail, ratelimits

RATE_LIMIT_SCOPE = "project-question"


def reserve_question(request) -> bool:
    """Takes one of the client address's QUESTION_RATE_LIMIT questions per hour, before the
    e-mails are queued; False when none is left. A form sent back with errors does not get
    here."""
    ip = ratelimits.client_ip(request)
    return ratelimits.take(RATE_LIMIT_SCOPE, ip, settings.QUESTION_RATE_LIMIT)


def send_question(project, data, *, page_url, measure=None):
    """Queue the question to the project's contact (or to DABB) and a confirmation to the
    sender (transfer_portal/lib/mail.py): both, or neither."""
    recipient = project.contact_email or settings.PORTAL_CONTACT_EMAIL
    about = measure or project
    context = {
        "project": project,
        "measure": measure,
        "about": about,
        "data": data,
        "page_url": page_url,
    }
    with transaction.atomic():
        # Counted for DABB's view of transfer, without anything of the question or sender.
        QuestionAsked.objects.create(project=project, measure=measure)
        # The project or DABB reads German, whichever interface the question was asked in;
        # an answer goes to the visitor.
        mail.send(
            to=[recipient],
            subject=lambda: (
                _("Question about %(title)s via the transfer portal") % {"title": about.title}
            ),
            template="projects/email/question.txt",
            context=context,
            language=settings.LANGUAGE_CODE,
            reply_to=[data["email"]],
            category="question.to_project",
        )
        # A confirmation, not a copy: nothing the sender typed goes to the address they
        # typed, or the form would send anybody's text to anybody.
        mail.send(
            to=[data["email"]],
            subject=lambda: (
                _("Your question via the transfer portal: %(title)s") % {"title": about.title}
            ),
            template="projects/email/question_copy.txt",
            context=context,
            language=translation.get_language(),
            reply_to=[recipient],
            category="question.confirmation",
        )
