import contextlib
import datetime
from pathlib import PurePosixPath

from django.conf import settings
from django.contrib import messages
from django.db.models import Count, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe
from django.views.static import serve as static_serve

from offers import ical, services
from offers.forms import DateFeedbackForm, OfferFilterForm, RegistrationForm
from offers.models import (
    Contact,
    EventDate,
    Offer,
    Registration,
    confirm_token_digest,
)
from offers.queries import topics_of_offers
from surveys.models import Participant
from transfer_portal.lib import ratelimits
from transfer_portal.lib.accounts import verified_addresses
from transfer_portal.lib.compiled import compiled, filtered, prefetch
from transfer_portal.lib.editors import is_editor
from transfer_portal.lib.listing import paged, paged_compiled
from transfer_portal.lib.templatetags.portal import date_and_time

DATES_PER_PAGE = 20
OFFERS_PER_PAGE = 20
# The subscribable feed holds the dates of the next three months (not every date ever
# planned): a calendar that subscribes stays small and fast, and learns of later ones in time.
FEED_DAYS = 92
FEED_WINDOW = datetime.timedelta(days=FEED_DAYS)


def _visible_dates(user):
    """Dates of offers the visitor may see (drafts only for editors), with place counts."""
    return EventDate.objects.visible_to(user).select_related("offer").with_counts()


def _get_date_or_404(user, pk, *, own_addresses=None):
    """A date the visitor may see, with offer, contact and counts. With `own_addresses`
    (verified_addresses of a logged-in visitor), in the same query the state of their own
    registration (Registration.objects.of_user), so that the page says they take part."""
    dates = _visible_dates(user).select_related("offer__contact")
    if own_addresses is not None and user.is_authenticated:
        registration = (
            Registration.objects.of_user(user, addresses=own_addresses)
            .active()
            .filter(event_date=OuterRef("pk"))
            .order_by("created_at")
        )
        dates = dates.annotate(own_registration=Subquery(registration.values("state")[:1]))
    return get_object_or_404(dates, pk=pk)


@require_safe
def offer_list(request):
    editor = is_editor(request.user)
    form = OfferFilterForm(request.GET or None, editor=editor)
    filters, topic = {}, None
    if form.is_bound and not form.is_valid():  # an empty list, the form says why
        context = paged(request, Offer.objects.none(), OFFERS_PER_PAGE)
        return render(request, "offers/offer_list.html", {"form": form, **context}, status=400)
    if form.is_bound:
        if topic := form.cleaned_data["thema"]:
            filters["topics"] = topic.pk
        if form.cleaned_data["art"]:
            filters["kind"] = form.cleaned_data["art"]
    # Paged like every other list: a card with its next date costs about 0.4 ms to render.
    context = paged_compiled(
        request, _offer_list, OFFERS_PER_PAGE, *filters.values(), editor=editor, lookups=(*filters,)
    )
    prefetch(context["listing"]["page"].object_list, "topics", topics_of_offers)
    return render(request, "offers/offer_list.html", {"form": form, "topic": topic, **context})


def _offer_list(*values, editor, lookups):
    offers = services.offer_cards_of(editor=editor).order_by("title", "pk")
    return filtered(offers, lookups, values)


@require_safe
def offer_detail(request, slug):
    offers = Offer.objects.visible_to(request.user).select_related("contact")
    offer = get_object_or_404(offers, slug=slug)
    return render(
        request,
        "offers/offer_detail.html",
        {"offer": offer, "dates": _offer_dates(offer)},
    )


def _offer_dates(offer):
    dates = list(offer.dates.with_counts())
    now = timezone.now()
    return {
        "upcoming": [date for date in dates if not date.is_past(now)],
        "past": [date for date in reversed(dates) if date.is_past(now)],
    }


def _date_page(request, dates, template_context):
    # Without their offer's texts, which the list does not show (the description alone was
    # the longest part of each row).
    dates = dates.defer("offer__summary", "offer__description")
    context = {**template_context, **paged(request, dates, DATES_PER_PAGE)}
    return render(request, "offers/event_list.html", context)


@require_safe
def event_list(request):
    """Upcoming dates. Template: offers/event_list.html, which serves event_archive too – the
    same list, of past dates."""
    dates = _visible_dates(request.user).upcoming().order_by("starts_at", "pk")
    return _date_page(request, dates, {"archive": False})


@require_safe
def event_archive(request):
    """Past dates, newest first. Template: offers/event_list.html (shared with event_list)."""
    dates = _visible_dates(request.user).past().order_by("-starts_at", "-pk")
    return _date_page(request, dates, {"archive": True})


