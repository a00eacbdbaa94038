from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Case, Count, DateTimeField, F, Q, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from projects.models import Municipality, Topic
from transfer_portal.lib.editors import is_editor
from transfer_portal.lib.models import PublishedContent, PublishedQuerySet, RedirectsOldSlugs
from transfer_portal.lib.object_urls import object_url

SCALE_VALUES = range(1, 6)


class SurveyQuerySet(PublishedQuerySet):
    def open(self, now=None):
        now = now or timezone.now()
        return self.filter(opens_at__lte=now, closes_at__gt=now)

    def planned(self, now=None):
        return self.filter(opens_at__gt=now or timezone.now())

    def closed(self, now=None):
        return self.filter(closes_at__lte=now or timezone.now())

    def results_public(self, now=None):
        """Published surveys whose results every visitor may read right now."""
        now = now or timezone.now()
        V = Survey.ResultsVisibility
        return self.published().filter(
            Q(results_visibility=V.WHILE_OPEN, opens_at__lte=now)
            | Q(results_visibility=V.AFTER_CLOSING, closes_at__lte=now)
        )

    def with_response_counts(self):
        return self.annotate(
            submitted_count=Count(
                "responses", filter=Q(responses__state=Response.State.SUBMITTED), distinct=True
            ),
            draft_count=Count(
                "responses", filter=Q(responses__state=Response.State.DRAFT), distinct=True
            ),
        )


class Survey(RedirectsOldSlugs, PublishedContent):
    slug_url_names = (
        "surveys:survey_detail",
        "surveys:survey_participate",
        "surveys:response_history",
        "surveys:survey_results",
        "surveys:survey_segments",
        "surveys:self_assessment",
        "surveys:response_tracker",
        "surveys:survey_export",
    )
    # What the portal search finds it by, with weights (title A … context D); PostgreSQL
    # stores the vector (migration 0010, transfer_portal/lib/search_vectors.py).
    search_weights = (("title", "A"), ("intro", "B"), ("summary", "C"))

    class State(models.TextChoices):
        PLANNED = "geplant", _("planned")
        OPEN = "offen", _("open")
        CLOSED = "geschlossen", _("closed")

    class ResultsVisibility(models.TextChoices):
        AFTER_CLOSING = "nach_schluss", _("public after closing")
        WHILE_OPEN = "waehrend", _("public while open")
        EDITORS = "redaktion", _("editors only")

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    intro = models.TextField(
        _("introduction"), blank=True, help_text=_("Shown above the survey and its form.")
    )
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(
        _("closes at"), help_text=_("Answers can be given and changed until this moment.")
    )
    results_visibility = models.CharField(
        _("results visibility"),
        max_length=20,
        choices=ResultsVisibility.choices,
        default=ResultsVisibility.AFTER_CLOSING,
    )
    summary = models.TextField(
        _("summary of the findings"),
        blank=True,
        help_text=_("Published findings, shown with the results (or instead of them)."),
    )
    reported_participants = models.PositiveIntegerField(
        _("reported number of participating municipalities"),
        null=True,
        blank=True,
        help_text=_(
            "Only for surveys whose individual responses are not recorded in the portal, "
            "as the published findings state it."
        ),
    )
    top_topics = models.ManyToManyField(
        Topic,
        verbose_name=_("TOP topics (published findings)"),
        through="SurveyTopTopic",
        related_name="+",
        blank=True,
    )
    editor_note = models.TextField(
        _("note for the editors"),
        blank=True,
        help_text=_("Never shown on the portal, e.g. where questions or options come from."),
    )
    previous_wave = models.ForeignKey(
        "self",
        verbose_name=_("earlier wave"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="later_waves",
        help_text=_(
            "This survey asks again what an earlier one asked. Map its questions to the "
            "earlier ones on each question's page: the results then show the change."
        ),
    )

    objects = SurveyQuerySet.as_manager()

    class Meta:
        ordering = ["-closes_at", "title"]
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")),
                name="survey_closes_after_opening",
                violation_error_message=_("The survey must close after it opens."),
            ),
        ]

    def __str__(self):
        return self.title

    # What decides since when its results are public (results_public_from()).
    SCHEDULE_FIELDS = ("published", "results_visibility", "opens_at", "closes_at")

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        survey = super().from_db(db, field_names, values, **kwargs)
        # As stored, so that a change can be told apart (surveys/topics.py); a field not
        # loaded counts as changed.
        survey.stored_schedule = tuple(
            survey.__dict__.get(name, ...) for name in cls.SCHEDULE_FIELDS
        )
        return survey

    def schedule(self):
        """Its values of SCHEDULE_FIELDS, as stored_schedule holds them."""
        return tuple(getattr(self, name) for name in self.SCHEDULE_FIELDS)

    def schedule_changed(self):
        """Whether published, results visibility, opening or closing differ from what was
        loaded (True for an instance not loaded from the database)."""
        return self.schedule() != getattr(self, "stored_schedule", None)

    def clean(self):
        super().clean()
        wave, seen = self.previous_wave, {self.pk}
        while wave is not None:
            if wave.pk in seen:
                raise ValidationError(
                    {"previous_wave": _("A survey cannot be an earlier wave of itself.")}
                )
            seen.add(wave.pk)
            wave = wave.previous_wave

    def get_absolute_url(self):
        return object_url("surveys:survey_detail", self.slug)

    def get_results_url(self):
        return object_url("surveys:survey_results", self.slug)

    def state_at(self, now=None):
        now = now or timezone.now()
        if now < self.opens_at:
            return self.State.PLANNED
        if now < self.closes_at:
            return self.State.OPEN
        return self.State.CLOSED

    @property
    def state(self):
        return self.state_at()

    def get_state_display(self):
        return self.State(self.state).label

    @property
    def is_open(self):
        return self.state == self.State.OPEN

    def results_visible_to(self, user):
        if is_editor(user):
            return True
        if not self.published:
            return False
        state = self.state
        if self.results_visibility == self.ResultsVisibility.WHILE_OPEN:
            return state != self.State.PLANNED
        if self.results_visibility == self.ResultsVisibility.AFTER_CLOSING:
            return state == self.State.CLOSED
        return False


