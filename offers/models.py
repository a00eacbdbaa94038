import hashlib
import secrets
from datetime import UTC, datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, MinValueValidator
from django.db import models
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, JSONObject, Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from projects.models import Municipality, Topic
from transfer_portal.lib.accounts import verified_addresses
from transfer_portal.lib.models import PublishedContent, PublishedQuerySet, RedirectsOldSlugs
from transfer_portal.lib.moments import Moment
from transfer_portal.lib.object_urls import KEY, object_url

# When details were last compared with their source: shown on the pages, and the editors'
# monthly list of what is older than FRESHNESS_MONTHS (transfer_portal/portal/freshness.py).
CHECKED_ON_HELP = _(
    "When the details were last compared with their source (e.g. the DABB page). Editors are "
    "reminded monthly of what has not been checked for a long time."
)


class Contact(models.Model):
    name = models.CharField(_("name"), max_length=150)
    role = models.CharField(_("role"), max_length=150, blank=True)
    organisation = models.CharField(
        _("organisation"), max_length=150, default="DigitalAgentur Brandenburg"
    )
    email = models.EmailField(_("e-mail"))
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    # A FileField, not an ImageField: Pillow is not installed in this project.
    photo = models.FileField(
        _("photo"),
        upload_to="offers/contacts/",
        blank=True,
        validators=[FileExtensionValidator(["jpg", "jpeg", "png", "webp"])],
        help_text=_("Optional. JPEG, PNG or WebP, shown square at 96 pixels."),
    )
    photo_alt = models.CharField(
        _("alternative text of the photo"),
        max_length=200,
        blank=True,
        help_text=_("Describe the photo for people who cannot see it, e.g. “Portrait of …”."),
    )
    helps_with = models.TextField(
        _("can help with"),
        blank=True,
        help_text=_("What municipalities can ask this person about, in one or two sentences."),
    )
    position = models.PositiveSmallIntegerField(
        _("position"), default=0, help_text=_("Contacts are listed in ascending order.")
    )
    published = models.BooleanField(_("published"), default=False)
    checked_on = models.DateField(
        _("details checked on"),
        null=True,
        blank=True,
        help_text=CHECKED_ON_HELP,
    )

    objects = PublishedQuerySet.as_manager()

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("contact person")
        verbose_name_plural = _("contact persons")
        constraints = [
            models.CheckConstraint(
                condition=Q(photo="") | ~Q(photo_alt=""),
                name="offers_contact_photo_has_alt_text",
                violation_error_message=_("A photo needs an alternative text."),
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        # The same rule as the constraint, but at the field, where the editor types it (the
        # constraint's message would stand at the top of the form).
        super().clean()
        if self.photo and not self.photo_alt.strip():
            raise ValidationError({"photo_alt": _("A photo needs an alternative text.")})


NEXT_DATE = "next_date"  # the annotation of OfferQuerySet.with_next_date()
COUNT_COLUMNS = ("confirmed_count", "waiting_count")  # EventDateQuerySet.with_counts()


def _next_date_fields():
    """The fields of an offer's next date that with_next_date() brings along: all but its
    offer."""
    return [field for field in EventDate._meta.concrete_fields if field.name != "offer"]


def _from_json(field, value):
    """A field's value as JSON gave it back (times as text) in its Python type."""
    value = field.to_python(value)
    if isinstance(value, datetime) and settings.USE_TZ and timezone.is_naive(value):
        value = timezone.make_aware(value, UTC)  # SQLite stores UTC without offset
    return value


class OfferQuerySet(PublishedQuerySet):
    def with_next_date(self, now=None):
        """Each offer with its next date that is not cancelled (and its registration counts),
        in the same query: one small correlated subquery, answered from the index, that
        returns the date's columns as one JSON object – so that a list of offer cards
        costs one query, with or without dates. (A subquery per column took Django longer
        to build than the database to answer: 13 of 18 ms for six offer cards.)"""
        dates = EventDate.objects.filter(offer=OuterRef("pk")).coming(now)
        columns = {field.attname: F(field.attname) for field in _next_date_fields()}
        columns.update({name: F(name) for name in COUNT_COLUMNS})
        return self.annotate(**{NEXT_DATE: Subquery(dates.values(json=JSONObject(**columns))[:1])})


class Offer(RedirectsOldSlugs, PublishedContent):
    slug_url_names = ("offers:offer_detail",)
    # What the portal search finds it by (weights A title … D context); PostgreSQL stores
    # the vector (migration 0007, transfer_portal/lib/search_vectors.py).
    search_weights = (("title", "A"), ("summary", "B"), ("description", "C"))

    class Kind(models.TextChoices):
        ONLINE_COURSE = "onlinekurs", _("online course")
        WORKSHOP = "werkstatt", _("workshop")
        CONSULTATION = "beratung", _("consultation")
        EVENT = "veranstaltung", _("event")
        MATERIAL = "material", _("material")

    class Format(models.TextChoices):
        ONLINE = "online", _("online")
        ON_SITE = "vor_ort", _("on site")
        HYBRID = "hybrid", _("hybrid")

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    summary = models.TextField(
        _("summary"), blank=True, help_text=_("One or two sentences shown in lists.")
    )
    description = models.TextField(_("description"), blank=True)
    topics = models.ManyToManyField(
        Topic, verbose_name=_("topics"), related_name="offers", blank=True
    )
    contact = models.ForeignKey(
        Contact,
        verbose_name=_("contact person"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="offers",
    )
    external_url = models.URLField(
        _("external link"),
        blank=True,
        help_text=_("For example the course platform or the offer's page at DABB."),
    )
    format = models.CharField(
        _("format"),
        max_length=20,
        choices=Format.choices,
        blank=True,
        help_text=_("Leave empty if it does not apply, e.g. for material."),
    )
    checked_on = models.DateField(
        _("details checked on"),
        null=True,
        blank=True,
        help_text=CHECKED_ON_HELP,
    )

    objects = OfferQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        indexes = [
            # The list of offers, by title: the page's offers read in order from this index
            # and counted from it alone, instead of sorting every published offer with its
            # contact (PostgreSQL; 2.2 → 1.8 ms on the large benchmark data).
            models.Index(
                fields=["title", "id"], condition=models.Q(published=True), name="offer_listed"
            ),
        ]
        verbose_name = _("offer")
        verbose_name_plural = _("offers")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return object_url("offers:offer_detail", self.slug)

    @cached_property
    def next_dates(self):
        """[the next date that is not cancelled, with counts] or []: from with_next_date()
        without a query, else with one."""
        if not hasattr(self, NEXT_DATE):
            return list(self.dates.coming()[:1])
        data = getattr(self, NEXT_DATE)
        if data is None:
            return []
        date = EventDate(
            offer=self,
            **{
                field.attname: _from_json(field, data[field.attname])
                for field in _next_date_fields()
            },
        )
        date._state.adding, date._state.db = False, self._state.db  # as if loaded
        for name in COUNT_COLUMNS:
            setattr(date, name, data[name])
        return [date]


class EventDateQuerySet(PublishedQuerySet):
    def published(self):
        """Dates of published offers (a date has no flag of its own)."""
        return self.filter(offer__published=True)

    def upcoming(self, now=None):
        """Dates that have not ended yet (a date without end time lasts until its end of day)."""
        return self.filter(_upcoming_condition(now))

    def past(self, now=None):
        return self.exclude(_upcoming_condition(now))

    def coming(self, now=None):
        """The dates still to come that are not cancelled, with counts, soonest first."""
        return self.upcoming(now).filter(cancelled=False).with_counts().order_by("starts_at", "pk")

    def with_counts(self):
        """Confirmed and waiting registrations per date, as subqueries: with ORDER BY and
        LIMIT, PostgreSQL counts only for the dates it returns, not for all upcoming ones."""
        return self.annotate(
            confirmed_count=_registration_count(Registration.State.CONFIRMED),
            waiting_count=_registration_count(Registration.State.WAITING),
        )


def _registration_count(state):
    counts = (
        Registration.objects.filter(event_date=OuterRef("pk"), state=state)
        .order_by()
        .values("event_date")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counts), 0)


def _upcoming_condition(now=None):
    """`now`: a moment, or None for the moment the query runs (Moment)."""
    return Q(upcoming_until__gt=Moment() if now is None else now)


def upcoming_until_of(starts_at, ends_at, all_day):
    """Until when a date is upcoming: its end; without one its start, and a date without
    time of day (stored at midnight) the whole of its day, until the next local midnight."""
    if ends_at is not None:
        return ends_at
    if all_day:
        next_day = timezone.localdate(starts_at) + timedelta(days=1)
        return timezone.make_aware(datetime.combine(next_day, time.min))
    return starts_at


# What a registered person's calendar entry says of a date, beside its title: changing one
# makes a new version of the entry (its SEQUENCE), and the admin tells everyone registered.
# The title is left out: a corrected wording is no reason to write to everyone, and a
# subscribed calendar picks it up from the feed anyway.
CALENDAR_FIELDS = ("starts_at", "ends_at", "all_day", "location", "cancelled")

# A sample date is labelled wherever it appears (feed, calendar files, page title).
SAMPLE_LABEL = _("[Sample date] %(summary)s")


class EventDate(models.Model):
    # What the portal search finds it by (weights A title … D context); PostgreSQL stores
    # the vector (migration 0008, transfer_portal/lib/search_vectors.py). The offer's title
    # is a title of the date too: "Schreibwerkstatt" finds its dates.
    search_weights = (("title", "A"), ("location", "B"), ("search_context", "A"))

    offer = models.ForeignKey(
        Offer, verbose_name=_("offer"), on_delete=models.CASCADE, related_name="dates"
    )
    title = models.CharField(
        _("title"), max_length=200, help_text=_("For example “Grundlagen” or “Vertiefung”.")
    )
    starts_at = models.DateTimeField(
        _("starts at"),
        help_text=_(
            "Changing the time or place of an upcoming date tells everyone registered by "
            "e-mail when you save, with the updated calendar entry."
        ),
    )
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    all_day = models.BooleanField(
        _("date only, without time of day"),
        default=False,
        help_text=_(
            "Tick this when the time of day is not known (yet): the page shows only the date "
            "and calendars get an all-day entry."
        ),
    )
    location = models.CharField(
        _("location or online note"),
        max_length=300,
        blank=True,
        help_text=_(
            "An address, or for online dates a note such as “Online via BigBlueButton”. "
            "A change is announced to everyone registered, like a new time."
        ),
    )
    capacity = models.PositiveIntegerField(
        _("places"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Leave empty for an unlimited number of participants."),
    )
    registration_deadline = models.DateTimeField(
        _("registration deadline"),
        null=True,
        blank=True,
        help_text=_("Registration closes at this moment, at the latest when the date starts."),
    )
    places_per_municipality = models.PositiveSmallIntegerField(
        _("places per municipality"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_(
            "Leave empty for no limit. Once a municipality holds this many places, the next "
            "person from it goes to the waiting list, and is told why."
        ),
    )
    access_url = models.URLField(
        _("access link (online)"),
        max_length=500,
        blank=True,
        help_text=_(
            "The address of an online date's meeting room. Only confirmed participants get "
            "it, in their e-mails (confirmation and the reminder before the date); it is never "
            "shown on a page."
        ),
    )
    registration_enabled = models.BooleanField(
        _("registration through the portal"),
        default=True,
        help_text=_("Untick when people register elsewhere, e.g. on the course platform."),
    )
    cancelled = models.BooleanField(
        _("cancelled"),
        default=False,
        help_text=_(
            "Everyone still registered is told by e-mail when you save. The date stays "
            "visible, marked as cancelled."
        ),
    )
    is_sample = models.BooleanField(
        _("sample data"),
        default=False,
        help_text=_("Marks a made-up date used only for trying out the portal."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # A copy of the offer's title, kept current by offers/search_context.py, never edited:
    # a stored vector (a generated column) cannot read the offer's table.
    search_context = models.CharField(
        _("search context"),
        max_length=200,
        blank=True,
        default="",
        editable=False,
        help_text=_("The offer's title, for the search."),
    )
    sequence = models.PositiveIntegerField(
        _("version of the calendar entry"),
        default=0,
        editable=False,
        help_text=_(
            "Counts the changes to time, place and cancellation, so that calendars replace "
            "an entry imported earlier."
        ),
    )

    # Until when the date counts as upcoming (upcoming_until_of), kept by save(): the lists
    # of upcoming dates compare one indexed column instead of three conditions.
    upcoming_until = models.DateTimeField(_("upcoming until"), editable=False)

    objects = EventDateQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("date")
        verbose_name_plural = _("dates")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=False, upcoming_until=F("ends_at"))
                | Q(ends_at__isnull=True, all_day=False, upcoming_until=F("starts_at"))
                | Q(ends_at__isnull=True, all_day=True, upcoming_until__gt=F("starts_at")),
                name="offers_eventdate_upcoming_until_follows_the_times",
            ),
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gte=F("starts_at")),
                name="offers_eventdate_ends_after_start",
                violation_error_message=_("The end must not be before the start."),
            ),
            models.CheckConstraint(
                condition=Q(all_day=False) | Q(ends_at__isnull=True),
                name="offers_eventdate_date_only_has_no_end",
                violation_error_message=_(
                    "A date without time of day has no end time; enter one date per day."
                ),
            ),
            models.CheckConstraint(
                condition=Q(places_per_municipality__isnull=True)
                | Q(places_per_municipality__gte=1),
                name="offers_eventdate_places_per_municipality_positive",
                violation_error_message=_("A municipality needs at least one place."),
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(capacity__gte=1),
                name="offers_eventdate_capacity_positive",
                violation_error_message=_("A date needs at least one place."),
            ),
            models.CheckConstraint(
                condition=Q(registration_deadline__isnull=True)
                | Q(registration_deadline__lte=F("starts_at")),
                name="offers_eventdate_deadline_before_start",
                violation_error_message=_("The registration deadline must not be after the start."),
            ),
        ]
        indexes = [
            # Upcoming dates in order of their start: the index skips the past ones itself,
            # without reading their rows (however many years of dates there are).
            models.Index(
                fields=["starts_at", "upcoming_until", "id"], name="offers_date_start_upcoming"
            ),
            # How many are upcoming, counted from the index alone (with their offers).
            models.Index(
                fields=["upcoming_until", "offer_id", "id"], name="offers_date_upcoming_count"
            ),
        ]

    def __str__(self):
        local = timezone.localtime(self.starts_at)
        return f"{self.offer.title} – {self.title} ({local:%d.%m.%Y})"

    def save(self, **kwargs):
        """Save; a change to CALENDAR_FIELDS counts up `sequence` and is listed in
        `calendar_changes` (for whoever tells the people registered)."""
        update_fields = kwargs.get("update_fields")
        changes = self._calendar_changes(update_fields)
        self.calendar_changes = changes or []
        # None: a new date, or one deleted meanwhile, which Django inserts anew – an INSERT
        # cannot take F().
        if changes is not None and (update_fields is None or changes):
            # Counted by the database and never written back as read: two editors saving
            # at once both count, and a save that read the number before someone else's
            # change cannot lower it (calendars ignore a version number they already
            # have). The UPDATE returns the new number.
            self.sequence = F("sequence") + (1 if self.calendar_changes else 0)
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "sequence"}
        self.upcoming_until = upcoming_until_of(self.starts_at, self.ends_at, self.all_day)
        if update_fields is not None and {"starts_at", "ends_at", "all_day"} & set(update_fields):
            kwargs["update_fields"] = {*kwargs["update_fields"], "upcoming_until"}
        super().save(**kwargs)

    def get_absolute_url(self):
        return object_url("offers:event_detail", self.pk, KEY)

    def get_ics_url(self):
        """The date as a calendar file (.ics)."""
        return object_url("offers:event_ics", self.pk, KEY)

    def label(self):
        """ "Offer – date title, day" in the active language: e-mail subjects, the feed, the
        page title; a sample date says so."""
        day = date_format(timezone.localtime(self.starts_at), "DATE_FORMAT")
        label = f"{self.offer.title} – {self.title}, {day}"
        return SAMPLE_LABEL % {"summary": label} if self.is_sample else label

    def _calendar_changes(self, update_fields):
        """The CALENDAR_FIELDS this save changes, compared with the stored row (not with
        what was loaded earlier); None when there is no stored row (a new date)."""
        if self._state.adding:
            return None
        names = [name for name in CALENDAR_FIELDS if update_fields is None or name in update_fields]
        if not names:
            return []
        stored = EventDate.objects.filter(pk=self.pk).values(*names).first()
        if stored is None:
            return None
        return [name for name in names if getattr(self, name) != stored[name]]

    @property
    def effective_end(self):
        """The moment the date is over; a date-only entry lasts until the end of its day."""
        if self.all_day:
            next_day = timezone.localdate(self.starts_at) + timedelta(days=1)
            return timezone.make_aware(datetime.combine(next_day, time.min))
        return self.ends_at or self.starts_at

    def is_past(self, now=None):
        return self.effective_end <= (now or timezone.now())

    @property
    def past(self):
        return self.is_past()

    @property
    def registration_closes_at(self):
        return self.registration_deadline or self.starts_at

    def registration_open(self, now=None):
        return (
            self.registration_enabled
            and not self.cancelled
            and (now or timezone.now()) < self.registration_closes_at
        )

    @property
    def is_open(self):
        return self.registration_open()

    def registration_status(self, now=None):
        """Why a visitor can or cannot register, as one word for templates."""
        now = now or timezone.now()
        if self.cancelled:
            return "cancelled"
        if self.is_past(now):
            return "past"
        if not self.registration_enabled:
            return "elsewhere"
        if now >= self.registration_closes_at:
            return "closed"
        return "open"

    @property
    def status(self):
        return self.registration_status()

    @property
    def same_day(self):
        return self.ends_at is None or timezone.localdate(self.ends_at) == timezone.localdate(
            self.starts_at
        )

    @property
    def free_places(self):
        """Needs the `confirmed_count` annotation (see `with_counts`); None means unlimited."""
        if self.capacity is None:
            return None
        return max(self.capacity - self.confirmed_count, 0)

    @property
    def is_full(self):
        return self.capacity is not None and self.free_places == 0


