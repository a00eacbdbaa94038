from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from surveys import membership, services
from surveys.models import (
    Answer,
    AssessmentDimension,
    Choice,
    Participant,
    Question,
    Response,
    ResponseVersion,
    Survey,
    SurveyReminder,
    SurveyTopTopic,
)
from transfer_portal.lib.admin_actions import PublishActions
from transfer_portal.lib.admin_columns import (
    KeepRelatedObjects,
    change_link,
    short_date,
    short_datetime,
    yes_no,
)

EXPORT_LINKS = [
    ("csv", _("CSV")),
    ("csv-excel", _("CSV for Excel")),
    ("xlsx", _("Excel (XLSX)")),
]


def export_links(survey):
    return format_html_join(
        " · ",
        '<a href="{}">{}</a>',
        (
            (reverse("surveys:survey_export", args=[survey.slug, kind]), label)
            for kind, label in EXPORT_LINKS
        ),
    )


class QuestionInline(KeepRelatedObjects, admin.StackedInline):
    model = Question
    extra = 0
    show_change_link = True
    fields = [
        ("position", "kind", "required"),
        "text",
        "help_text",
        ("max_choices", "allow_other"),
        ("scale_min_label", "scale_max_label"),
        ("max_length", "min_value", "max_value"),
    ]


class TopTopicInline(KeepRelatedObjects, admin.TabularInline):
    model = SurveyTopTopic
    extra = 0
    autocomplete_fields = ["topic"]


class SurveyStateFilter(admin.SimpleListFilter):
    """Planned, open or closed: the state follows from the period, not from a field."""

    title = _("state")
    parameter_name = "zustand"

    def lookups(self, request, model_admin):
        return Survey.State.choices

    def queryset(self, request, queryset):
        by_state = {
            Survey.State.PLANNED: queryset.planned,
            Survey.State.OPEN: queryset.open,
            Survey.State.CLOSED: queryset.closed,
        }
        select = by_state.get(self.value())
        return select() if select else queryset


