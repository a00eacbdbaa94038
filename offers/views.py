import datetime

from django.contrib import messages
from django.db.models import OuterRef, Prefetch, Subquery
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from offers import ical, services
from offers.forms import OfferFilterForm, RegistrationForm
from offers.models import Contact, EventDate, Offer, Registration, verified_addresses
from surveys.models import Participant
from transfer_portal import page_cache
from transfer_portal.listing import paged

DATES_PER_PAGE = 20
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
    form = OfferFilterForm(request.GET or None, user=request.user)
    offers = (
        Offer.objects.visible_to(request.user)
        .select_related("contact")
        .prefetch_related("topics")
        .with_next_date()
    )
    status = 200
    topic = None
    if form.is_bound:
        if form.is_valid():
            topic = form.cleaned_data["thema"]
            if topic:
                offers = offers.filter(topics=topic)
            if form.cleaned_data["art"]:
                offers = offers.filter(kind=form.cleaned_data["art"])
        else:
            offers, status = offers.none(), 400
    return render(
        request,
        "offers/offer_list.html",
        {"form": form, "offers": offers, "topic": topic, "filtered": form.is_bound},
        status=status,
    )


@require_safe
def offer_detail(request, slug):
    offers = Offer.objects.visible_to(request.user).select_related("contact")
    offer = page_cache.cached_object(request, "offer", offers, slug=slug)
    return render(
        request,
        "offers/offer_detail.html",
        {"offer": offer, "dates": page_cache.lazy(_offer_dates, offer)},
    )


def _offer_dates(offer):
    dates = list(offer.dates.with_counts())
    now = timezone.now()
    return {
        "upcoming": [date for date in dates if not date.is_past(now)],
        "past": [date for date in reversed(dates) if date.is_past(now)],
    }


def _date_page(request, dates, template_context):
    context = {**template_context, **paged(request, dates, DATES_PER_PAGE)}
    return render(request, "offers/event_list.html", context)


@require_safe
def event_list(request):
    def dates():  # built only when the list is rendered, not when it comes from the cache
        return _visible_dates(request.user).upcoming().order_by("starts_at", "pk")

    return _date_page(request, dates, {"archive": False})


@require_safe
def event_archive(request):
    def dates():
        return _visible_dates(request.user).past().order_by("-starts_at", "-pk")

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
        form = RegistrationForm(request.POST or None, event_date=event_date, initial=initial)
    if request.method == "POST":
        if form is None:
            messages.error(request, _("Registration for this date is closed."))
            status = 400
        elif form.is_valid():
            try:
                registration = services.register(
                    event_date.pk,
                    name=form.cleaned_data["name"],
                    email=form.cleaned_data["email"],
                    municipality=form.cleaned_data["municipality"],
                    user=request.user if request.user.is_authenticated else None,
                )
            except services.AlreadyRegistered as error:
                form.add_error("email", str(error))
            except services.RegistrationClosed as error:
                messages.error(request, str(error))
                form, status = None, 400
            else:
                _tell_result(request, registration)
                return redirect(event_date)
        if form is not None:  # the form with its errors, what was entered kept
            status = 400
    return render(
        request,
        "offers/event_detail.html",
        {
            "event_date": event_date,
            "offer": event_date.offer,
            "form": form,
            "own_registration": own_registration,
        },
        status=status,
    )


def _registration_initial(request):
    """A logged-in visitor's name, address and, for survey participants, municipality."""
    user = request.user
    if not user.is_authenticated:
        return {}
    participant = Participant.objects.filter(user=user, municipality__is_sample=False).first()
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

    def render_feed():
        now = timezone.now()
        dates = (
            EventDate.objects.filter(offer__published=True, starts_at__lt=now + FEED_WINDOW)
            .upcoming(now)
            .select_related("offer")
            .order_by("starts_at", "pk")
        )
        name = _("Dates of the DigitalAgentur Brandenburg")
        return ical.calendar_for(dates, name=name)

    return _calendar_response(page_cache.cached_fragment(request, "event-feed", render_feed))


@require_safe
def contact_list(request):
    contacts = Contact.objects.published().prefetch_related(
        Prefetch("offers", queryset=Offer.objects.published(), to_attr="published_offers")
    )
    return render(request, "offers/contact_list.html", {"contacts": contacts})


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def cancel_registration(request, token):
    """GET asks for confirmation, POST cancels: a link preview must not cancel anything."""
    registration = get_object_or_404(
        Registration.objects.select_related("event_date__offer"), cancel_token=token
    )
    if request.method == "POST":
        try:
            result = services.cancel_registration(token)
        except services.CancellationClosed as error:
            messages.error(request, str(error))
        else:
            if not result.already_cancelled:
                messages.success(request, _("Your registration has been cancelled."))
        return redirect("offers:cancel_registration", token=token)
    return render(
        request,
        "offers/cancel_registration.html",
        {"registration": registration, "event_date": registration.event_date},
    )
