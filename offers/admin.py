import functools
import itertools

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IS_POPUP_VAR
from django.db import transaction
from django.db.models import Avg, Count, Q
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.text import Truncator
from django.utils.translation import gettext, ngettext, ngettext_lazy
from django.utils.translation import gettext_lazy as _

from offers import services
from offers.models import Contact, DateFeedback, EventDate, Offer, Registration
from transfer_portal.lib.admin_actions import PublishActions
from transfer_portal.lib.admin_columns import (
    KeepRelatedObjects,
    change_link,
    short_datetime,
    yes_no,
)
from transfer_portal.lib.spreadsheets import write_csv
from transfer_portal.lib.validators import normalize_email, single_line

State = Registration.State


def _local(moment):
    return timezone.localtime(moment).strftime("%d.%m.%Y %H:%M") if moment else ""


def registrations_csv(registrations, filename):
    """CSV for Excel (spreadsheet programs open umlauts right). Requests not confirmed yet
    are left out: they are not participants, and what they say was typed by anyone."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    header = [
        gettext("Offer"),
        gettext("Date"),
        gettext("Starts at"),
        gettext("Name"),
        gettext("E-mail"),
        gettext("Municipality"),
        gettext("State"),
        gettext("Registered at"),
        gettext("Cancelled at"),
    ]
    registrations = (
        registrations.exclude(state=State.PENDING)
        .select_related("event_date__offer", "municipality")
        .order_by("event_date__starts_at", "event_date", "created_at", "pk")
    )
    rows = (
        [
            registration.event_date.offer.title,
            registration.event_date.title,
            _local(registration.event_date.starts_at),
            registration.name,
            registration.email,
            registration.municipality.name if registration.municipality else "",
            registration.get_state_display(),
            _local(registration.created_at),
            _local(registration.cancelled_at),
        ]
        for registration in registrations
    )
    write_csv(response, itertools.chain([header], rows), excel=True)
    return response


def fill_free_places_on_commit(event_date_ids):
    """People on the waiting list move up once the change is saved, and get their e-mail."""
    for pk in sorted(set(event_date_ids)):
        transaction.on_commit(functools.partial(services.fill_free_places, pk))


def announce_cancellations_on_commit(request, event_dates):
    """Registered people hear of a date's cancellation once it is saved; the editor is told
    that they will."""
    for event_date in event_dates:
        if event_date.is_past():
            continue  # recorded afterwards: nobody to tell
        _announce_on_commit(
            request,
            event_date,
            functools.partial(services.announce_cancellation, event_date.pk),
            ngettext_lazy(
                "“%(date)s” is cancelled: %(count)d registered person is told by e-mail.",
                "“%(date)s” is cancelled: %(count)d registered people are told by e-mail.",
                "count",
            ),
        )


def announce_changes_on_commit(request, event_dates):
    """Registered people hear of a date's new time or place, or that it takes place after
    all, once it is saved (a cancellation is announced above); the editor is told that
    they will."""
    for event_date in event_dates:
        changes = getattr(event_date, "calendar_changes", [])
        if not changes or event_date.cancelled or event_date.is_past():
            continue
        _announce_on_commit(
            request,
            event_date,
            functools.partial(services.announce_change, event_date.pk, changes),
            ngettext_lazy(
                "“%(date)s” has changed: %(count)d registered person is told by e-mail.",
                "“%(date)s” has changed: %(count)d registered people are told by e-mail.",
                "count",
            ),
        )


def _announce_on_commit(request, event_date, announce, message):
    transaction.on_commit(announce)
    active = event_date.registrations.active().count()
    if active:
        messages.info(request, message % {"date": event_date, "count": active})


class ExportPermissionMixin:
    def has_export_permission(self, request):
        return request.user.has_perm("offers.view_registration")


@admin.register(Contact)
class ContactAdmin(KeepRelatedObjects, PublishActions, admin.ModelAdmin):
    list_display = ["name", "role", "email", "position", "is_published"]
    is_published = yes_no(Contact, "published")
    list_editable = ["position"]
    list_filter = ["published"]
    search_fields = ["name", "role", "email", "helps_with"]
    fields = [
        "name",
        "role",
        "organisation",
        "email",
        "phone",
        "helps_with",
        ("photo", "photo_alt"),
        "position",
        "published",
        "checked_on",
    ]


class EventDateInline(KeepRelatedObjects, admin.TabularInline):
    """What an editor needs at a glance; the date's own page (its link) has the rest."""

    model = EventDate
    fields = ["title", "starts_at", "ends_at", "location", "capacity", "cancelled"]
    show_change_link = True
    extra = 0