def results_public_from(path=""):
    """The moment from which a survey's results are public, as results_public() decides:
    its opening or its closing, by its results visibility; None for a draft or results for
    editors only. `path` leads to the survey from another model ("survey__")."""
    V = Survey.ResultsVisibility
    public = {f"{path}published": True}
    return Case(
        When(**public, **{f"{path}results_visibility": V.WHILE_OPEN}, then=F(f"{path}opens_at")),
        When(
            **public, **{f"{path}results_visibility": V.AFTER_CLOSING}, then=F(f"{path}closes_at")
        ),
        default=None,
        output_field=DateTimeField(),
    )


class SurveyTopTopic(models.Model):
    """A TOP topic as the published findings name it, for surveys without recorded responses."""

    survey = models.ForeignKey(
        Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="top_topic_links"
    )
    topic = models.ForeignKey(
        Topic, verbose_name=_("topic"), on_delete=models.CASCADE, related_name="survey_top_links"
    )
    position = models.PositiveSmallIntegerField(
        _("position"),
        default=1,
        help_text=_(
            "Only the order of the list: the published findings name TOP topics, the pages "
            "show no rank for them."
        ),
    )

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("TOP topic")
        verbose_name_plural = _("TOP topics (published findings)")
        constraints = [
            models.UniqueConstraint(fields=["survey", "topic"], name="survey_top_topic_unique"),
        ]

    def __str__(self):
        return str(self.topic)


