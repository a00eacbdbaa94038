"""Every e-mail of the portal: built here, stored, and delivered by a background task.

send() renders a message in the recipient's language (subject with the portal's prefix,
plain text, optional attachments such as calendar files), stores it as a Mail and enqueues
its delivery through Django's task framework. With the database task backend
(django-tasks-db) the stored mail and its task are part of the caller's transaction: a
registration rolled back sends nothing, and a mail server that is down delays mail instead
of losing it. deliver() tries again with growing pauses (MAIL_RETRY_SECONDS); after the
last try the mail is "failed" and waits in the admin ("send again"). A mail is delivered
at most once: a worker claims it before sending.

Reply-To names who answers a mail: the contact person of an offer, the project a question
went to, the visitor who asked (on the question to the project). A mail to an address that
nobody has confirmed yet carries none, and nothing its requester typed.
"""

import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db import transaction
from django.db.models import F
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import timezone, translation

logger = logging.getLogger(__name__)

SUBJECT_PREFIX = "[Transferportal] "


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: str
    mimetype: str


def _evaluate(value):
    """Text of a subject or a (text) attachment, given as it is or as a callable."""
    value = value() if callable(value) else value
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


def send(
    *,
    to,
    subject,
    template,
    context=None,
    language=None,
    reply_to=(),
    attachments=(),
    category="",
    html_template=None,
    headers=None,
):
    """Build a mail and queue it; returns the stored Mail.

    `subject` (text, or a callable returning it) and `template` (a plain-text template) are
    rendered in `language` (the portal's default when not known), as are a `context` and
    attachment contents given as callables (links, dates and calendar files in the
    recipient's language). `html_template` adds an HTML part rendered from the same
    context; `headers` further header fields. Call it inside the transaction that makes the
    mail necessary.
    """
    language = language or settings.LANGUAGE_CODE
    with translation.override(language):
        subject_text = SUBJECT_PREFIX + " ".join(_evaluate(subject).split())
        context = context() if callable(context) else context
        body = render_to_string(template, context or {})
        html_body = render_to_string(html_template, context or {}) if html_template else ""
        files = [
            Attachment(item.filename, _evaluate(item.content), item.mimetype)
            for item in attachments
        ]
    return _queue(
        to=list(to),
        subject=subject_text,
        body=body,
        html_body=html_body,
        reply_to=list(reply_to),
        attachments=files,
        language=language,
        category=category,
        headers=dict(headers or {}),
    )


def queue_message(message, *, category=""):
    """Queue a message built elsewhere (django-allauth's account mails) like any other.
    Its subject is used as it is; an HTML alternative travels along."""
    html = next(
        (
            content
            for content, mimetype in getattr(message, "alternatives", ())
            if mimetype == "text/html"
        ),
        "",
    )
    return _queue(
        to=list(message.to),
        subject=message.subject,
        body=message.body,
        html_body=html,
        reply_to=list(message.reply_to),
        attachments=[
            Attachment(name, content if isinstance(content, str) else content.decode(), mimetype)
            for name, content, mimetype in message.attachments
        ],
        language=translation.get_language() or settings.LANGUAGE_CODE,
        category=category,
    )


def _queue(
    *, to, subject, body, reply_to, attachments, language, category, html_body="", headers=None
):
    from transfer_portal.lib.models import Mail

    with transaction.atomic():
        mail = Mail.objects.create(
            to=to,
            subject=subject,
            body=body,
            html_body=html_body,
            reply_to=reply_to,
            attachments=[
                {"filename": a.filename, "content": a.content, "mimetype": a.mimetype}
                for a in attachments
            ],
            language=language,
            category=category,
            headers=headers or {},
        )
        deliver.enqueue(mail.pk)
    return mail


def retry_delays():
    return settings.MAIL_RETRY_SECONDS


