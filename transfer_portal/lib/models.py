"""What every publishable kind of content shares: its fields and its visibility rule."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from transfer_portal.lib.editors import is_editor


class PublishedQuerySet(models.QuerySet):
    """Content with a published flag. A model whose visibility depends on more (a measure
    on its project, a date on its offer) overrides published(); visible_to() follows."""

    def published(self):
        return self.filter(published=True)

    def visible_to(self, user):
        """Editors see drafts too; everybody else only what is published."""
        return self if is_editor(user) else self.published()


class PublishedContent(models.Model):
    """Published flag and the automatic times of content the editors maintain."""

    published = models.BooleanField(_("published"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = PublishedQuerySet.as_manager()

    class Meta:
        abstract = True


class MailQuerySet(models.QuerySet):
    def waiting(self):
        """Not delivered yet: queued (also between tries) or being sent."""
        return self.filter(status__in=[Mail.Status.QUEUED, Mail.Status.SENDING])


class Mail(models.Model):
    """An e-mail of the portal, as built by transfer_portal.lib.mail, and how its delivery
    went. Deleted some days after it was sent (purge_personal_data)."""

    class Status(models.TextChoices):
        QUEUED = "wartet", _("waiting to be sent")
        SENDING = "versand", _("being sent")
        SENT = "gesendet", _("sent")
        FAILED = "fehler", _("failed")

    to = models.JSONField(_("recipients"), default=list)
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("text"))
    html_body = models.TextField(_("HTML version"), blank=True)
    reply_to = models.JSONField(_("reply to"), default=list, blank=True)
    attachments = models.JSONField(_("attachments"), default=list, blank=True)
    language = models.CharField(_("language"), max_length=10, blank=True)
    category = models.CharField(
        _("kind of e-mail"),
        max_length=60,
        blank=True,
        help_text=_("What the mail is about, e.g. a registration or a question."),
    )
    status = models.CharField(
        _("state"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("tries"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    next_attempt_at = models.DateTimeField(_("next try"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("last try started"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    objects = MailQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("e-mail")
        verbose_name_plural = _("e-mails")
        permissions = [("send_mail_again", _("Can send failed e-mails again"))]
        indexes = [models.Index(fields=["status", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["wartet", "versand", "gesendet", "fehler"]),
                name="lib_mail_status_valid",
            ),
        ]

    def __str__(self):
        return self.subject

    @property
    def recipients(self):
        return ", ".join(self.to)