class Question(models.Model):
    class Kind(models.TextChoices):
        SINGLE = "einfach", _("single choice")
        MULTIPLE = "mehrfach", _("multiple choice")
        SCALE = "skala", _("scale 1–5")
        TEXT = "freitext", _("free text")
        NUMBER = "zahl", _("number")
        SELF_ASSESSMENT = "selbst", _("self-assessment")

    CHOICE_KINDS = (Kind.SINGLE, Kind.MULTIPLE)

    survey = models.ForeignKey(
        Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="questions"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=1)
    text = models.CharField(_("question"), max_length=500)
    help_text = models.CharField(_("help text"), max_length=500, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    required = models.BooleanField(_("required"), default=False)
    max_choices = models.PositiveSmallIntegerField(
        _("maximum number of selections"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Multiple choice only; empty for no limit."),
    )
    allow_other = models.BooleanField(
        _("offer “Other” with free text"), default=False, help_text=_("Choice questions only.")
    )
    scale_min_label = models.CharField(
        _("label of scale value 1"), max_length=60, blank=True, help_text=_("Scale only.")
    )
    scale_max_label = models.CharField(
        _("label of scale value 5"), max_length=60, blank=True, help_text=_("Scale only.")
    )
    max_length = models.PositiveIntegerField(
        _("maximum length"),
        default=2000,
        validators=[MinValueValidator(1), MaxValueValidator(20000)],
        help_text=_("Free text and “Other” answers, in characters."),
    )
    min_value = models.IntegerField(
        _("minimum"), null=True, blank=True, help_text=_("Number only.")
    )
    max_value = models.IntegerField(
        _("maximum"), null=True, blank=True, help_text=_("Number only.")
    )
    previous_question = models.ForeignKey(
        "self",
        verbose_name=_("the same question in the earlier wave"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_(
            "A question of the survey's earlier wave, of the same kind. Options and "
            "dimensions are matched by their wording."
        ),
    )

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        constraints = [
            models.CheckConstraint(
                condition=Q(min_value__isnull=True)
                | Q(max_value__isnull=True)
                | Q(min_value__lte=models.F("max_value")),
                name="question_min_not_above_max",
                violation_error_message=_("The minimum must not be above the maximum."),
            ),
            models.CheckConstraint(
                condition=Q(max_choices__isnull=True) | Q(max_choices__gte=1),
                name="question_max_choices_positive",
            ),
        ]

    def __str__(self):
        return self.text

    def clean(self):
        super().clean()
        earlier = self.previous_question
        if earlier is None:
            return
        wave = self.survey.previous_wave_id if self.survey_id else None
        if earlier.survey_id != wave:
            raise ValidationError(
                {
                    "previous_question": _(
                        "Choose a question of this survey's earlier wave (set it on the survey)."
                    )
                }
            )
        if earlier.kind != self.kind:
            raise ValidationError(
                {"previous_question": _("The earlier question must be of the same kind.")}
            )

    @property
    def is_choice(self):
        return self.kind in self.CHOICE_KINDS

    @property
    def is_self_assessment(self):
        return self.kind == self.Kind.SELF_ASSESSMENT

    @property
    def steps(self):
        """{step: label} of a self-assessment's scale: its options in order, from 1."""
        return {index: choice.label for index, choice in enumerate(self.choices.all(), 1)}


def wording_key(text):
    """What options and dimensions of two survey waves are matched by: their wording,
    without differences of case and spacing."""
    return " ".join(str(text).split()).casefold()


class AssessmentDimension(models.Model):
    """A dimension of a self-assessment question ("Daten und Plattformen"), rated "today"
    and "target in 2–3 years" on the steps of the scale – the question's options, in their
    order – and linked to the topics whose measures and offers help with it."""

    question = models.ForeignKey(
        Question, verbose_name=_("question"), on_delete=models.CASCADE, related_name="dimensions"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=1)
    name = models.CharField(_("name"), max_length=200)
    topics = models.ManyToManyField(
        Topic,
        verbose_name=_("topics"),
        blank=True,
        related_name="assessment_dimensions",
        help_text=_(
            "Their measures and offers are suggested where a municipality wants to go further."
        ),
    )

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("dimension")
        verbose_name_plural = _("dimensions")

    def __str__(self):
        return self.name


class Choice(models.Model):
    question = models.ForeignKey(
        Question, verbose_name=_("question"), on_delete=models.CASCADE, related_name="choices"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=1)
    label = models.CharField(_("label"), max_length=200)
    topic = models.ForeignKey(
        Topic,
        verbose_name=_("topic"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="survey_choices",
        help_text=_("Links the option to a topic, so interest is counted across surveys."),
    )

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("option")
        verbose_name_plural = _("options")

    def __str__(self):
        return self.label

    @classmethod
    def from_db(cls, db, field_names, values, *, fetch_mode=None):
        choice = super().from_db(db, field_names, values, fetch_mode=fetch_mode)
        # Which topic is stored, so that a change can be told apart (surveys/topics.py).
        choice.stored_topic_id = choice.__dict__.get("topic_id", ...)
        return choice


class ParticipantQuerySet(models.QuerySet):
    def confirmed(self):
        return self.filter(status=Participant.Status.CONFIRMED)

    def pending(self):
        return self.filter(status=Participant.Status.PENDING)

    def confirmed_members_of(self, municipality):
        """The confirmed, active accounts that speak for a municipality and can be reached
        at their own confirmed address."""
        return self.confirmed().filter(
            municipality=municipality,
            user__is_active=True,
            user__emailaddress__verified=True,
            user__emailaddress__email__iexact=F("user__email"),
        )


class Participant(models.Model):
    """Links a user account to the municipality it answers surveys for.

    A new link is pending until it is confirmed: at once by a confirmed address on one of the
    municipality's e-mail domains, or by a confirmed colleague of the same municipality, or
    by an editor. Only a confirmed member sees and saves the municipality's answers; only
    editors change a link once it is made.
    """

    # Who answers for a municipality is on no public page (page_cache.py).
    shown_on_public_pages = False

    class Status(models.TextChoices):
        PENDING = "offen", _("awaiting confirmation")
        CONFIRMED = "bestaetigt", _("confirmed")
        DECLINED = "abgelehnt", _("declined")

    class DecidedVia(models.TextChoices):
        EMAIL_DOMAIN = "domain", _("e-mail domain of the municipality")
        COLLEAGUE = "kollegium", _("a confirmed colleague")
        EDITOR = "redaktion", _("the editors")
        BEFORE_CHECKS = "uebernommen", _("linked before links were checked")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="survey_participant",
    )
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="survey_participants",
        help_text=_("Empty while the named municipality awaits an editor's confirmation."),
    )
    requested_municipality = models.CharField(
        _("municipality named by the participant"),
        max_length=150,
        blank=True,
        help_text=_("A municipality missing from the list; create it and link it to confirm."),
    )
    status = models.CharField(
        _("state of the link"),
        max_length=10,
        choices=Status.choices,
        default=Status.PENDING,
        help_text=_(
            "Only a confirmed link lets the account see and change the municipality's answers."
        ),
    )
    decided_via = models.CharField(
        _("confirmed or declined by"), max_length=12, choices=DecidedVia.choices, blank=True
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by (account)"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    survey_reminders = models.BooleanField(
        _("reminders of open surveys"),
        default=True,
        help_text=_(
            "An e-mail when the editors remind the municipalities that have not submitted "
            "an open survey yet (at most once a week per survey)."
        ),
    )
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ParticipantQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("survey participant")
        verbose_name_plural = _("survey participants")
        constraints = [
            models.CheckConstraint(
                condition=Q(municipality__isnull=False) | ~Q(requested_municipality=""),
                name="participant_has_municipality_or_request",
                violation_error_message=_("Choose a municipality or name the missing one."),
            ),
            models.CheckConstraint(
                condition=~Q(status="bestaetigt") | Q(municipality__isnull=False),
                name="participant_confirmed_has_municipality",
                violation_error_message=_(
                    "A link can only be confirmed to a municipality of the list."
                ),
            ),
            models.CheckConstraint(
                condition=Q(status__in=["offen", "bestaetigt", "abgelehnt"]),
                name="participant_status_valid",
            ),
        ]
        indexes = [models.Index(fields=["municipality", "status"])]

    def __str__(self):
        return str(self.user)

    @property
    def is_confirmed(self):
        return self.status == self.Status.CONFIRMED and self.municipality_id is not None

    @property
    def is_pending(self):
        return self.status == self.Status.PENDING

    @property
    def is_declined(self):
        return self.status == self.Status.DECLINED

    @property
    def municipality_label(self):
        """The municipality chosen, or the one named as missing."""
        return str(self.municipality) if self.municipality_id else self.requested_municipality


class ResponseQuerySet(models.QuerySet):
    def submitted(self):
        return self.filter(state=Response.State.SUBMITTED)


class Response(models.Model):
    class State(models.TextChoices):
        DRAFT = "entwurf", _("Draft")
        SUBMITTED = "abgegeben", _("Submitted")

    survey = models.ForeignKey(
        Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="responses"
    )
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        related_name="survey_responses",
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.DRAFT)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("last changed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)

    objects = ResponseQuerySet.as_manager()

    class Meta:
        ordering = ["municipality__name"]
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "municipality"],
                name="response_one_per_municipality",
                violation_error_message=_("This municipality has already answered the survey."),
            ),
            models.CheckConstraint(
                condition=Q(state="entwurf") | Q(submitted_at__isnull=False),
                name="response_submitted_has_timestamp",
            ),
        ]
        indexes = [models.Index(fields=["survey", "state"])]

    def __str__(self):
        return f"{self.survey} – {self.municipality}"

    def shown_on_public_pages(self):
        """Public results and topic pages count submitted responses only; a submitted
        response never goes back to draft (page_cache.py)."""
        return self.state == self.State.SUBMITTED

    @property
    def is_submitted(self):
        return self.state == self.State.SUBMITTED