@require_http_methods(["GET", "HEAD", "POST"])
def event_detail(request, pk):
    addresses = verified_addresses(request.user)
    event_date = _get_date_or_404(request.user, pk, own_addresses=addresses)
    status = 200
    form = None
    own_registration = getattr(event_date, "own_registration", None)
    if event_date.registration_status() == "open":
        # Registered already: the form is for someone else, not prefilled with own data.
        initial = {} if own_registration else _registration_initial(request)
        form = RegistrationForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if form is None:
            messages.error(request, _("Registration for this date is closed."))
            status = 400
        elif form.is_valid():
            try:
                outcome = _take_part(request, event_date, form, addresses)
            except services.RegistrationClosed as error:
                messages.error(request, str(error))
                form, status = None, 400
            else:
                if not isinstance(outcome, int):
                    return outcome
                status = outcome
        if form is not None and status == 200:  # the form with its errors, input kept
            status = 400
    response = render(
        request,
        "offers/event_detail.html",
        {
            "event_date": event_date,
            "offer": event_date.offer,
            "form": form,
            "own_registration": own_registration,
            "has_verified_address": bool(addresses),
        },
        status=status,
    )
    return ratelimits.with_retry_after(response)


def _take_part(request, event_date, form, addresses):
    """With a verified address of the visitor's account: registered at once. Any other
    address gets a request and an e-mail with the link that confirms it – within the rate
    limits. A redirect, or the status of the form page (the problem added to the form)."""
    data = form.cleaned_data
    if data["email"] in addresses:
        try:
            registration = services.register(
                event_date.pk,
                name=data["name"],
                email=data["email"],
                municipality=data["municipality"],
                user=request.user,
            )
        except services.AlreadyRegistered as error:  # their own address: they may know
            form.add_error("email", str(error))
            return 400
        _tell_result(request, registration)
        return redirect(event_date)
    refusal = _rate_limited(request, data["email"])
    if refusal:
        form.add_error(None, refusal)
        return 429
    expires_at = services.request_registration(
        event_date.pk, name=data["name"], email=data["email"], municipality=data["municipality"]
    )
    # The same words whether or not the address is registered already (it then gets a
    # reminder instead of a link): the page must not tell who takes part.
    messages.info(
        request,
        _(
            "Almost done: we have sent an e-mail to %(email)s. Please confirm your "
            "registration with the link in it by %(deadline)s – only then is a place held "
            "for you (on the waiting list, if the date is fully booked). No e-mail? Please "
            "also look in your spam folder."
        )
        % {"email": data["email"], "deadline": date_and_time(timezone.localtime(expires_at))},
    )
    return redirect(event_date)


def _rate_limited(request, email):
    """Why the client or the address may not ask for another confirmation e-mail now, or
    None. Counted per client address (behind the configured proxies: the client's, see
    ratelimits.client_ip) and per e-mail address, each per hour."""
    ip = ratelimits.client_ip(request)
    if not ratelimits.take("registration-ip", ip, settings.REGISTRATION_RATE_LIMIT_IP):
        return _(
            "You have asked for several registrations in a short time. Please try again in "
            "an hour; what you entered is still here."
        )
    if not ratelimits.take("registration-email", email, settings.REGISTRATION_RATE_LIMIT_EMAIL):
        return _(
            "Registration for this e-mail address has been asked for several times within the "
            "last hour. Please look for our e-mail in that inbox (also in the spam folder), "
            "or try again in an hour."
        )
    return None


def _registration_initial(request):
    """A logged-in visitor's name, address and, for confirmed survey participants, the
    municipality (a pending link speaks for nobody yet)."""
    user = request.user
    if not user.is_authenticated:
        return {}
    participant = (
        Participant.objects.confirmed().filter(user=user, municipality__is_sample=False).first()
    )
    return {
        "name": user.get_full_name(),
        "email": user.email,
        "municipality": participant.municipality_id if participant else None,
    }


def _tell_result(request, registration):
    if registration.state == Registration.State.CONFIRMED:
        messages.success(
            request,
            _(
                "Thank you, you are registered. We have sent a confirmation with a calendar "
                "entry and a cancel link to %(email)s."
            )
            % {"email": registration.email},
        )
    elif services.municipality_limit_reached(registration.event_date, registration.municipality_id):
        messages.warning(
            request,
            ngettext(
                "You are on the waiting list: this date has at most %(limit)s place per "
                "municipality, and yours holds it already. When one is cancelled, you move up "
                "automatically and we let you know at %(email)s.",
                "You are on the waiting list: this date has at most %(limit)s places per "
                "municipality, and yours holds them already. When one is cancelled, you move up "
                "automatically and we let you know at %(email)s.",
                registration.event_date.places_per_municipality,
            )
            % {
                "limit": registration.event_date.places_per_municipality,
                "email": registration.email,
            },
        )
    else:
        messages.warning(
            request,
            _(
                "This date is fully booked, so you are on the waiting list. If a place becomes "
                "free, you move up automatically and we let you know at %(email)s."
            )
            % {"email": registration.email},
        )