@admin.register(Offer)
class OfferAdmin(KeepRelatedObjects, PublishActions, admin.ModelAdmin):
    list_display = ["title", "kind", "format", "contact", "is_published", "date_count"]
    is_published = yes_no(Offer, "published")
    list_filter = ["published", "kind", "format", "topics"]
    search_fields = ["title", "summary", "description"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["topics", "contact"]
    list_select_related = ["contact"]
    inlines = [EventDateInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "kind", "format", "published"]}),
        (
            _("Content"),
            {"fields": ["summary", "description", "topics", "external_url", "checked_on"]},
        ),
        (_("Contact"), {"fields": ["contact"]}),
        (_("Feedback on its dates"), {"fields": ["feedback"]}),
    ]
    readonly_fields = ["feedback"]

    @admin.display(description=_("feedback"))
    def feedback(self, obj):
        if obj.pk is None:
            return "–"
        return feedback_summary(DateFeedback.objects.filter(event_date__offer=obj))

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(date_total=Count("dates"))

    @admin.display(description=_("dates"), ordering="date_total")
    def date_count(self, obj):
        return obj.date_total

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.model is EventDate:
            # More places for a date in the inline: as on the date's own page.
            fill_free_places_on_commit(
                date.pk for date, changed in formset.changed_objects if "capacity" in changed
            )
            announce_cancellations_on_commit(
                request,
                [
                    date
                    for date, changed in formset.changed_objects
                    if "cancelled" in changed and date.cancelled
                ],
            )
            announce_changes_on_commit(request, [date for date, _fields in formset.changed_objects])


class RegistrationInline(KeepRelatedObjects, admin.TabularInline):
    """Read-only: registrations come in through the form, so the capacity rule holds. The
    participants only: requests not confirmed yet are counted and linked above."""

    model = Registration
    fields = ["name", "email", "municipality", "state", "created_at", "cancelled_at"]
    readonly_fields = fields
    can_delete = False
    show_change_link = True
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .exclude(state=State.PENDING)
            .select_related("municipality")
        )


class UpcomingFilter(admin.SimpleListFilter):
    title = _("period")
    parameter_name = "zeitraum"

    def lookups(self, request, model_admin):
        return [("kommend", _("upcoming")), ("vergangen", _("past"))]

    def queryset(self, request, queryset):
        if self.value() == "kommend":
            return queryset.upcoming()
        if self.value() == "vergangen":
            return queryset.past()
        return queryset


def registrations_url(event_date, state=None):
    """The registrations list, filtered to one date (and state)."""
    query = {"event_date__id__exact": event_date.pk}
    if state:
        query["state__exact"] = state
    return f"{reverse('admin:offers_registration_changelist')}?{urlencode(query)}"