class Answer(models.Model):
    # Saved with its response, which invalidates cached pages itself (page_cache.py).
    shown_on_public_pages = False

    response = models.ForeignKey(
        Response, verbose_name=_("response"), on_delete=models.CASCADE, related_name="answers"
    )
    question = models.ForeignKey(
        Question, verbose_name=_("question"), on_delete=models.CASCADE, related_name="answers"
    )
    choices = models.ManyToManyField(
        Choice, verbose_name=_("selected options"), related_name="answers", blank=True
    )
    other_text = models.TextField(_("“Other” text"), blank=True)
    # A draft may have "Other" ticked before its text is written (submitting needs both).
    other_selected = models.BooleanField(_("“Other” ticked"), default=False)
    text = models.TextField(_("text"), blank=True)
    number = models.IntegerField(_("number or scale value"), null=True, blank=True)

    class Meta:
        ordering = ["question__position", "question_id"]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question"], name="answer_one_per_question"
            ),
        ]

    def __str__(self):
        return str(self.question)


class AssessmentRating(models.Model):
    """A municipality's rating of one dimension of a self-assessment: the step it stands on
    today and the one it aims for (1 = the scale's first option)."""

    # Saved with its response, which invalidates cached pages itself (page_cache.py).
    shown_on_public_pages = False

    answer = models.ForeignKey(
        Answer, verbose_name=_("answer"), on_delete=models.CASCADE, related_name="ratings"
    )
    dimension = models.ForeignKey(
        AssessmentDimension,
        verbose_name=_("dimension"),
        on_delete=models.CASCADE,
        related_name="ratings",
    )
    today = models.PositiveSmallIntegerField(_("today"), null=True, blank=True)
    target = models.PositiveSmallIntegerField(_("target in 2–3 years"), null=True, blank=True)

    class Meta:
        ordering = ["dimension__position", "dimension_id"]
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        constraints = [
            models.UniqueConstraint(
                fields=["answer", "dimension"], name="one_rating_per_dimension"
            ),
        ]

    def __str__(self):
        return f"{self.dimension}: {self.today} → {self.target}"


