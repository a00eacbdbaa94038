"""Sending a visitor's question to a model project's contact (or to DABB)."""

from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

RATE_LIMIT_WINDOW = 3600


def rate_limited(request) -> bool:
    """True once an address has sent QUESTION_RATE_LIMIT questions within an hour."""
    address = request.META.get("REMOTE_ADDR", "unknown")
    key = f"project-question:{address}"
    cache.add(key, 0, RATE_LIMIT_WINDOW)
    try:
        count = cache.incr(key)
    except ValueError:
        cache.set(key, 1, RATE_LIMIT_WINDOW)
        count = 1
    return count > settings.QUESTION_RATE_LIMIT


def send_question(project, data, *, page_url, measure=None):
    recipient = project.contact_email or settings.PORTAL_CONTACT_EMAIL
    context = {"project": project, "measure": measure, "data": data, "page_url": page_url}
    subject = _("Question about %(title)s via the transfer portal") % {
        "title": measure.title if measure else project.title
    }
    body = render_to_string("projects/email/question.txt", context)
    EmailMessage(subject, body, to=[recipient], reply_to=[data["email"]]).send()
    copy = render_to_string("projects/email/question_copy.txt", context)
    EmailMessage(
        _("Copy of your question: %(subject)s") % {"subject": subject},
        copy,
        to=[data["email"]],
        reply_to=[recipient],
    ).send()
    return recipient