@task()
def deliver(mail_id):
    """Send one stored mail, once. A failure is retried after the next pause; after the
    last one the mail is marked failed for the editors."""
    from transfer_portal.lib.models import Mail

    # Claimed by one worker only: a second task for the same mail (a retry already queued
    # when an editor sends it again) finds it no longer queued and does nothing.
    claimed = Mail.objects.filter(pk=mail_id, status=Mail.Status.QUEUED).update(
        status=Mail.Status.SENDING, attempts=F("attempts") + 1, claimed_at=timezone.now()
    )
    if not claimed:
        return "not queued"
    mail = Mail.objects.get(pk=mail_id)
    try:
        _message(mail).send()
    except Exception as error:  # noqa: BLE001 - any mail server error: try again later
        return _failed(mail, error)
    Mail.objects.filter(pk=mail.pk).update(
        status=Mail.Status.SENT, sent_at=timezone.now(), last_error=""
    )
    return "sent"


def _message(mail):
    cls = EmailMultiAlternatives if mail.html_body else EmailMessage
    message = cls(
        mail.subject,
        mail.body,
        to=mail.to,
        reply_to=mail.reply_to or None,
        headers=mail.headers or None,
    )
    if mail.html_body:
        message.attach_alternative(mail.html_body, "text/html")
    for attachment in mail.attachments:
        message.attach(attachment["filename"], attachment["content"], attachment["mimetype"])
    return message


def _failed(mail, error):
    from transfer_portal.lib.models import Mail

    delays = retry_delays()
    description = f"{type(error).__name__}: {error}"[:1000]
    if mail.attempts > len(delays):
        logger.error(
            "Mail %s could not be sent after %s tries: %s", mail.pk, mail.attempts, description
        )
        Mail.objects.filter(pk=mail.pk).update(status=Mail.Status.FAILED, last_error=description)
        return "failed"
    pause = delays[mail.attempts - 1]
    logger.warning(
        "Mail %s not sent (try %s), next in %s s: %s", mail.pk, mail.attempts, pause, description
    )
    next_attempt = timezone.now() + datetime.timedelta(seconds=pause)
    Mail.objects.filter(pk=mail.pk).update(
        status=Mail.Status.QUEUED, last_error=description, next_attempt_at=next_attempt
    )
    if deliver.get_backend().supports_defer:
        deliver.using(run_after=next_attempt).enqueue(mail.pk)
    # Without deferred tasks (the immediate backend of the tests) it waits, queued, for
    # send_again().
    return "retry"


def send_again(mails):
    """Queue failed (or stuck) mails once more, from the first try; returns how many."""
    from transfer_portal.lib.models import Mail

    count = 0
    for mail in mails:
        with transaction.atomic():
            updated = (
                Mail.objects.filter(pk=mail.pk)
                .exclude(status=Mail.Status.SENT)
                .update(status=Mail.Status.QUEUED, attempts=0, next_attempt_at=None)
            )
            if updated:
                deliver.enqueue(mail.pk)
                count += 1
    return count


FAILED_RETENTION_DAYS = 30


def backlog(now=None):
    """How many mails have waited longer than MAIL_BACKLOG_MINUTES (no worker running, or a
    mail server refusing them): for /healthz."""
    from transfer_portal.lib.models import Mail

    now = now or timezone.now()
    cutoff = now - datetime.timedelta(minutes=settings.MAIL_BACKLOG_MINUTES)
    return Mail.objects.waiting().filter(created_at__lt=cutoff).count()


def delete_old(now=None):
    """Delete sent mails after MAIL_RETENTION_DAYS and failed ones after 30 days, with the
    records of finished delivery tasks (they hold personal data: addresses and texts);
    returns how many mails."""
    from django_tasks_db.models import DBTaskResult

    from transfer_portal.lib.models import Mail

    now = now or timezone.now()
    sent_cutoff = now - datetime.timedelta(days=settings.MAIL_RETENTION_DAYS)
    failed_cutoff = now - datetime.timedelta(days=FAILED_RETENTION_DAYS)
    old = Mail.objects.filter(status=Mail.Status.SENT, sent_at__lt=sent_cutoff) | (
        Mail.objects.filter(status=Mail.Status.FAILED, created_at__lt=failed_cutoff)
    )
    deleted, _per_model = old.delete()
    DBTaskResult.objects.finished().filter(finished_at__lt=sent_cutoff).delete()
    return deleted