def already_registered_message():
    """For someone registering with an address of their own account (verified), who may
    learn that it is registered; anyone else gets the same answer either way."""
    return gettext(
        "You already take part in this date with this e-mail address. If you did not receive "
        "the confirmation, please check your spam folder or write to the contact person."
    )


def new_cancel_token():
    return secrets.token_urlsafe(32)


def new_confirm_token():
    """A new confirmation token and the digest stored for it: the token itself only goes
    into the e-mail, so neither a copy of the database nor the admin can confirm for
    someone."""
    token = secrets.token_urlsafe(32)
    return token, confirm_token_digest(token)


def confirm_token_digest(token):
    return hashlib.sha256(token.encode()).hexdigest()


class RegistrationQuerySet(models.QuerySet):
    def active(self):
        """Registrations that take part: confirmed or on the waiting list."""
        return self.filter(state__in=ACTIVE_STATES)

    def pending(self):
        """Requests whose address is not confirmed yet: no place, no participant."""
        return self.filter(state=Registration.State.PENDING)

    def of_user(self, user, *, addresses=None):
        """The registrations a person may see as their own: made with the account, or for
        one of its verified addresses (in any case, and in normalize_email's spelling).
        Never by an unverified address: anyone can add one to an account. `addresses`:
        verified_addresses(user), if the caller has it already (saves its query)."""
        if not user.is_authenticated:
            return self.none()
        if addresses is None:
            addresses = verified_addresses(user)
        condition = Q(user=user)
        for email in sorted(addresses):
            condition |= Q(email__iexact=email)
        return self.filter(condition)