def _calendar_response(content, filename=None):
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    if filename:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_safe
def event_ics(request, pk):
    event_date = _get_date_or_404(request.user, pk)
    return _calendar_response(ical.calendar_for([event_date]), f"termin-{event_date.pk}.ics")


@require_safe
def event_feed(request):
    """The upcoming dates of published offers for FEED_DAYS; cancelled ones stay in with
    STATUS:CANCELLED. Calendars refresh it every 12 hours, so later dates appear in time."""
    name = _("Dates of the DigitalAgentur Brandenburg")
    dates = _feed_dates(timezone.now() + FEED_WINDOW)
    return _calendar_response(ical.calendar_of_columns(dates, name=name))


@compiled
def _feed_dates(until):
    # What the calendar shows, not the long texts (description, search context). Upcoming
    # as of the moment it runs (Moment). In the order of the index offers_date_start_upcoming
    # (dates that start together: the one that ends first first), so that PostgreSQL reads
    # them in order from it: sorted by start and id, it read the whole table and sorted the
    # rows (1.6 instead of 0.7 ms on the benchmark data).
    return (
        EventDate.objects.filter(offer__published=True, starts_at__lt=until)
        .upcoming()
        .order_by("starts_at", "upcoming_until", "pk")
        .values_list(*ical.EVENT_COLUMNS)
    )