@admin.register(EventDate)
class EventDateAdmin(KeepRelatedObjects, ExportPermissionMixin, admin.ModelAdmin):
    # Sample data is a filter, not a column: at 1280 px every column has to fit.
    list_display = ["title", "offer_title", "starts", "capacity", "registrations", "is_cancelled"]
    is_cancelled = yes_no(EventDate, "cancelled")
    list_filter = [UpcomingFilter, "cancelled", "is_sample", "offer"]
    # Set only by the local try-out data (manage.py serve); a tick by mistake would announce
    # a real date as a sample that does not take place.
    exclude = ["is_sample"]
    search_fields = ["title", "offer__title", "location"]
    date_hierarchy = "starts_at"
    ordering = ["-starts_at", "-pk"]
    autocomplete_fields = ["offer"]
    list_select_related = ["offer"]
    readonly_fields = ["registration_summary", "feedback"]
    inlines = [RegistrationInline]
    actions = ["export_registrations"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .with_counts()
            .annotate(
                cancelled_count=Count(
                    "registrations", filter=Q(registrations__state=State.CANCELLED)
                ),
                pending_count=Count("registrations", filter=Q(registrations__state=State.PENDING)),
            )
        )

    @admin.display(description=_("offer"), ordering="offer__title")
    def offer_title(self, obj):
        return change_link(obj.offer, obj.offer.title)

    @admin.display(description=_("starts at"), ordering="starts_at")
    def starts(self, obj):
        return short_datetime(obj.starts_at)

    def _counts(self, obj):
        """Confirmed, waiting and cancelled, each linked to the registrations list; requests
        not confirmed yet only when there are any (they hold no place)."""
        counts = [
            (State.CONFIRMED, obj.confirmed_count),
            (State.WAITING, obj.waiting_count),
            (State.CANCELLED, obj.cancelled_count),
        ]
        if obj.pending_count:
            counts.append((State.PENDING, obj.pending_count))
        return format_html_join(
            " · ",
            '<a href="{}">{}</a>',
            ((registrations_url(obj, state), f"{count} {state.label}") for state, count in counts),
        )

    @admin.display(description=_("registrations"), ordering="confirmed_count")
    def registrations(self, obj):
        return self._counts(obj)

    @admin.display(description=_("feedback"))
    def feedback(self, obj):
        return feedback_summary(obj.feedback.all()) if obj.pk else "–"

    @admin.display(description=_("registrations"))
    def registration_summary(self, obj):
        if obj.pk is None:
            return "–"
        free = obj.free_places
        places = (
            gettext("unlimited places")
            if free is None
            else ngettext("%(count)d place free", "%(count)d places free", free) % {"count": free}
        )
        summary = format_html(
            '{}; {}<br><a href="{}">{}</a>',
            self._counts(obj),
            places,
            registrations_url(obj),
            gettext("All registrations of this date"),
        )
        if not obj.registration_open():  # past, cancelled or after the deadline
            return summary
        add_url = f"{reverse('admin:offers_registration_add')}?event_date={obj.pk}"
        return format_html(
            '{} · <a href="{}">{}</a>',
            summary,
            add_url,
            gettext("Register someone (e.g. by phone)"),
        )

    @admin.action(
        description=_("Export the registrations of the selected dates (CSV)"),
        permissions=["export"],
    )
    def export_registrations(self, request, queryset):
        return registrations_csv(
            Registration.objects.filter(event_date__in=queryset), "anmeldungen.csv"
        )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "capacity" in form.changed_data:
            fill_free_places_on_commit([obj.pk])
        if change and "cancelled" in form.changed_data and obj.cancelled:
            announce_cancellations_on_commit(request, [obj])
        if change:
            announce_changes_on_commit(request, [obj])


# Said to the editor, not to the person (already_registered_message() speaks to them).
ALREADY_REGISTERED = _("This e-mail address is already registered for this date.")