class Registration(models.Model):
    class State(models.TextChoices):
        PENDING = "unbestaetigt", _("not yet confirmed")
        CONFIRMED = "bestaetigt", _("confirmed")
        WAITING = "warteliste", _("on the waiting list")
        CANCELLED = "storniert", pgettext_lazy("registration state", "cancelled")

    event_date = models.ForeignKey(
        EventDate, verbose_name=_("date"), on_delete=models.CASCADE, related_name="registrations"
    )
    name = models.CharField(_("name"), max_length=150)
    email = models.EmailField(_("e-mail"))
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("municipality"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="offer_registrations",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="offer_registrations",
        help_text=_("Set when someone registers with a verified address of their account."),
    )
    state = models.CharField(_("state"), max_length=20, choices=State.choices)
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=settings.LANGUAGES,
        default="de",
        help_text=_("E-mails about this registration are written in this language."),
    )
    created_at = models.DateTimeField(
        _("registered at"),
        auto_now_add=True,
        help_text=_(
            "When the address was confirmed (for a request not yet confirmed: when it was "
            "made). The waiting list moves up in this order."
        ),
    )
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    attended = models.BooleanField(
        _("attended"),
        null=True,
        blank=True,
        help_text=_("Marked by the editors after the date (list of registrations, actions)."),
    )
    attendance_mailed_at = models.DateTimeField(
        _("confirmation of attendance sent at"), null=True, blank=True
    )
    # Whether the feedback form was answered; the answer itself (DateFeedback) does not
    # say by whom.
    feedback_given_at = models.DateTimeField(_("feedback given at"), null=True, blank=True)
    reminded_at = models.DateTimeField(
        _("reminded at"),
        null=True,
        blank=True,
        help_text=_("When the reminder before the date was sent (once per registration)."),
    )
    cancel_token = models.CharField(
        _("cancel token"), max_length=64, unique=True, default=new_cancel_token, editable=False
    )
    confirm_token = models.CharField(
        _("confirmation token (digest)"),
        max_length=64,
        unique=True,
        null=True,
        blank=True,
        editable=False,
    )
    confirm_expires_at = models.DateTimeField(
        _("can be confirmed until"),
        null=True,
        blank=True,
        editable=False,
        help_text=_(
            "Until then the person can confirm the request with the link in the e-mail; "
            "afterwards it is deleted."
        ),
    )

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [
            # A request not yet confirmed does not block the address: otherwise anyone
            # could lock a person out of a date by asking for it with their address.
            models.UniqueConstraint(
                F("event_date"),
                Lower("email"),
                condition=Q(state__in=["bestaetigt", "warteliste"]),
                name="offers_registration_one_per_email",
                violation_error_message=_(
                    "This e-mail address is already registered for this date."
                ),
            ),
            # One open request per address and date: a new one replaces it.
            models.UniqueConstraint(
                F("event_date"),
                Lower("email"),
                condition=Q(state="unbestaetigt"),
                name="offers_registration_one_request_per_email",
            ),
            models.CheckConstraint(
                condition=Q(state__in=["unbestaetigt", "bestaetigt", "warteliste", "storniert"]),
                name="offers_registration_state_valid",
            ),
            models.CheckConstraint(
                condition=~Q(state="unbestaetigt")
                | Q(confirm_token__isnull=False, confirm_expires_at__isnull=False),
                name="offers_registration_request_has_token_and_expiry",
            ),
        ]
        indexes = [models.Index(fields=["event_date", "state", "created_at"])]

    def __str__(self):
        return f"{self.name} <{self.email}>"

    def shown_on_public_pages(self):
        """Pages show the confirmed and waiting places of a date; a registration not yet
        confirmed holds none (page_cache.py)."""
        return self.state != self.State.PENDING

    def get_cancel_url(self):
        return reverse("offers:cancel_registration", args=[self.cancel_token])


