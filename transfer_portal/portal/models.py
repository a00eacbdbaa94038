from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class LegalPage(models.Model):
    """Impressum, Datenschutz and Barrierefreiheit: fixed addresses, text kept by editors."""

    class Kind(models.TextChoices):
        IMPRINT = "impressum", _("Legal notice")
        PRIVACY = "datenschutz", _("Privacy policy")
        ACCESSIBILITY = "barrierefreiheit", _("Accessibility statement")

    kind = models.CharField(_("page"), max_length=20, choices=Kind.choices, unique=True)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(
        _("text"), help_text=_("Plain text; an empty line starts a new paragraph.")
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["kind"]
        verbose_name = _("legal page")
        verbose_name_plural = _("legal pages")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse(f"legal_{self.kind}")


class SubscriberQuerySet(models.QuerySet):
    def confirmed(self):
        return self.filter(confirmed_at__isnull=False)


class Subscriber(models.Model):
    """An address that gets the digest of what is new (issue 21): confirmed by the link in
    an e-mail (double opt-in), or at once when it is a verified address of the account
    that subscribes. Managed and cancelled through a signed link in every digest, without
    logging in (transfer_portal/portal/subscriptions.py)."""

    class Frequency(models.TextChoices):
        WEEKLY = "woechentlich", _("weekly")
        DAILY = "taeglich", _("daily")

    email = models.EmailField(_("e-mail address"), unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="subscribers",
        help_text=_("Set when the address was subscribed from an account it belongs to."),
    )
    frequency = models.CharField(
        _("frequency"), max_length=12, choices=Frequency.choices, default=Frequency.WEEKLY
    )
    new_surveys = models.BooleanField(
        _("new surveys"), default=False, help_text=_("Surveys that open or close soon.")
    )
    topics = models.ManyToManyField(
        "projects.Topic", verbose_name=_("topics"), blank=True, related_name="+"
    )
    projects = models.ManyToManyField(
        "projects.ModelProject", verbose_name=_("model projects"), blank=True, related_name="+"
    )
    offers = models.ManyToManyField(
        "offers.Offer",
        verbose_name=_("offers (their new dates)"),
        blank=True,
        related_name="+",
    )
    language = models.CharField(_("language"), max_length=10, blank=True)
    # The link in every digest is signed with SECRET_KEY and names this key: a new key
    # makes the old links useless.
    key = models.CharField(_("key of the links"), max_length=43, editable=False)
    confirm_token = models.CharField(max_length=64, blank=True, editable=False)
    confirm_expires_at = models.DateTimeField(_("confirm by"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = SubscriberQuerySet.as_manager()
    shown_on_public_pages = False  # no cached page changes with it (lib/page_cache.py)

    class Meta:
        ordering = ["email"]
        verbose_name = _("subscriber of the digest")
        verbose_name_plural = _("subscribers of the digest")

    def __str__(self):
        return self.email

    @property
    def is_confirmed(self):
        return self.confirmed_at is not None


class DigestSent(models.Model):
    """One digest to one subscriber for one period (a week or a day): the unique row makes
    a second digest of the same period impossible, however often the job runs."""

    subscriber = models.ForeignKey(
        Subscriber,
        verbose_name=_("subscriber"),
        on_delete=models.CASCADE,
        related_name="digests",
    )
    period = models.CharField(_("period"), max_length=10, help_text=_("ISO week or day."))
    items = models.PositiveSmallIntegerField(_("entries"), default=0)
    covers_from = models.DateTimeField(_("news since"))
    sent_at = models.DateTimeField(_("sent at"))

    shown_on_public_pages = False

    class Meta:
        ordering = ["-sent_at", "-pk"]
        verbose_name = _("digest sent")
        verbose_name_plural = _("digests sent")
        constraints = [
            models.UniqueConstraint(
                fields=["subscriber", "period"], name="one_digest_per_subscriber_and_period"
            )
        ]

    def __str__(self):
        return f"{self.subscriber} {self.period}"
