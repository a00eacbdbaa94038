from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import (
    DomainNameValidator,
    MaxValueValidator,
    MinValueValidator,
    RegexValidator,
)
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from transfer_portal.lib.models import PublishedContent, PublishedQuerySet, RedirectsOldSlugs
from transfer_portal.lib.object_urls import object_url


class Topic(RedirectsOldSlugs, models.Model):
    slug_url_names = ("projects:topic_detail", "feed_topic")
    # What the portal search finds it by, with weights (title A … context D); PostgreSQL
    # stores the vector (migration 0020, transfer_portal/lib/search_vectors.py).
    search_weights = (("name", "A"), ("description", "B"))

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    description = models.TextField(
        _("short description"),
        blank=True,
        help_text=_("One or two sentences shown on the topic overview."),
    )
    position = models.PositiveSmallIntegerField(
        _("position"), default=0, help_text=_("Topics are listed in ascending order.")
    )

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return object_url("projects:topic_detail", self.slug)


class TopicCount(models.Model):
    """What the public sees of a topic, counted: published model projects, and published
    measures and lessons learned of published projects. Stored so that the topic overview
    and a topic page need not count thousands of rows on every visit; counted again in the
    transaction of every change that could alter it (projects/topic_counts.py)."""

    topic = models.OneToOneField(
        Topic, on_delete=models.CASCADE, primary_key=True, related_name="public_counts"
    )
    projects = models.PositiveIntegerField(_("model projects"), default=0)
    measures = models.PositiveIntegerField(_("measures"), default=0)
    insights = models.PositiveIntegerField(_("lessons learned"), default=0)

    class Meta:
        verbose_name = _("topic count")
        verbose_name_plural = _("topic counts")

    def __str__(self):
        return str(self.topic_id)