ACTIVE_STATES = [Registration.State.CONFIRMED, Registration.State.WAITING]


def confirm_url(token):
    """The page where the address is confirmed, for the token (not its stored digest)."""
    return reverse("offers:confirm_registration", args=[token])


class DateFeedback(models.Model):
    """An anonymous answer to the feedback form after a date: one per registration that
    attended (Registration.feedback_given_at), with nothing that leads back to it."""

    class Score(models.IntegerChoices):
        VERY_LOW = 1, _("1 – not at all")
        LOW = 2, "2"
        MEDIUM = 3, "3"
        HIGH = 4, "4"
        VERY_HIGH = 5, _("5 – very much")

    event_date = models.ForeignKey(
        EventDate, verbose_name=_("date"), on_delete=models.CASCADE, related_name="feedback"
    )
    useful = models.PositiveSmallIntegerField(
        _("How useful was the date for your work?"), choices=Score.choices
    )
    applicable = models.PositiveSmallIntegerField(
        _("How likely will you apply something of it in your municipality?"),
        choices=Score.choices,
    )
    organised = models.PositiveSmallIntegerField(
        _("How well was the date organised?"), choices=Score.choices
    )
    comment = models.TextField(
        _("What should we keep, what should we change?"), max_length=2000, blank=True
    )
    # The day only: a moment could be matched with the moment someone was marked present.
    given_on = models.DateField(_("given on"), auto_now_add=True)

    shown_on_public_pages = False

    class Meta:
        ordering = ["-given_on", "-pk"]
        verbose_name = _("feedback on a date")
        verbose_name_plural = _("feedback on dates")
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    useful__range=(1, 5), applicable__range=(1, 5), organised__range=(1, 5)
                ),
                name="offers_datefeedback_scores_1_to_5",
            )
        ]

    def __str__(self):
        return f"{self.event_date} ({self.given_on:%d.%m.%Y})"