class RegistrationAddForm(forms.ModelForm):
    """An editor registers someone who signed up by phone or letter: the same rules as on
    the portal (free place or waiting list, no second registration, only while open)."""

    class Meta:
        model = Registration
        fields = ["event_date", "name", "email", "municipality"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "name" in self.fields:  # not when the page is read-only (a request, view rights)
            self.fields["name"].validators.append(single_line)

    def clean_email(self):
        return normalize_email(self.cleaned_data["email"])

    def clean(self):
        cleaned = super().clean()
        event_date, email = cleaned.get("event_date"), cleaned.get("email")
        if event_date and not event_date.registration_open():
            self.add_error("event_date", gettext("Registration for this date is closed."))
        elif event_date and email and services.is_registered(event_date, email):
            self.add_error("email", ALREADY_REGISTERED)
        return cleaned


class RegistrationChangeForm(RegistrationAddForm):
    """Corrections to a registration: its address stays unique among the date's active
    registrations (the date is read-only here, so Django leaves the database constraint
    unchecked and a duplicate ended in a server error)."""

    class Meta(RegistrationAddForm.Meta):
        fields = ["name", "email", "municipality"]

    def clean_email(self):
        email = super().clean_email()
        registration = self.instance
        if registration.state != State.CANCELLED and services.is_registered(
            registration.event_date, email, besides=registration
        ):
            raise forms.ValidationError(ALREADY_REGISTERED)
        return email


@admin.register(Registration)
class RegistrationAdmin(KeepRelatedObjects, ExportPermissionMixin, admin.ModelAdmin):
    # Attendance is a filter, not a column: at 1280 px every column has to fit.
    list_display = ["name", "email", "date", "municipality_name", "state_label", "registered_at"]
    list_filter = ["state", "attended", "event_date__offer", "event_date"]
    search_fields = ["name", "email", "event_date__title", "event_date__offer__title"]
    list_select_related = ["event_date__offer", "municipality"]
    readonly_fields = [
        "event_date",
        "state",
        "created_at",
        "cancelled_at",
        "user",
        "confirm_expires_at",
        "reminded_at",
        "attended",
        "attendance_mailed_at",
    ]
    fields = [
        "event_date",
        "name",
        "email",
        "municipality",
        "user",
        "state",
        "created_at",
        "reminded_at",
        "attended",
        "attendance_mailed_at",
    ]
    autocomplete_fields = ["municipality", "event_date"]  # event_date: when adding
    actions = ["export", "cancel", "mark_attended", "mark_absent"]

    add_fields = ["event_date", "name", "email", "municipality"]

    def get_form(self, request, obj=None, **kwargs):
        kwargs["form"] = RegistrationAddForm if obj is None else RegistrationChangeForm
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return self.add_fields
        if obj.state == State.PENDING:
            return [*self.fields, "confirm_expires_at"]
        return self.fields

    def has_change_permission(self, request, obj=None):
        # A request not confirmed yet is what anyone typed, for an address nobody has
        # confirmed: editors may delete it, not turn it into a participant.
        if obj is not None and obj.state == State.PENDING:
            return False
        return super().has_change_permission(request, obj)

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.readonly_fields

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        # As on the portal: place or waiting list under the date's lock, and the e-mail.
        try:
            registration = services.register(
                obj.event_date_id,
                name=obj.name,
                email=obj.email,
                municipality=obj.municipality,
                send_email=False,  # the admin's transaction is still open
            )
        except services.RegistrationError as error:  # changed since the form was checked
            obj.not_registered = str(error)
            return
        transaction.on_commit(functools.partial(services.send_registered_email, registration))
        obj.pk, obj.state = registration.pk, registration.state

    def log_addition(self, request, obj, message):
        if obj.pk is not None:
            return super().log_addition(request, obj, message)
        return None

    def response_add(self, request, obj, post_url_continue=None):
        if getattr(obj, "not_registered", None):
            self.message_user(request, obj.not_registered, messages.ERROR)
            return redirect(request.path)
        self.message_user(
            request,
            gettext("%(name)s: %(state)s. The e-mail about it goes out now.")
            % {"name": obj.name, "state": obj.get_state_display()},
        )
        if {"_addanother", "_continue", IS_POPUP_VAR} & set(request.POST):
            return super().response_add(request, obj, post_url_continue)
        # Back to where the editor came from: the registrations of that date.
        return redirect(registrations_url(obj.event_date))

    @admin.display(description=_("date"), ordering="event_date__starts_at")
    def date(self, obj):
        return change_link(obj.event_date)

    @admin.display(description=_("municipality"), ordering="municipality__name")
    def municipality_name(self, obj):
        return str(obj.municipality) if obj.municipality_id else "–"

    @admin.display(description=_("state"), ordering="state")
    def state_label(self, obj):
        if obj.state != State.PENDING:
            return obj.get_state_display()
        return format_html(
            "<em>{}</em>",
            gettext("%(state)s: holds no place; can be confirmed until %(moment)s")
            % {"state": obj.get_state_display(), "moment": short_datetime(obj.confirm_expires_at)},
        )

    @admin.display(description=_("registered at"), ordering="created_at")
    def registered_at(self, obj):
        return short_datetime(obj.created_at)

    # A deleted confirmed registration frees its place, as a cancellation does.
    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        if obj.state == State.CONFIRMED:
            fill_free_places_on_commit([obj.event_date_id])

    def delete_queryset(self, request, queryset):
        freed = list(queryset.filter(state=State.CONFIRMED).values_list("event_date", flat=True))
        super().delete_queryset(request, queryset)
        fill_free_places_on_commit(freed)

    @admin.action(
        description=_("Mark as attended (sends the confirmation of attendance once)"),
        permissions=["change"],
    )
    def mark_attended(self, request, queryset):
        self._tell_marked(request, services.mark_attendance(queryset, True), queryset)

    @admin.action(description=_("Mark as not attended"), permissions=["change"])
    def mark_absent(self, request, queryset):
        self._tell_marked(request, services.mark_attendance(queryset, False), queryset)

    def _tell_marked(self, request, marked, queryset):
        self.message_user(
            request,
            ngettext("%(count)s registration marked.", "%(count)s registrations marked.", marked)
            % {"count": marked},
        )
        skipped = queryset.count() - marked
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(count)s registration left as it was: only confirmed places of dates "
                    "that have begun can be marked.",
                    "%(count)s registrations left as they were: only confirmed places of "
                    "dates that have begun can be marked.",
                    skipped,
                )
                % {"count": skipped},
                messages.WARNING,
            )

    @admin.action(description=_("Export selected registrations (CSV)"), permissions=["export"])
    def export(self, request, queryset):
        return registrations_csv(queryset, "anmeldungen.csv")

    @admin.action(
        description=_("Cancel selected registrations (the waiting list moves up)"),
        permissions=["change"],
    )
    def cancel(self, request, queryset):
        done = 0
        # Requests not confirmed yet have nothing to cancel (and nobody to write to).
        active = queryset.active()
        for token in active.values_list("cancel_token", flat=True):
            try:
                services.cancel_registration(token, by_editor=True)
            except services.CancellationClosed:
                continue
            done += 1
        self.message_user(
            request,
            ngettext(
                "%(count)d registration cancelled.", "%(count)d registrations cancelled.", done
            )
            % {"count": done},
        )


