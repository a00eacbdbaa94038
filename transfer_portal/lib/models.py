"""What kinds of content share: the published flag and its visibility rule, the labels of
their choices, and old slugs that lead to the current address."""

import functools

from django.contrib.contenttypes.fields import GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable
from django.utils.translation import gettext_lazy as _

from transfer_portal.lib.editors import is_editor


class PublishedQuerySet(models.QuerySet):
    """Content with a published flag. A model whose visibility depends on more (a measure
    on its project, a date on its offer) overrides published(); visible_to() follows."""

    def published(self):
        return self.filter(published=True)

    def visible_to(self, user):
        """Editors see drafts too; everybody else only what is published."""
        return self.visible(editor=is_editor(user))

    def visible(self, *, editor):
        """visible_to() for a compiled query (lib/compiled.py), whose shape is this flag."""
        return self if editor else self.published()


class ChoiceLabels(models.Model):
    """get_FOO_display() from the labels of each field's choices, gathered once.

    Django builds a dict of all choices on every call (~9 µs); list pages call it for
    every entry (status, kind, format). Fixed choices only: a field whose choices are
    given as a callable is asked each time, as Django does.
    """

    class Meta:
        abstract = True

    def _get_FIELD_display(self, field):
        if not isinstance(field.choices, list):
            return super()._get_FIELD_display(field)
        value = getattr(self, field.attname)
        return force_str(_labels(field).get(make_hashable(value), value), strings_only=True)


@functools.cache
def _labels(field):
    return dict(make_hashable(field.flatchoices))


class PublishedContent(ChoiceLabels):
    """Published flag and the automatic times of content the editors maintain."""

    published = models.BooleanField(_("published"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = PublishedQuerySet.as_manager()

    class Meta:
        abstract = True

    @classmethod
    def from_db(cls, *args, **kwargs):
        instance = super().from_db(*args, **kwargs)
        instance.published_when_loaded = instance.__dict__.get("published", False)
        return instance

    def shown_on_public_pages(self):
        """For the page cache (page_cache.py): a draft is on no public page, unless it was
        published until this change."""
        return self.published or getattr(self, "published_when_loaded", False)


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
    # Further header fields, e.g. List-Unsubscribe of a digest (RFC 2369, RFC 8058).
    headers = models.JSONField(_("header fields"), default=dict, blank=True)
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


class OldSlug(models.Model):
    """A slug an object had before it was renamed: its old addresses lead to the current
    ones (301), see RedirectsOldSlugs."""

    content_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, verbose_name=_("kind of content")
    )
    object_id = models.PositiveBigIntegerField(_("renamed entry"))
    slug = models.SlugField(_("former slug"), max_length=200, db_index=False)  # see Meta
    created_at = models.DateTimeField(_("renamed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("former address")
        verbose_name_plural = _("former addresses")
        constraints = [
            # One object per old address: the one that had it last.
            models.UniqueConstraint(
                fields=["content_type", "slug"], name="lib_oldslug_one_object_per_slug"
            ),
        ]
        # The constraint's index finds an old slug; this one an object's old slugs.
        indexes = [models.Index(fields=["content_type", "object_id"], name="lib_oldslug_object")]

    def __str__(self):
        return self.slug


class RedirectsOldSlugs(models.Model):
    """Content whose pages are found by its slug. When the slug changes (an editor renames
    it, a data migration changes it), the old one is kept, and the pages named in
    `slug_url_names` answer at the old slug with a permanent redirect to the new address
    (RenamedSlugMiddleware; only after a 404, so a page costs nothing more).

    Only a save() of the object records the change; QuerySet.update() does not."""

    # The names of the URLs whose `slug` argument is this model's slug.
    slug_url_names = ()

    old_slugs = GenericRelation(OldSlug)

    class Meta:
        abstract = True

    def save(self, **kwargs):
        before = getattr(self, "stored_slug", None)
        update_fields = kwargs.get("update_fields")
        unchanged = not before or before == self.slug
        if update_fields is not None and "slug" not in update_fields:
            super().save(**kwargs)
            return
        if unchanged:
            super().save(**kwargs)
            self.stored_slug = self.slug
            return
        with transaction.atomic(using=kwargs.get("using")):
            super().save(**kwargs)
            kind = ContentType.objects.get_for_model(self)
            # The new slug is this object's now; the old one leads here from now on.
            OldSlug.objects.filter(content_type=kind, slug=self.slug).delete()
            OldSlug.objects.update_or_create(
                content_type=kind, slug=before, defaults={"object_id": self.pk}
            )
        self.stored_slug = self.slug

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        instance = super().from_db(db, field_names, values, **kwargs)
        instance.stored_slug = instance.__dict__.get("slug")  # None when deferred
        return instance