class TopicProject(models.Model):
    """A published model project the public sees working on a topic: linked to it, or with
    a published measure on it. Kept with TopicCount (projects/topic_counts.py), so that a
    topic page finds its projects without going through all of the topic's measures."""

    # Derived from the projects and measures, whose own changes invalidate cached pages.
    shown_on_public_pages = False

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="+")
    project = models.ForeignKey("ModelProject", on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("model project of a topic")
        verbose_name_plural = _("model projects of topics")
        constraints = [
            models.UniqueConstraint(fields=["topic", "project"], name="one_topic_project")
        ]

    def __str__(self):
        return f"{self.topic_id}: {self.project_id}"


# Addresses at these providers belong to anyone: never proof of working for a municipality.
PUBLIC_MAIL_DOMAINS = frozenset(
    [
        "aol.com",
        "arcor.de",
        "freenet.de",
        "gmail.com",
        "googlemail.com",
        "gmx.de",
        "gmx.net",
        "hotmail.com",
        "hotmail.de",
        "icloud.com",
        "live.com",
        "live.de",
        "mail.de",
        "mailbox.org",
        "me.com",
        "online.de",
        "outlook.com",
        "outlook.de",
        "posteo.de",
        "proton.me",
        "protonmail.com",
        "t-online.de",
        "web.de",
        "yahoo.com",
        "yahoo.de",
    ]
)


def email_domains_of(text):
    """The domains in an editor's list (one per line, or separated by commas or spaces),
    lower case, without a leading "@" or dot, in the order given, each once."""
    domains = []
    for item in text.replace(",", " ").split():
        domain = item.strip().lstrip("@.").rstrip(".").lower()
        if domain and domain not in domains:
            domains.append(domain)
    return domains


def validate_email_domains(text):
    errors = []
    for domain in email_domains_of(text):
        try:
            DomainNameValidator(accept_idna=True)(domain)
        except ValidationError:
            errors.append(_("“%(domain)s” is not a domain such as guben.de.") % {"domain": domain})
            continue
        if "." not in domain:
            errors.append(_("“%(domain)s” is not a domain such as guben.de.") % {"domain": domain})
        elif domain in PUBLIC_MAIL_DOMAINS:
            errors.append(
                _(
                    "“%(domain)s” is a public mail provider: anybody can have an address "
                    "there, so it proves nothing about a municipality."
                )
                % {"domain": domain}
            )
    if errors:
        raise ValidationError(errors)


class SizeClassQuerySet(models.QuerySet):
    def for_population(self, population):
        """The class a population falls into (None without a population or classes)."""
        if population is None:
            return None
        return self.containing(population).first()

    def containing(self, population):
        """The classes whose lower bound a population reaches, the one it falls into first;
        `population` may be an expression, OuterRef("population") in a subquery."""
        return self.filter(min_population__lte=population).order_by("-min_population")


class SizeClass(models.Model):
    """A band of municipality sizes by population ("Größenklasse"): from its own lower
    bound up to the next class's. The editors set the bands; measures name the classes
    they suit, municipalities fall into one by their population."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    min_population = models.PositiveIntegerField(
        _("from inhabitants"),
        unique=True,
        help_text=_("The class reaches up to the lower bound of the next larger one."),
    )

    objects = SizeClassQuerySet.as_manager()

    class Meta:
        ordering = ["min_population"]
        verbose_name = _("size class")
        verbose_name_plural = _("size classes")

    def __str__(self):
        return self.name


class Municipality(RedirectsOldSlugs, models.Model):
    slug_url_names = ("projects:municipality_detail",)

    class Kind(models.TextChoices):
        CITY = "stadt", pgettext_lazy("kind of municipality", "town")
        MUNICIPALITY = "gemeinde", pgettext_lazy("kind of municipality", "municipality")
        AMT = "amt", pgettext_lazy("kind of municipality", "Amt")
        DISTRICT = "landkreis", pgettext_lazy("kind of municipality", "district")
        DISTRICT_FREE_CITY = (
            "kreisfreie_stadt",
            pgettext_lazy("kind of municipality", "district-free city"),
        )

    ags = models.CharField(
        _("official municipality key (AGS)"),
        max_length=8,
        unique=True,
        null=True,
        blank=True,
        validators=[RegexValidator(r"^\d{8}$", _("The AGS consists of exactly 8 digits."))],
        help_text=_("Amtlicher Gemeindeschlüssel, 8 digits, e.g. 12054000 for Potsdam."),
    )
    name = models.CharField(_("name"), max_length=150)
    slug = models.SlugField(_("slug"), max_length=160, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    district = models.ForeignKey(
        "self",
        verbose_name=_("district"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
        limit_choices_to={"kind": Kind.DISTRICT},
        help_text=_(
            "The Landkreis a municipality belongs to; empty for districts and district-free cities."
        ),
    )
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    population = models.PositiveIntegerField(
        _("population"),
        null=True,
        blank=True,
        help_text=_("As the official municipality directory (GV100AD) states it."),
    )
    amt = models.ForeignKey(
        "self",
        verbose_name=_("Amt"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="amt_members",
        limit_choices_to={"kind": Kind.AMT},
        help_text=_("The Amt a municipality belongs to, if any."),
    )
    # Ämter have no AGS of their own: the directory names them by the Kreis and the number
    # of the Gemeindeverband (9 digits).
    association_key = models.CharField(
        _("key of the Gemeindeverband"),
        max_length=9,
        unique=True,
        null=True,
        blank=True,
        validators=[RegexValidator(r"^\d{9}$", _("The key consists of exactly 9 digits."))],
    )
    is_sample = models.BooleanField(
        _("sample data"),
        default=False,
        help_text=_("Marks a made-up municipality used only for trying out the portal."),
    )
    email_domains = models.TextField(
        _("e-mail domains of the administration"),
        blank=True,
        validators=[validate_email_domains],
        help_text=_(
            "One per line, e.g. guben.de. An account with a confirmed address at one of these "
            "domains (or a subdomain) is linked to the municipality at once; everybody else "
            "waits for a colleague or the editors to confirm. Only domains that the "
            "administration alone hands out addresses on."
        ),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="municipality_coordinates_complete",
                violation_error_message=_("Enter both latitude and longitude, or neither."),
            ),
        ]

    def __str__(self):
        return self.label(self.name, self.kind)

    @property
    def size_class(self):
        return SizeClass.objects.for_population(self.population)

    @classmethod
    def label(cls, name, kind):
        """How a municipality is named, from its name and kind (without an instance)."""
        if kind == cls.Kind.DISTRICT:
            return _("Landkreis %(name)s") % {"name": name}
        return name

    def clean(self):
        super().clean()
        self.email_domains = "\n".join(email_domains_of(self.email_domains))

    def owns_email_address(self, address):
        """Whether an address is on one of the municipality's domains (or a subdomain)."""
        domain = address.rpartition("@")[2].strip().rstrip(".").lower()
        if not domain:
            return False
        return any(
            domain == own or domain.endswith("." + own)
            for own in email_domains_of(self.email_domains)
        )


class SourceFields(models.Model):
    """Where a fact was found and when it was last checked."""

    title = models.CharField(_("title"), max_length=300)
    url = models.URLField(_("address"), max_length=500, blank=True)
    checked_on = models.DateField(_("checked on"))

    class Meta:
        abstract = True
        ordering = ["pk"]

    def __str__(self):
        return self.title


class ModelProject(RedirectsOldSlugs, PublishedContent):
    slug_url_names = ("projects:project_detail", "projects:ask_project")
    # What the portal search finds it by (weights A title … D context); PostgreSQL stores
    # the vector (migration 0007, transfer_portal/lib/search_vectors.py).
    search_weights = (
        ("title", "A"),
        ("motto", "B"),
        ("summary", "B"),
        ("description", "C"),
        ("fields_of_action", "C"),
    )

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    municipalities = models.ManyToManyField(
        Municipality, verbose_name=_("municipalities"), related_name="model_projects"
    )
    funding_round = models.PositiveSmallIntegerField(
        _("funding round (year)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(2019), MaxValueValidator(2030)],
    )
    motto = models.CharField(_("motto or strategy"), max_length=200, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    description = models.TextField(_("description"), blank=True)
    fields_of_action = models.TextField(
        _("focus areas"),
        blank=True,
        help_text=_(
            "The project's fields of action, bundles of measures or tasks, as it names them, "
            "one per line."
        ),
    )
    website = models.URLField(_("website"), blank=True)
    topics = models.ManyToManyField(
        Topic, verbose_name=_("topics"), related_name="model_projects", blank=True
    )
    contact_name = models.CharField(_("contact name"), max_length=150, blank=True)
    contact_role = models.CharField(_("contact role"), max_length=150, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=50, blank=True)

    objects = PublishedQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        verbose_name = _("model project")
        verbose_name_plural = _("model projects")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return object_url("projects:project_detail", self.slug)

    @property
    def fields_of_action_list(self):
        return [line.strip() for line in self.fields_of_action.splitlines() if line.strip()]

    @property
    def has_contact(self):
        return bool(self.contact_name or self.contact_email or self.contact_phone)


class ProjectSource(SourceFields):
    project = models.ForeignKey(
        ModelProject,
        verbose_name=_("model project"),
        on_delete=models.CASCADE,
        related_name="sources",
    )

    class Meta(SourceFields.Meta):
        verbose_name = _("source")
        verbose_name_plural = _("sources")


# What the search also finds a measure or lesson learned by: its project's title and
# municipalities ("Cottbus Mobilität" finds Cottbus's measures on mobility). Kept up to date
# by projects/search_context.py, never edited.
SEARCH_CONTEXT_HELP = _("The project's title and municipalities, for the search.")


def search_context_of(project):
    """The words of a project that its measures and lessons learned are found by."""
    names = sorted(m.name for m in project.municipalities.all() if m.name not in project.title)
    return " ".join([project.title, *names])


class YesNo(models.TextChoices):
    """A yes or a no; empty where it is not known."""

    YES = "ja", _("yes")
    NO = "nein", _("no")


class CostBand(models.TextChoices):
    """Bands of costs in euros; the upper bound of each is part of it."""

    UP_TO_10K = "bis_10000", _("up to 10,000 €")
    UP_TO_50K = "bis_50000", _("10,000 to 50,000 €")
    UP_TO_250K = "bis_250000", _("50,000 to 250,000 €")
    OVER_250K = "ueber_250000", _("more than 250,000 €")

    @classmethod
    def of(cls, euros):
        """The band an amount falls into (None for no amount)."""
        if euros is None:
            return None
        for band, upper in ((cls.UP_TO_10K, 10_000), (cls.UP_TO_50K, 50_000)):
            if euros <= upper:
                return band
        return cls.UP_TO_250K if euros <= 250_000 else cls.OVER_250K


# Pairs of an amount and its band on the measure profile: (amount field, band field).
COST_FIELDS = (("investment_eur", "investment_band"), ("running_costs_eur", "running_costs_band"))


# Addresses under /massnahmen/ that are the portal's own pages, not a measure's.
RESERVED_MEASURE_SLUGS = ("vergleich",)


class MeasureQuerySet(PublishedQuerySet):
    def published(self):
        return self.filter(published=True, project__published=True)


class Measure(RedirectsOldSlugs, PublishedContent):
    slug_url_names = (
        "projects:measure_detail",
        "projects:ask_measure",
        "projects:transfer_plan",
    )
    # What the portal search finds it by (weights A title … D context); PostgreSQL stores
    # the vector (migration 0021, transfer_portal/lib/search_vectors.py).
    search_weights = (
        ("title", "A"),
        ("summary", "B"),
        ("goal", "B"),
        ("description", "C"),
        ("transfer_preconditions", "C"),
        ("transfer_effort", "C"),
        ("transfer_notes", "C"),
        ("funding_sources", "C"),
        # The project's title and municipalities (lowest weight): "Cottbus Mobilität".
        ("search_context", "D"),
        ("licence", "D"),
    )

    class Status(models.TextChoices):
        PLANNED = "geplant", _("planned")
        IN_PROGRESS = "in_umsetzung", _("in progress")
        COMPLETED = "abgeschlossen", _("completed")
        ESTABLISHED = "verstetigt", _("made permanent")

    class TransferPhase(models.TextChoices):
        IDEA = "idee", _("idea")
        PILOT = "pilot", _("pilot")
        REGULAR = "regelbetrieb", _("regular operation")
        ADOPTED = "uebernommen", _("adopted elsewhere")

    class OperatingModel(models.TextChoices):
        OWN = "eigenbetrieb", _("own operation")
        SERVICE_PROVIDER = "dienstleister", _("service provider")
        INTER_MUNICIPAL = "interkommunal", _("inter-municipal cooperation")
        PARTNERS = "partner", _("with local partners (e.g. public utilities, associations)")
        OTHER = "sonstiges", _("other")

    project = models.ForeignKey(
        ModelProject,
        verbose_name=_("model project"),
        on_delete=models.CASCADE,
        related_name="measures",
    )
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    summary = models.TextField(_("summary"), blank=True)
    description = models.TextField(_("description"), blank=True)
    topics = models.ManyToManyField(
        Topic, verbose_name=_("topics"), related_name="measures", blank=True
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=Status.choices,
        blank=True,
        help_text=_("Leave empty while the status is not known."),
    )
    transfer_preconditions = models.TextField(
        _("transferability: preconditions"),
        blank=True,
        help_text=_("What a municipality needs before it can adopt this measure."),
    )
    transfer_effort = models.TextField(
        _("transferability: effort"),
        blank=True,
        help_text=_("Time, money and staff the measure needed."),
    )
    transfer_notes = models.TextField(_("transferability: what others should know"), blank=True)
    # The profile for transfer ("Steckbrief", issue 19): every field may stay empty, and an
    # empty field is shown as not known – nothing is filled in that no source says.
    goal = models.TextField(_("goal"), blank=True)
    transfer_phase = models.CharField(
        _("transfer phase"), max_length=20, choices=TransferPhase.choices, blank=True
    )
    continued_after_funding = models.CharField(
        _("continued after the funding ended"), max_length=4, choices=YesNo.choices, blank=True
    )
    investment_eur = models.PositiveIntegerField(
        _("investment costs (euros)"),
        null=True,
        blank=True,
        help_text=_("If only a range is known, leave this empty and choose the band."),
    )
    investment_band = models.CharField(
        _("investment costs (band)"),
        max_length=20,
        choices=CostBand.choices,
        blank=True,
        help_text=_("Set from the amount when an amount is given."),
    )
    running_costs_eur = models.PositiveIntegerField(
        _("running costs per year (euros)"), null=True, blank=True
    )
    running_costs_band = models.CharField(
        _("running costs per year (band)"),
        max_length=20,
        choices=CostBand.choices,
        blank=True,
        help_text=_("Set from the amount when an amount is given."),
    )
    funding_sources = models.TextField(
        _("funding sources"),
        blank=True,
        help_text=_("For example the federal programme and the municipality's own share."),
    )
    staff_fte = models.DecimalField(
        _("staff (full-time equivalents)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    staff_person_days = models.PositiveIntegerField(
        _("staff effort (person-days)"), null=True, blank=True
    )
    duration_months = models.PositiveSmallIntegerField(
        _("duration (months)"), null=True, blank=True
    )
    operating_model = models.CharField(
        _("operating model"), max_length=20, choices=OperatingModel.choices, blank=True
    )
    open_source = models.CharField(
        _("open source"), max_length=4, choices=YesNo.choices, blank=True
    )
    licence = models.CharField(
        _("licence"), max_length=100, blank=True, help_text=_("For example EUPL-1.2 or MIT.")
    )
    size_classes = models.ManyToManyField(
        SizeClass,
        verbose_name=_("suitable for municipalities of size"),
        related_name="measures",
        blank=True,
    )
    code_url = models.URLField(
        _("code or product"),
        max_length=500,
        blank=True,
        help_text=_("Address of the source code or of the product."),
    )
    search_context = models.TextField(
        _("search context"), blank=True, default="", editable=False, help_text=SEARCH_CONTEXT_HELP
    )
    # The project's title, kept current with the search context (projects/search_context.py):
    # a topic page lists its measures by project title and title, which an index on both
    # answers from the first rows instead of sorting all of the topic's measures.
    project_title = models.CharField(
        _("title of the model project"), max_length=200, blank=True, default="", editable=False
    )

    objects = MeasureQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        indexes = [
            models.Index(fields=["published", "-created_at"]),
            # Counting and ordering the published measures of a topic (and checking the
            # measure of each lesson learned) reads this index alone, not every wide row
            # (PostgreSQL; on the large benchmark data 6.5 → 1.4 ms for a topic's measures).
            models.Index(
                fields=["id"], include=["published", "project", "title"], name="measure_listed"
            ),
            models.Index(
                fields=["project_title", "title"],
                include=["published", "project", "id"],
                name="measure_by_project",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return object_url("projects:measure_detail", self.slug)

    @property
    def has_transfer_notes(self):
        return bool(self.transfer_preconditions or self.transfer_effort or self.transfer_notes)

    def clean(self):
        super().clean()
        # An amount and a band that say different things: the editor decides which is right.
        errors = {}
        if self.slug in RESERVED_MEASURE_SLUGS:
            errors["slug"] = _(
                "This address is used by the portal itself (the comparison of measures). "
                "Please choose another one."
            )
        for amount_field, band_field in COST_FIELDS:
            amount, band = getattr(self, amount_field), getattr(self, band_field)
            if amount is not None and band and CostBand.of(amount) != band:
                errors[band_field] = _(
                    "The amount lies in the band “%(band)s”. Choose that band or leave the "
                    "band empty."
                ) % {"band": CostBand(CostBand.of(amount)).label}
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        # The band follows the amount, so that filtering by band finds every measure with
        # an amount in it.
        update_fields = kwargs.get("update_fields")
        for amount_field, band_field in COST_FIELDS:
            if (amount := getattr(self, amount_field)) is not None:
                setattr(self, band_field, CostBand.of(amount))
                if update_fields is not None and amount_field in update_fields:
                    kwargs["update_fields"] = update_fields = {*update_fields, band_field}
        super().save(*args, **kwargs)

    def prerequisite_checklist(self):
        """[(kind label, prerequisite or None)] for every kind, in the checklist's order;
        None where nothing is recorded (reads `prerequisites` once: prefetch it)."""
        recorded = {item.kind: item for item in self.prerequisites.all()}
        Kind = MeasurePrerequisite.Kind
        return [(label, recorded.get(kind)) for kind, label in Kind.choices]


class MeasurePrerequisite(models.Model):
    """One item of a measure's checklist of prerequisites: whether it is needed, and how."""

    class Kind(models.TextChoices):
        DATA = "daten", _("data")
        INFRASTRUCTURE = "infrastruktur", _("infrastructure")
        LEGAL = "recht", _("legal basis and data protection (GDPR)")
        PROCUREMENT = "vergabe", _("procurement")
        PARTNERS = "partner", _("partners")
        POLITICAL = "beschluss", _("political decision")

    measure = models.ForeignKey(
        Measure,
        verbose_name=_("measure"),
        on_delete=models.CASCADE,
        related_name="prerequisites",
    )
    kind = models.CharField(_("prerequisite"), max_length=20, choices=Kind.choices)
    needed = models.CharField(_("needed"), max_length=4, choices=YesNo.choices)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("prerequisite")
        verbose_name_plural = _("prerequisites")
        ordering = ["measure", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["measure", "kind"], name="one_prerequisite_per_kind")
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.get_needed_display()}"


class MeasureSource(SourceFields):
    measure = models.ForeignKey(
        Measure, verbose_name=_("measure"), on_delete=models.CASCADE, related_name="sources"
    )

    class Meta(SourceFields.Meta):
        verbose_name = _("source")
        verbose_name_plural = _("sources")


class InsightQuerySet(PublishedQuerySet):
    def published(self):
        return self.filter(published=True, project__published=True).filter(
            Q(measure__isnull=True) | Q(measure__published=True)
        )


class Insight(PublishedContent):
    # What the portal search finds it by (weights A title … D context); PostgreSQL stores
    # the vector (migration 0007, transfer_portal/lib/search_vectors.py).
    search_weights = (("text", "B"), ("search_context", "D"))

    class Kind(models.TextChoices):
        SUCCESS_FACTOR = "erfolgsfaktor", _("success factor")
        PITFALL = "stolperstein", _("pitfall")
        TIP = "tipp", _("tip")

    project = models.ForeignKey(
        ModelProject,
        verbose_name=_("model project"),
        on_delete=models.CASCADE,
        related_name="insights",
    )
    measure = models.ForeignKey(
        Measure,
        verbose_name=_("measure"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="insights",
    )
    topic = models.ForeignKey(
        Topic, verbose_name=_("topic"), on_delete=models.PROTECT, related_name="insights"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    text = models.TextField(_("text"))
    search_context = models.TextField(
        _("search context"), blank=True, default="", editable=False, help_text=SEARCH_CONTEXT_HELP
    )

    objects = InsightQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "pk"]
        indexes = [
            models.Index(fields=["published", "-created_at"]),
            # The newest of one project or topic (their pages show the first ten or so):
            # read in order from these instead of filtering the newest of all.
            models.Index(fields=["project", "-created_at", "-id"]),
            models.Index(fields=["topic", "-created_at", "-id"]),
            # Counting the published lessons of a topic reads this index alone (PostgreSQL;
            # 10 → 2 ms for a topic with 1,600 lessons on the large benchmark data).
            models.Index(
                fields=["topic"],
                include=["id", "published", "project", "measure"],
                name="insight_counted",
            ),
        ]
        verbose_name = _("lesson learned")
        verbose_name_plural = _("lessons learned")

    def __str__(self):
        return self.text[:80]

    def get_absolute_url(self):
        owner = self.measure if self.measure_id else self.project
        return f"{owner.get_absolute_url()}#erkenntnisse"

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.measure_id and self.project_id and self.measure.project_id != self.project_id:
            raise ValidationError(
                {"measure": _("The measure must belong to the selected model project.")}
            )


class AdoptionQuerySet(models.QuerySet):
    def public(self):
        """Adoptions of measures the public sees (of published projects)."""
        return self.filter(measure__published=True, measure__project__published=True)


class Adoption(models.Model):
    """Where a municipality stands with taking a measure over ("Nachnutzung", issue 19):
    one current stage per municipality and measure, set by a confirmed member of the
    municipality; every change is kept in AdoptionChange."""

    class Stage(models.TextChoices):
        INTERESTED = "interessiert", _("interested")
        REVIEWING = "in_pruefung", _("under review")
        IMPLEMENTING = "in_umsetzung", _("being implemented")
        IMPLEMENTED = "umgesetzt", _("implemented")
        REJECTED = "verworfen", _("rejected")

    # From "in Prüfung" on, the model project (or DABB) hears of it by mail.
    REPORTED_STAGES = (Stage.REVIEWING, Stage.IMPLEMENTING, Stage.IMPLEMENTED)

    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("municipality"),
        on_delete=models.CASCADE,
        related_name="adoptions",
    )
    measure = models.ForeignKey(
        Measure, verbose_name=_("measure"), on_delete=models.CASCADE, related_name="adoptions"
    )
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices)
    reason = models.TextField(
        _("reason"), blank=True, help_text=_("Why the measure was rejected (required then).")
    )
    note = models.TextField(_("note"), blank=True)
    # Named on the measure page as contact for other municipalities, only with their consent;
    # the account's deletion removes the name (SET_NULL).
    contact = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("contact person (with consent)"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    changed_at = models.DateTimeField(_("changed at"), auto_now=True)

    objects = AdoptionQuerySet.as_manager()

    class Meta:
        ordering = ["municipality__name"]
        verbose_name = _("adoption")
        verbose_name_plural = _("adoptions")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "measure"], name="one_adoption_per_municipality"
            ),
            models.CheckConstraint(
                condition=~Q(stage="verworfen") | ~Q(reason=""),
                name="rejected_adoption_has_reason",
                violation_error_message=_("Please say briefly why the measure was rejected."),
            ),
        ]
        indexes = [models.Index(fields=["measure", "stage"])]

    def __str__(self):
        return f"{self.municipality} – {self.measure}: {self.get_stage_display()}"


class AdoptionChange(models.Model):
    """One step in the history of an adoption: the stage it was set to, when and by whom."""

    shown_on_public_pages = False  # the history is for the editors

    adoption = models.ForeignKey(
        Adoption, verbose_name=_("adoption"), on_delete=models.CASCADE, related_name="changes"
    )
    stage = models.CharField(_("stage"), max_length=20, choices=Adoption.Stage.choices)
    reason = models.TextField(_("reason"), blank=True)
    note = models.TextField(_("note"), blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True)

    class Meta:
        ordering = ["-changed_at", "-pk"]
        verbose_name = _("change of an adoption")
        verbose_name_plural = _("changes of adoptions")
        indexes = [models.Index(fields=["stage", "changed_at"])]

    def __str__(self):
        return f"{self.get_stage_display()} ({self.changed_at:%d.%m.%Y})"


class QuestionAsked(models.Model):
    """That a question was sent to a model project – when, and about which measure – for
    DABB's view of transfer. Nothing of the question itself and nothing of the person who
    asked is kept (the question is only sent by e-mail)."""

    shown_on_public_pages = False

    project = models.ForeignKey(
        ModelProject,
        verbose_name=_("model project"),
        on_delete=models.CASCADE,
        related_name="questions_asked",
    )
    measure = models.ForeignKey(
        Measure,
        verbose_name=_("measure"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="questions_asked",
    )
    asked_at = models.DateTimeField(_("asked at"), auto_now_add=True)

    class Meta:
        ordering = ["-asked_at"]
        verbose_name = _("question asked")
        verbose_name_plural = _("questions asked")
        indexes = [models.Index(fields=["project", "asked_at"])]

    def __str__(self):
        return f"{self.project} ({self.asked_at:%d.%m.%Y})"