def feedback_summary(answers):
    """How many answered, and the mean of each score, for a date's or an offer's page."""
    numbers = answers.aggregate(
        count=Count("pk"),
        useful=Avg("useful"),
        applicable=Avg("applicable"),
        organised=Avg("organised"),
    )
    if not numbers["count"]:
        return gettext("No feedback yet.")
    return format_html(
        "{}<br>{}: {} · {}: {} · {}: {} ({})",
        ngettext("%(count)d answer", "%(count)d answers", numbers["count"]) % numbers,
        gettext("useful"),
        _mean(numbers["useful"]),
        gettext("applicable"),
        _mean(numbers["applicable"]),
        gettext("organised"),
        _mean(numbers["organised"]),
        gettext("means on a scale from 1 to 5"),
    )


def _mean(value):
    return number_format(value, 1)


@admin.register(DateFeedback)
class DateFeedbackAdmin(admin.ModelAdmin):
    """The anonymous answers to the feedback form after dates: to read, per date or offer."""

    list_display = ["event_date", "given_on", "useful", "applicable", "organised", "comment_start"]
    list_filter = ["event_date__offer", "event_date"]
    list_select_related = ["event_date__offer"]
    date_hierarchy = "given_on"
    search_fields = ["comment"]

    @admin.display(description=_("comment"))
    def comment_start(self, obj):
        return Truncator(obj.comment).chars(80) or "–"

    def has_add_permission(self, request):
        return False  # only attendees answer, through their link

    def has_change_permission(self, request, obj=None):
        return False  # what someone answered stays as they answered it