@admin.register(Survey)
class SurveyAdmin(KeepRelatedObjects, PublishActions, admin.ModelAdmin):
    list_display = ["title", "state_display", "period", "is_published", "progress", "exports"]
    is_published = yes_no(Survey, "published")
    list_filter = [SurveyStateFilter, "published", "results_visibility"]
    search_fields = ["title", "intro"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["exports", "links"]
    autocomplete_fields = ["previous_wave"]
    inlines = [QuestionInline, TopTopicInline]
    actions = [*PublishActions.actions, "duplicate"]

    class Media:
        js = ["js/admin-question-kinds.js"]  # shows a question's settings for its kind

    fieldsets = [
        (None, {"fields": ["title", "slug", "intro", "published", "editor_note"]}),
        (_("Period"), {"fields": [("opens_at", "closes_at"), "previous_wave"]}),
        (
            _("Results"),
            {
                "fields": [
                    "results_visibility",
                    "summary",
                    "reported_participants",
                    "links",
                    "exports",
                ]
            },
        ),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).with_response_counts()

    @admin.display(description=_("state"))
    def state_display(self, obj):
        return obj.get_state_display()

    @admin.display(description=_("period"), ordering="closes_at")
    def period(self, obj):
        return f"{short_date(obj.opens_at)} – {short_date(obj.closes_at)}"

    @admin.display(description=_("progress"), ordering="submitted_count")
    def progress(self, obj):
        started = obj.submitted_count + obj.draft_count
        if not started:
            return "–"
        return ngettext(
            "%(submitted)d of %(started)d started response submitted",
            "%(submitted)d of %(started)d started responses submitted",
            started,
        ) % {"submitted": obj.submitted_count, "started": started}

    @admin.display(description=_("export responses"))
    def exports(self, obj):
        if obj.pk is None:
            return "–"
        return export_links(obj)

    @admin.display(description=_("results and responses"))
    def links(self, obj):
        if obj.pk is None:
            return "–"
        responses = reverse("admin:surveys_response_changelist")
        return format_html(
            '<a href="{}">{}</a> · <a href="{}?survey__id__exact={}">{}</a> · <a href="{}">{}</a>',
            reverse("surveys:survey_results", args=[obj.slug]),
            gettext("Results page"),
            responses,
            obj.pk,
            gettext("Responses of this survey"),
            reverse("surveys:response_tracker", args=[obj.slug]),
            gettext("Who has responded, and reminders"),
        )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Options are entered on a question's own page, after the survey is saved.
        missing = form.instance.questions.filter(
            kind__in=Question.CHOICE_KINDS, choices__isnull=True
        )
        if missing:
            self.message_user(
                request,
                format_html(
                    "{} {}",
                    gettext("These choice questions have no options yet:"),
                    format_html_join(
                        ", ",
                        '<a href="{}">{}</a>',
                        (
                            (reverse("admin:surveys_question_change", args=[q.pk]), q.text)
                            for q in missing
                        ),
                    ),
                ),
                messages.WARNING,
            )

    @admin.action(description=_("Duplicate selected surveys for a follow-up round"))
    def duplicate(self, request, queryset):
        for survey in queryset:
            copy = services.duplicate_survey(survey)
            self.message_user(
                request,
                _("“%(copy)s” created as an unpublished copy; please check its dates.")
                % {"copy": copy},
                messages.SUCCESS,
            )


class ChoiceInline(KeepRelatedObjects, admin.TabularInline):
    model = Choice
    extra = 0
    autocomplete_fields = ["topic"]


class DimensionFormSet(forms.BaseInlineFormSet):
    def clean(self):
        """A self-assessment rates dimensions: without one there is nothing to rate (and
        the form would not even ask for it)."""
        super().clean()
        if self.instance.kind != Question.Kind.SELF_ASSESSMENT:
            return
        kept = [
            form
            for form in self.forms
            if form.cleaned_data
            and not form.cleaned_data.get("DELETE")
            and (form.instance.pk or form.has_changed())
        ]
        if not kept:
            raise ValidationError(
                _("A self-assessment needs at least one dimension to rate."), code="no_dimension"
            )


class DimensionInline(KeepRelatedObjects, admin.TabularInline):
    """A self-assessment's dimensions; its scale's steps are the options above."""

    model = AssessmentDimension
    formset = DimensionFormSet
    extra = 0
    autocomplete_fields = ["topics"]
    verbose_name_plural = _("dimensions (self-assessment only; the options are the scale's steps)")


@admin.register(Question)
class QuestionAdmin(KeepRelatedObjects, admin.ModelAdmin):
    list_display = ["text", "survey", "position", "kind", "is_required"]
    is_required = yes_no(Question, "required")
    list_filter = [("survey", admin.RelatedOnlyFieldListFilter), "kind"]
    search_fields = ["text", "survey__title"]
    list_select_related = ["survey"]
    inlines = [ChoiceInline, DimensionInline]
    autocomplete_fields = ["previous_question"]

    class Media:
        js = ["js/admin-question-kinds.js"]


class AnswerInline(KeepRelatedObjects, admin.TabularInline):
    model = Answer
    extra = 0
    fields = ["question", "selected", "other_selected", "other_text", "text", "number"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("question").prefetch_related("choices")

    @admin.display(description=_("selected options"))
    def selected(self, obj):
        return ", ".join(choice.label for choice in obj.choices.all())


class ResponseVersionInline(admin.TabularInline):
    """Every save and submission, newest first: who, when, draft or submitted, the answers."""

    model = ResponseVersion
    extra = 0
    fields = ["saved_at", "saved_by_email", "state", "answer_summary"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("saved_by")

    @admin.display(description=_("saved by"))
    def saved_by_email(self, obj):
        return obj.saved_by.email if obj.saved_by else gettext("deleted account")

    @admin.display(description=_("answers"))
    def answer_summary(self, obj):
        return format_html_join(
            "",
            "<p><strong>{}</strong><br>{}</p>",
            ((row["question"], _answer_text(row)) for row in obj.answers),
        )


def _answer_text(row):
    parts = [", ".join(row.get("choices") or [])]
    if row.get("other"):
        parts.append(gettext("Other: %(text)s") % {"text": row["other"]})
    parts.append(row.get("text") or "")
    if row.get("number") is not None:
        parts.append(str(row["number"]))
    return "; ".join(part for part in parts if part)


@admin.register(Response)
class ResponseAdmin(KeepRelatedObjects, admin.ModelAdmin):
    list_display = ["municipality_name", "survey_title", "state", "submitted", "updated"]
    list_filter = [("survey", admin.RelatedOnlyFieldListFilter), "state"]
    search_fields = ["municipality__name", "survey__title"]
    list_select_related = ["municipality", "survey"]
    # What a municipality submitted, as it submitted it: editors read (or delete) it, see
    # has_change_permission. Listed here so that the automatic times are shown too.
    readonly_fields = [
        "survey",
        "municipality",
        "state",
        "submitted_by",
        "updated_by",
        "created_at",
        "updated_at",
        "submitted_at",
    ]
    inlines = [AnswerInline, ResponseVersionInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        # View only: saving would change "updated" (what the municipality sees) for nothing.
        return False

    @admin.display(description=_("municipality"), ordering="municipality__name")
    def municipality_name(self, obj):
        return str(obj.municipality)

    @admin.display(description=_("survey"), ordering="survey__title")
    def survey_title(self, obj):
        return change_link(obj.survey, obj.survey.title)

    @admin.display(description=_("submitted at"), ordering="submitted_at")
    def submitted(self, obj):
        return short_datetime(obj.submitted_at)

    @admin.display(description=_("updated"), ordering="updated_at")
    def updated(self, obj):
        return short_datetime(obj.updated_at)


class LinkStateFilter(admin.SimpleListFilter):
    """The state of links; pending requests are listed oldest first (see get_ordering)."""

    title = _("state of the link")
    parameter_name = "stand"

    def lookups(self, request, model_admin):
        return Participant.Status.choices

    def queryset(self, request, queryset):
        if self.value() in Participant.Status.values:
            return queryset.filter(status=self.value())
        return queryset


class UserByEmailField(forms.ModelChoiceField):
    """An account given by its e-mail address, typed by the editor: a select would list every
    account that may answer surveys (data minimisation, and hundreds of options)."""

    widget = forms.EmailInput(attrs={"autocomplete": "off", "class": "vTextField"})
    default_error_messages = {
        "invalid_choice": _(
            "There is no confirmed participant account with this e-mail address that is "
            "not linked to a municipality yet."
        ),
    }

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return self.queryset.get(email__iexact=str(value).strip())
        except (self.queryset.model.DoesNotExist, self.queryset.model.MultipleObjectsReturned):
            raise ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            ) from None

    def prepare_value(self, value):
        return getattr(value, "email", value)


@admin.register(Participant)
class ParticipantAdmin(KeepRelatedObjects, admin.ModelAdmin):
    list_display = ["user_email", "municipality_or_named", "status", "created_at", "decision"]
    list_filter = [LinkStateFilter]
    search_fields = ["user__email", "municipality__name", "requested_municipality"]
    list_select_related = ["user", "municipality", "decided_by"]
    autocomplete_fields = ["municipality"]
    fields = [
        "user",
        "municipality",
        "requested_municipality",
        "status",
        "survey_reminders",
        "decided_via",
        "decided_by_email",
        "decided_at",
        "created_at",
        "updated_at",
    ]
    readonly_fields = ["decided_via", "decided_by_email", "decided_at", "created_at", "updated_at"]
    actions = ["confirm_links", "decline_links", "confirm_requested"]

    def get_ordering(self, request):
        # The requests that wait, oldest first: whoever has waited longest comes first.
        if request.GET.get(LinkStateFilter.parameter_name) == Participant.Status.PENDING:
            return ["created_at", "pk"]
        return ["-created_at", "-pk"]

    def save_model(self, request, obj, form, change):
        if not change or {"status", "municipality"} & set(form.changed_data):
            membership.record_editor_change(obj, request.user)
        super().save_model(request, obj, form, change)

    @admin.display(description=_("municipality"), ordering="municipality__name")
    def municipality_or_named(self, obj):
        if obj.municipality_id:
            return str(obj.municipality)
        return format_html("{} <em>({})</em>", obj.requested_municipality, _("named, missing"))

    @admin.display(description=_("decided"))
    def decision(self, obj):
        if not obj.decided_at:
            return "–"
        who = obj.decided_by.email if obj.decided_by else obj.get_decided_via_display()
        return f"{short_datetime(obj.decided_at)} · {who}"

    @admin.display(description=_("decided by (account)"))
    def decided_by_email(self, obj):
        return obj.decided_by.email if obj.decided_by else "–"

    def get_readonly_fields(self, request, obj=None):
        # The account of an existing link stays (a new account gets a new link).
        return [*self.readonly_fields, "user_email"] if obj else self.readonly_fields

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if obj:
            return ["user_email", *(name for name in fields if name not in ("user", "user_email"))]
        return fields

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Editors pick the account by its e-mail address. (A raw ID's lookup, or an
        # autocomplete, would need the user admin, which editors must not get.)
        if db_field.name == "user":
            # Only accounts that may answer surveys and are not linked yet: confirmed
            # address, no staff account (data minimisation: no list of every account).
            kwargs["queryset"] = (
                get_user_model()
                .objects.filter(
                    is_active=True,
                    is_staff=False,
                    emailaddress__verified=True,
                    survey_participant__isnull=True,
                )
                .distinct()
                .order_by("email")
            )
            kwargs["form_class"] = UserByEmailField
            kwargs["help_text"] = _(
                "The e-mail address of a confirmed account that is not linked to a "
                "municipality yet."
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "user":
            # Without the admin's add/change links beside it: they belong to a select.
            return self.formfield_for_foreignkey(db_field, request, **kwargs)
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    @admin.display(description=_("e-mail"), ordering="user__email")
    def user_email(self, obj):
        return obj.user.email

    @admin.action(description=_("Confirm the selected pending links"))
    def confirm_links(self, request, queryset):
        self._decide(
            request, queryset, membership.confirm, _("%(user)s is now linked to %(municipality)s.")
        )

    @admin.action(description=_("Decline the selected pending links"))
    def decline_links(self, request, queryset):
        self._decide(
            request,
            queryset,
            membership.decline,
            _("The link of %(user)s to %(municipality)s is declined."),
        )

    def _decide(self, request, queryset, decide, done):
        for participant in queryset.filter(status=Participant.Status.PENDING):
            try:
                decided = decide(participant.pk, by=request.user, via=Participant.DecidedVia.EDITOR)
            except membership.NotDecidable as error:
                self.message_user(request, f"{participant.user}: {error}", messages.WARNING)
                continue
            self.message_user(
                request,
                done % {"user": decided.user, "municipality": decided.municipality_label},
                messages.SUCCESS,
            )

    @admin.action(description=_("Create the named municipality and confirm the link"))
    def confirm_requested(self, request, queryset):
        for participant in queryset.filter(
            municipality__isnull=True, status=Participant.Status.PENDING
        ):
            services.create_requested_municipality(participant)
            decided = membership.confirm(
                participant.pk, by=request.user, via=Participant.DecidedVia.EDITOR
            )
            self.message_user(
                request,
                _("%(user)s is now linked to %(municipality)s.")
                % {"user": decided.user, "municipality": decided.municipality},
                messages.SUCCESS,
            )


@admin.register(SurveyReminder)
class SurveyReminderAdmin(admin.ModelAdmin):
    """The log of reminders: sent from the response tracker, never edited here."""

    list_display = ["survey", "sent_at", "sent_by", "municipalities", "recipients"]
    list_filter = ["survey"]
    list_select_related = ["survey", "sent_by"]
    date_hierarchy = "sent_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