class ResponseVersion(models.Model):
    """One save or submission of a municipality's response, as it was then: who, when, draft
    or submitted, and the answers (question texts and option labels as they read then).

    Kept when the account that saved it is deleted ("deleted account"): the response belongs
    to the municipality.
    """

    # A response's history is never on a public page.
    shown_on_public_pages = False

    response = models.ForeignKey(
        Response, verbose_name=_("response"), on_delete=models.CASCADE, related_name="versions"
    )
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("saved by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    saved_at = models.DateTimeField(_("saved at"), default=timezone.now)
    state = models.CharField(_("state"), max_length=10, choices=Response.State.choices)
    answers = models.JSONField(_("answers"), default=list)

    class Meta:
        ordering = ["-saved_at", "-pk"]
        verbose_name = _("saved version of a response")
        verbose_name_plural = _("saved versions of responses")
        indexes = [models.Index(fields=["response", "-saved_at"])]

    def __str__(self):
        return f"{self.response} – {self.saved_at:%Y-%m-%d %H:%M}"

    @property
    def is_submitted(self):
        return self.state == Response.State.SUBMITTED


class ResponseTopic(models.Model):
    """A topic a submitted response chose at least one linked option of.

    Derived from the answers and never edited by hand (surveys/topics.py keeps it up to
    date): interest per topic is counted from these few rows instead of joining every
    answer with its options – on a portal with 20 surveys answered by all municipalities
    that join took most of a topic page's time. The response's survey is stored along, and
    drafts have no rows, so that counting per survey needs no join with the responses.
    """

    # Rebuilt along with a submitted response or changed options, which invalidate cached
    # pages themselves.
    shown_on_public_pages = False

    response = models.ForeignKey(
        Response, verbose_name=_("response"), on_delete=models.CASCADE, related_name="topics"
    )
    survey = models.ForeignKey(
        Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="+"
    )
    topic = models.ForeignKey(
        Topic, verbose_name=_("topic"), on_delete=models.CASCADE, related_name="response_links"
    )
    # The response's municipality, stored along like its survey: a topic page counts the
    # municipalities interested in the topic from this table's index alone (5 → <1 ms on
    # the large benchmark data, which joined 4,000 responses for it).
    municipality = models.ForeignKey(
        Municipality, verbose_name=_("municipality"), on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        verbose_name = _("topic of a response")
        verbose_name_plural = _("topics of responses")
        constraints = [
            models.UniqueConstraint(fields=["response", "topic"], name="response_topic_once"),
        ]
        indexes = [
            models.Index(fields=["topic", "response"]),
            models.Index(fields=["survey", "topic"]),  # counted per survey and topic
            # The municipalities interested in a topic, in the surveys with public results.
            models.Index(fields=["topic", "survey", "municipality"], name="topic_interest"),
        ]

    def __str__(self):
        return f"{self.response} – {self.topic}"


class PublicTopicInterest(models.Model):
    """Since when it is public that a municipality is interested in a topic: the earliest
    moment from which the results are public (results_public_from) of a survey in which its
    submitted response chose an option linked to the topic. A survey whose results are never
    public gives no row.

    Derived from ResponseTopic and the surveys' schedules, and never edited: surveys/topics.py
    keeps it current. A topic page counts the municipalities interested in a topic as its rows
    whose moment has come, from an index (public_topic_interest_since): counting the distinct
    municipalities among the response topics of every public survey took 0.8 ms of the topic
    page's 3 ms of SQL on the large benchmark data (3,300 rows for one topic, 420 places).
    """

    # Changes along with responses and surveys, which invalidate cached pages themselves.
    shown_on_public_pages = False

    topic = models.ForeignKey(
        Topic,
        verbose_name=_("topic"),
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,  # the indexes below begin with it
    )
    municipality = models.ForeignKey(
        Municipality, verbose_name=_("municipality"), on_delete=models.CASCADE, related_name="+"
    )
    public_from = models.DateTimeField(_("public from"))

    class Meta:
        verbose_name = _("public interest in a topic")
        verbose_name_plural = _("public interests in topics")
        constraints = [
            models.UniqueConstraint(
                fields=["topic", "municipality"], name="public_topic_interest_once"
            ),
        ]
        indexes = [
            models.Index(fields=["topic", "public_from"], name="public_topic_interest_since"),
        ]

    def __str__(self):
        return f"{self.municipality_id} – {self.topic_id}"


class SurveyReminder(models.Model):
    """A reminder the editors sent to the municipalities that had not submitted a survey:
    at most one per survey in REMINDER_INTERVAL (surveys/reminders.py)."""

    shown_on_public_pages = False

    survey = models.ForeignKey(
        Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="reminders"
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    municipalities = models.PositiveIntegerField(_("municipalities reminded"))
    recipients = models.PositiveIntegerField(_("e-mails sent"))

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("survey reminder")
        verbose_name_plural = _("survey reminders")
        indexes = [models.Index(fields=["survey", "-sent_at"])]

    def __str__(self):
        return f"{self.survey} – {timezone.localtime(self.sent_at):%d.%m.%Y %H:%M}"


class ResultsSnapshot(models.Model):
    """The numbers of a survey's results, counted from its submitted responses.

    Derived and never edited: surveys/results.py refreshes it in the transaction of every
    change of responses, answers or options (surveys/topics.py lists where), so that the
    results page and the topic pages read one row instead of counting the survey's answers
    (tens of thousands on a large portal) on every view. `manage.py
    rebuild_response_topics` recomputes all of them.
    """

    # Derived from responses and options, whose own changes invalidate cached pages (a
    # submitted response does, a draft does not): refreshing it changes no page by itself.
    shown_on_public_pages = False

    survey = models.OneToOneField(
        Survey,
        verbose_name=_("survey"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="results_snapshot",
    )
    participants = models.PositiveIntegerField(_("participating municipalities"), default=0)
    # [[topic id, submitted responses that chose it], …]
    topic_counts = models.JSONField(_("responses per topic"), default=list)
    # {"choices": {option id: count}, "questions": {question id: {"answered", "other",
    # "mean", "minimum", "maximum", "scale": {value: count}}}}
    numbers = models.JSONField(_("numbers per question and option"), default=dict)
    # {segmentation: {"k", "keys", "limits", "tables": {question id: {"grid", "states"}}}}:
    # the results by segment, protected (surveys/segments.py), for the directory and the
    # minimum group size they were counted with.
    segments = models.JSONField(_("numbers per segment"), default=dict)
    refreshed_at = models.DateTimeField(_("refreshed at"), auto_now=True)

    class Meta:
        verbose_name = _("results snapshot")
        verbose_name_plural = _("results snapshots")

    def __str__(self):
        return str(self.survey)