@never_cache
@require_safe
def attendance_confirmation(request, token):
    """A printable confirmation of attendance, through the signed link in the e-mail that
    the editors' marking sends (services.mark_attendance)."""
    registration = services.registration_for_attendance_token(token)
    if registration is None:
        raise Http404(_("There is no confirmation of attendance for this link."))
    event_date = registration.event_date
    return render(
        request,
        "offers/attendance_confirmation.html",
        {
            "registration": registration,
            "event_date": event_date,
            "offer": event_date.offer,
            "duration": _duration_text(event_date),
            "issued_on": timezone.localdate(),
        },
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def date_feedback(request, token):
    """The feedback form after a date, through the signed link in the attendee's e-mail:
    one anonymous answer per registration."""
    registration = services.attendee_for_feedback_token(token)
    if registration is None:
        raise Http404(_("There is no feedback form for this link."))
    context = {"event_date": registration.event_date, "offer": registration.event_date.offer}
    if registration.feedback_given_at is not None:
        # Answered: the thanks; a second answer is refused (409), the first one counts.
        status = 409 if request.method == "POST" else 200
        return render(
            request, "offers/date_feedback.html", {**context, "given": True}, status=status
        )
    form = DateFeedbackForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            # A second tab, sent later: the first answer counts.
            with contextlib.suppress(services.FeedbackGivenAlready):
                services.give_feedback(registration, form.save(commit=False))
            return redirect("offers:date_feedback", token=token)
        return render(request, "offers/date_feedback.html", {**context, "form": form}, status=400)
    return render(request, "offers/date_feedback.html", {**context, "form": form})


def _duration_text(event_date):
    """ "2 hours 30 minutes"; None for a date without end (a whole day, or not stated)."""
    if event_date.ends_at is None:
        return None
    minutes = int((event_date.ends_at - event_date.starts_at).total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(ngettext("%(count)s hour", "%(count)s hours", hours) % {"count": hours})
    if minutes or not hours:
        parts.append(
            ngettext("%(count)s minute", "%(count)s minutes", minutes) % {"count": minutes}
        )
    return " ".join(parts)


@require_safe
def contact_list(request):
    contacts = Contact.objects.published().prefetch_related(
        Prefetch("offers", queryset=Offer.objects.published(), to_attr="published_offers")
    )
    return render(request, "offers/contact_list.html", {"contacts": contacts})


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def cancel_registration(request, token):
    """GET asks for confirmation, POST cancels: a link preview must not cancel anything.
    A request not confirmed yet has no cancel link (it holds no place). The page after
    cancelling says what happened once, in its heading – no message on top of it."""
    registration = get_object_or_404(
        Registration.objects.exclude(state=Registration.State.PENDING).select_related(
            "event_date__offer"
        ),
        cancel_token=token,
    )
    if request.method == "POST":
        # A date that is over (CancellationClosed) cannot be cancelled: the page says so.
        with contextlib.suppress(services.CancellationClosed):
            services.cancel_registration(token)
        return redirect("offers:cancel_registration", token=token)
    return render(
        request,
        "offers/cancel_registration.html",
        {"registration": registration, "event_date": registration.event_date},
    )


def _confirmation_or_none(token):
    """The request (or registration) with this confirmation token, with its date, offer and
    the date's confirmed count (for `free_places`), in one query; None if there is none."""
    confirmed = (
        Registration.objects.filter(
            event_date=OuterRef("event_date"), state=Registration.State.CONFIRMED
        )
        .order_by()
        .values("event_date")
        .annotate(n=Count("pk"))
        .values("n")
    )
    registration = (
        Registration.objects.select_related("event_date__offer")
        .annotate(date_confirmed=Coalesce(Subquery(confirmed), 0))
        .filter(confirm_token=confirm_token_digest(token))
        .first()
    )
    if registration is not None:
        registration.event_date.confirmed_count = registration.date_confirmed
    return registration


# The confirmation page by the request's state (or, once confirmed, the registration's):
# a link that no longer confirms anything answers 404 (unknown) or 410 (expired, closed),
# with the page that says why.
CONFIRM_STATUS = {"unknown": 404, "expired": 410, "closed": 410}
CONFIRM_HEADINGS = {
    "ask": gettext_lazy("Confirm registration"),
    Registration.State.CONFIRMED: gettext_lazy("Registration confirmed"),
    Registration.State.WAITING: gettext_lazy("On the waiting list"),
    Registration.State.CANCELLED: gettext_lazy("Registration cancelled"),
    "expired": gettext_lazy("Link expired"),
    "closed": gettext_lazy("Registration closed"),
    "unknown": gettext_lazy("Link not valid"),
}


def _confirmation_state(registration, now=None):
    if registration is None:
        return "unknown"
    if registration.state != Registration.State.PENDING:
        return registration.state
    now = now or timezone.now()
    if now >= registration.confirm_expires_at:
        return "expired"
    if not registration.event_date.registration_open(now):
        return "closed"
    return "ask"


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def confirm_registration(request, token):
    """The link in the e-mail to an address not confirmed yet. GET asks, POST confirms: a
    link preview must not take a place. Confirming again only shows the state."""
    registration = _confirmation_or_none(token)
    state = _confirmation_state(registration)
    if request.method == "POST" and state == "ask":
        try:
            services.confirm_registration(token)
        except services.AlreadyRegistered as error:  # meanwhile by other means
            messages.info(request, str(error))
            return redirect(registration.event_date)
        except services.RegistrationError:  # expired or closed in the meantime
            registration = _confirmation_or_none(token)
            state = _confirmation_state(registration)
        else:
            return redirect("offers:confirm_registration", token=token)
    elif request.method == "POST" and state not in CONFIRM_STATUS:
        return redirect("offers:confirm_registration", token=token)  # confirmed before
    return render(
        request,
        "offers/confirm_registration.html",
        {
            "registration": registration,
            "event_date": registration.event_date if registration else None,
            "state": state,
            "heading": CONFIRM_HEADINGS[state],
            "municipality_limit": state == Registration.State.WAITING
            and services.municipality_limit_reached(
                registration.event_date, registration.municipality_id
            ),
        },
        status=CONFIRM_STATUS.get(state, 200),
    )


# Uploads are contact photos (Contact.photo); nothing else under MEDIA_ROOT is served.
MEDIA_EXTENSIONS = {".jpg", ".jpeg", ".png", ".webp"}


@require_safe
def contact_photo(request, path):
    """Uploaded files, served by the app itself: a handful of small photos, shared by all
    instances through MEDIA_ROOT, so that no proxy or container volume must be wired up
    for them. django.views.static.serve refuses paths outside MEDIA_ROOT."""
    if PurePosixPath(path).suffix.lower() not in MEDIA_EXTENSIONS:
        raise Http404
    # Only a photo a contact shows now (a replaced or removed one is deleted, but a file
    # left over is never public); an unpublished contact's only for the editors.
    if not Contact.objects.visible_to(request.user).filter(photo=path).exists():
        raise Http404
    response = static_serve(request, path, document_root=settings.MEDIA_ROOT)
    response["Cache-Control"] = "public, max-age=3600"
    return response
