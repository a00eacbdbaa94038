"""Registrations (confirming the address, capacity, waiting list, cancelling) and the offers
shown on other pages."""

import contextlib
import datetime
from collections import Counter
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from offers import ical
from offers.models import (
    EventDate,
    Offer,
    Registration,
    already_registered_message,
    confirm_token_digest,
    confirm_url,
    new_confirm_token,
)
from transfer_portal.lib import mail
from transfer_portal.lib.compiled import compiled
from transfer_portal.lib.editors import is_editor
from transfer_portal.lib.listing import first_rows_query, rows_and_total
from transfer_portal.lib.validators import normalize_email

State = Registration.State


class RegistrationError(Exception):
    """A registration that the rules refuse; the message is meant for the visitor."""


class RegistrationClosed(RegistrationError):
    pass


class AlreadyRegistered(RegistrationError):
    pass


class CancellationClosed(RegistrationError):
    pass


class UnknownRequest(RegistrationError):
    """No request has this confirmation token (mistyped, replaced by a newer one, or
    deleted after it expired)."""


class RequestExpired(RegistrationError):
    pass


def _locked_date(**lookup):
    """The date (with its offer), its row locked until the transaction ends: everything
    that takes or frees a place on it runs one after the other, so the capacity holds."""
    return EventDate.objects.select_for_update(of=("self",)).select_related("offer").get(**lookup)


def _closed():
    return RegistrationClosed(_("Registration for this date is closed."))


def _has_place(event_date, municipality_id=None):
    """Needs the lock on the date's row. A place for someone of `municipality_id`: one is
    free, and their municipality has fewer than the date's places per municipality."""
    confirmed = event_date.registrations.filter(state=State.CONFIRMED)
    if event_date.capacity is not None and confirmed.count() >= event_date.capacity:
        return False
    return not municipality_limit_reached(event_date, municipality_id)


def municipality_limit_reached(event_date, municipality_id):
    """Whether the municipality holds all the places per municipality the date allows."""
    limit = event_date.places_per_municipality
    if limit is None or municipality_id is None:
        return False
    taken = event_date.registrations.filter(state=State.CONFIRMED, municipality_id=municipality_id)
    return taken.count() >= limit


def register(event_date_id, *, name, email, municipality=None, user=None, send_email=True):
    """Register at once for a date: a free place is confirmed, otherwise the waiting list.

    Only for addresses that need no confirmation by e-mail: a verified address of the
    visitor's account, or someone an editor enters. An open request of the same address
    is replaced. The e-mail is queued in the same transaction (a registration rolled back
    sends nothing); the admin, which sends it itself, passes send_email=False.
    """
    email = normalize_email(email)
    with transaction.atomic():
        event_date = _locked_date(pk=event_date_id)
        if not event_date.registration_open():
            raise _closed()
        if is_registered(event_date, email):
            raise AlreadyRegistered(already_registered_message())
        event_date.registrations.pending().filter(email__iexact=email).delete()
        try:
            with transaction.atomic():
                registration = Registration.objects.create(
                    event_date=event_date,
                    name=name.strip(),
                    email=email,
                    municipality=municipality,
                    user=user,
                    state=State.CONFIRMED
                    if _has_place(event_date, municipality.pk if municipality else None)
                    else State.WAITING,
                    language=_interface_language(),
                )
        except IntegrityError as error:
            # Only reachable if the row lock is bypassed; the constraint still holds.
            raise AlreadyRegistered(already_registered_message()) from error
        if send_email:
            send_registered_email(registration)
    return registration


def request_registration(event_date_id, *, name, email, municipality=None):
    """Ask for a place with an address nobody has confirmed yet: a request that holds no
    place, and an e-mail to the address with the link that confirms it (confirm_request).

    A new request for the same address replaces an open one (a new link; the old one no
    longer works). An address that takes part already gets a reminder of its registration
    instead. Either way the answer is the moment until which the link holds, so that the
    visitor learns nothing about whether the address is registered.
    """
    email = normalize_email(email)
    now = timezone.now()
    with transaction.atomic():
        event_date = _locked_date(pk=event_date_id)
        if not event_date.registration_open(now):
            raise _closed()
        expires_at = min(
            now + datetime.timedelta(hours=settings.REGISTRATION_CONFIRM_HOURS),
            event_date.registration_closes_at,
        )
        registration = event_date.registrations.active().filter(email__iexact=email).first()
        token = None
        if registration is None:
            registration = event_date.registrations.pending().filter(
                email__iexact=email
            ).first() or Registration(event_date=event_date, state=State.PENDING)
            token, registration.confirm_token = new_confirm_token()
            registration.email = email
            registration.name = name.strip()
            registration.municipality = municipality
            registration.language = _interface_language()
            registration.confirm_expires_at = expires_at
            registration.created_at = now
            registration.save()
        registration.event_date = event_date
        if token is None:
            _send(registration, "reminder")
        else:
            _send(registration, "confirm_request", token=token)
    return expires_at


@dataclass
class ConfirmResult:
    registration: Registration
    already_confirmed: bool = False


def confirm_registration(token):
    """Confirm the request with this token: a free place is confirmed, otherwise the
    waiting list (the date may have filled up since the request), and the e-mail of a new
    registration goes out. Confirming again changes nothing.

    Raises UnknownRequest, RequestExpired, RegistrationClosed, or AlreadyRegistered when
    the address took part meanwhile by other means (the request is then deleted).
    """
    digest = confirm_token_digest(token)
    now = timezone.now()
    with transaction.atomic():
        try:
            event_date = _locked_date(registrations__confirm_token=digest)
        except EventDate.DoesNotExist:
            raise UnknownRequest(_("This link is not valid.")) from None
        registration = event_date.registrations.get(confirm_token=digest)
        registration.event_date = event_date
        if registration.state != State.PENDING:
            return ConfirmResult(registration, already_confirmed=True)
        if now >= registration.confirm_expires_at:
            raise RequestExpired(_("This link has expired."))
        if not event_date.registration_open(now):
            raise _closed()
        superseded = is_registered(event_date, registration.email)
        if superseded:
            registration.delete()
        else:
            registration.state = (
                State.CONFIRMED
                if _has_place(event_date, registration.municipality_id)
                else State.WAITING
            )
            # The waiting list moves up in the order addresses were confirmed: a request
            # confirmed late does not overtake those who confirmed before.
            registration.created_at = now
            registration.confirm_expires_at = None
            registration.save(update_fields=["state", "created_at", "confirm_expires_at"])
            send_registered_email(registration)
    if superseded:
        raise AlreadyRegistered(already_registered_message())
    return ConfirmResult(registration)


def delete_expired_requests(now=None):
    """Delete the requests whose link has expired, or whose date no longer takes
    registrations in time (the daily purge_personal_data); returns how many."""
    now = now or timezone.now()
    expired = Registration.objects.pending().filter(
        Q(confirm_expires_at__lte=now)
        | Q(event_date__starts_at__lte=now)
        | Q(event_date__registration_deadline__lte=now)
    )
    _total, per_model = expired.delete()
    return per_model.get(Registration._meta.label, 0)


def send_registered_email(registration):
    """The confirmation or waiting-list e-mail of a new registration."""
    _send(registration, "registered")


def is_registered(event_date, email, *, besides=None):
    """Whether an address has a registration (confirmed or waiting) for the date, apart
    from the registration `besides` (one being corrected)."""
    registrations = event_date.registrations.active()
    if besides is not None:
        registrations = registrations.exclude(pk=besides.pk)
    return registrations.filter(email__iexact=normalize_email(email)).exists()


@dataclass
class CancelResult:
    registration: Registration
    promoted: list
    already_cancelled: bool = False
    withdrawn: bool = False  # a request never confirmed: deleted, nobody told


def cancel_registration(token, *, by_editor=False):
    """Cancel the registration with this token; the freed place goes to the waiting list.
    The person gets a confirmation – worded for an editor's cancellation with `by_editor`,
    since they did not ask for it."""
    with transaction.atomic():
        event_date = _locked_date(registrations__cancel_token=token)
        registration = event_date.registrations.select_related("event_date__offer").get(
            cancel_token=token
        )
        if registration.state == State.CANCELLED:
            return CancelResult(registration, [], already_cancelled=True)
        if registration.state == State.PENDING:
            # Holds no place, and its address is not confirmed: nobody to write to.
            registration.delete()
            return CancelResult(registration, [], withdrawn=True)
        if event_date.is_past():
            raise CancellationClosed(
                _("This date is over; the registration can no longer be cancelled.")
            )
        registration.state = State.CANCELLED
        registration.cancelled_at = timezone.now()
        registration.save(update_fields=["state", "cancelled_at"])
        promoted = _fill_free_places(event_date)
        _send(registration, "cancelled_by_editor" if by_editor else "cancelled")
        for moved_up in promoted:
            _send(moved_up, "promoted")
    return CancelResult(registration, promoted)


def fill_free_places(event_date_id):
    """Move people up from the waiting list while places are free (e.g. after more places)."""
    with transaction.atomic():
        event_date = _locked_date(pk=event_date_id)
        promoted = _fill_free_places(event_date)
        for moved_up in promoted:
            _send(moved_up, "promoted")
    return promoted


def _fill_free_places(event_date):
    """Needs the lock on the date's row; returns the registrations that moved up."""
    if event_date.cancelled or event_date.is_past():
        return []
    waiting = event_date.registrations.filter(state=State.WAITING).order_by("created_at", "pk")
    confirmed = event_date.registrations.filter(state=State.CONFIRMED)
    free = None
    if event_date.capacity is not None:
        free = max(event_date.capacity - confirmed.count(), 0)
    limit = event_date.places_per_municipality
    # Places per municipality: who waits because their municipality's are taken keeps
    # waiting, and the next one moves up instead.
    held = Counter(confirmed.values_list("municipality_id", flat=True)) if limit else Counter()
    promoted = []
    for registration in waiting:
        if free is not None and len(promoted) >= free:
            break
        municipality = registration.municipality_id
        if limit and municipality is not None and held[municipality] >= limit:
            continue
        held[municipality] += 1
        promoted.append(registration)
    for registration in promoted:
        registration.state = State.CONFIRMED
        registration.event_date = event_date
    Registration.objects.bulk_update(promoted, ["state"])
    return promoted


def announce_cancellation(event_date_id):
    """Tell everyone still registered for a cancelled date (confirmed or waiting) by e-mail;
    returns their registrations. Does nothing if the date is not (or no longer) cancelled,
    or already over (an editor recording it afterwards)."""
    event_date = EventDate.objects.select_related("offer__contact").get(pk=event_date_id)
    if not event_date.cancelled or event_date.is_past():  # a past one is only recorded
        return []
    return _tell_everyone_registered(event_date, "date_cancelled")


def announce_change(event_date_id, changes):
    """Tell everyone still registered for a date of its new time or place, or that it takes
    place after all (`changes`: the CALENDAR_FIELDS that changed); returns their
    registrations. Nothing for a date that is cancelled (announce_cancellation) or over."""
    event_date = EventDate.objects.select_related("offer__contact").get(pk=event_date_id)
    if event_date.cancelled or event_date.is_past():
        return []
    reason = "date_reinstated" if "cancelled" in changes else "date_changed"
    return _tell_everyone_registered(event_date, reason, changes)


def _tell_everyone_registered(event_date, reason, changes=()):
    """One e-mail to each confirmed or waiting registration of the date; returns them."""
    registrations = list(event_date.registrations.active())
    with transaction.atomic():  # all of them queued, or none
        for registration in registrations:
            registration.event_date = event_date
            _send(registration, reason, changes)
    return registrations


# The CALENDAR_FIELDS an e-mail calls "the time" of a date.
TIME_FIELDS = {"starts_at", "ends_at", "all_day"}

# By reason; a registration's first mail (and a reminder of it) also depends on where it
# landed.
EMAIL_SUBJECTS = {
    "confirm_request": gettext_lazy("Please confirm your registration: %(date)s"),
    ("registered", State.CONFIRMED): gettext_lazy("Your registration is confirmed: %(date)s"),
    ("registered", State.WAITING): gettext_lazy("You are on the waiting list: %(date)s"),
    ("reminder", State.CONFIRMED): gettext_lazy("You are registered already: %(date)s"),
    ("reminder", State.WAITING): gettext_lazy("You are on the waiting list already: %(date)s"),
    "promoted": gettext_lazy("A place has become free for you: %(date)s"),
    "date_cancelled": gettext_lazy("Cancelled: %(date)s"),
    "date_changed": gettext_lazy("Changed: %(date)s"),
    "date_reinstated": gettext_lazy("Takes place after all: %(date)s"),
    "cancelled": gettext_lazy("Your registration is cancelled: %(date)s"),
    "cancelled_by_editor": gettext_lazy("We have cancelled your registration: %(date)s"),
    "before_date": gettext_lazy("Reminder: %(date)s"),
}


def _interface_language():
    """The language the person registered in (German or English), for later e-mails too."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    codes = {code for code, _name in settings.LANGUAGES}
    return language if language in codes else settings.LANGUAGE_CODE


def _send(registration, reason, changes=(), *, token=None):
    """Queue the e-mail for a registration, in the language the person registered in
    (transfer_portal/lib/mail.py). `token`: the confirmation token, for the request to
    confirm an address (confirm_request)."""
    event_date = registration.event_date
    offer = event_date.offer
    # The day tells several dates of one offer apart in an inbox.
    subject = EMAIL_SUBJECTS.get((reason, registration.state)) or EMAIL_SUBJECTS[reason]
    common = {
        "to": [registration.email],
        "subject": lambda: subject % {"date": event_date.label()},
        "language": registration.language,
        "category": f"registration.{reason}",
    }

    def context():  # built in the recipient's language: addresses and dates
        return {
            "event_date": event_date,
            "offer": offer,
            "date_url": ical.absolute_url(event_date.get_absolute_url()),
        }

    if reason == "confirm_request":
        # To an address nobody has confirmed: nothing the requester typed (name,
        # municipality) and no Reply-To to DABB, or the form would send anybody's words to
        # anybody, in DABB's name.
        mail.send(
            template="offers/emails/confirm_request.txt",
            context=lambda: (
                context()
                | {
                    "confirm_url": ical.absolute_url(confirm_url(token)),
                    "expires_at": registration.confirm_expires_at,
                }
            ),
            **common,
        )
        return
    # The entry as it now stands – new, moved, or cancelled (STATUS:CANCELLED) – with the
    # same UID and the date's current SEQUENCE, so that calendars update theirs.
    attachments = []
    if registration.state == State.CONFIRMED:
        attachments.append(
            mail.Attachment(
                f"termin-{event_date.pk}.ics",
                lambda: ical.calendar_for([event_date]),
                "text/calendar",
            )
        )
    mail.send(
        template="offers/emails/registration.txt",
        context=lambda: (
            context()
            | {
                "registration": registration,
                "reason": reason,
                "municipality_limit": registration.state == State.WAITING
                and municipality_limit_reached(event_date, registration.municipality_id),
                "time_changed": bool(TIME_FIELDS.intersection(changes)),
                "place_changed": "location" in changes,
                "cancel_url": ical.absolute_url(registration.get_cancel_url()),
            }
        ),
        # To a confirmed address: by name, with the contact person as Reply-To.
        reply_to=[offer.contact.email] if offer.contact_id else (),
        attachments=attachments,
        **common,
    )


def send_date_reminders(now=None):
    """The periodic job: remind everyone whose place is confirmed DATE_REMINDER_DAYS days
    before a date that is not cancelled, once per registration (claimed by writing
    `reminded_at` in the transaction that queues the mail). Returns how many."""
    now = now or timezone.now()
    until = now + datetime.timedelta(days=settings.DATE_REMINDER_DAYS)
    due = Registration.objects.filter(
        state=State.CONFIRMED,
        reminded_at__isnull=True,
        event_date__cancelled=False,
        event_date__offer__published=True,
        event_date__starts_at__gt=now,
        event_date__starts_at__lte=until,
    ).values_list("pk", flat=True)
    sent = 0
    for pk in list(due):
        with transaction.atomic():
            claimed = Registration.objects.filter(
                pk=pk, state=State.CONFIRMED, reminded_at__isnull=True
            ).update(reminded_at=now)
            if claimed:
                registration = Registration.objects.select_related(
                    "event_date__offer__contact"
                ).get(pk=pk)
                _send(registration, "before_date")
                sent += 1
    return sent


ATTENDANCE_SALT = "offers.attendance"


def attendance_token(registration):
    """The signed part of the link to a registration's confirmation of attendance (no
    expiry: a confirmation is asked for months later)."""
    return signing.dumps(registration.pk, salt=ATTENDANCE_SALT)


def registration_for_attendance_token(token):
    """The registration marked as attended that a token names, with its date, or None."""
    return _attendee(token, ATTENDANCE_SALT)


def _attendee(token, salt):
    """The attended registration a link signed with `salt` names, with its date, or None."""
    try:
        pk = signing.loads(token, salt=salt)
    except (signing.BadSignature, TypeError, ValueError):
        return None
    if not isinstance(pk, int):
        return None
    return (
        Registration.objects.filter(pk=pk, state=State.CONFIRMED, attended=True)
        .select_related("event_date__offer")
        .first()
    )


def mark_attendance(registrations, attended, now=None):
    """Mark confirmed registrations of dates that have begun as attended or not; those
    marked attended for the first time get the link to their confirmation of attendance by
    e-mail (once). Returns how many were marked."""
    now = now or timezone.now()
    eligible = Registration.objects.filter(
        pk__in=registrations.values("pk"), state=State.CONFIRMED, event_date__starts_at__lte=now
    )
    with transaction.atomic():
        marked = eligible.update(attended=attended)
        if not attended:
            return marked
        unsent = eligible.filter(attendance_mailed_at__isnull=True)
        for registration in unsent.select_related("event_date__offer__contact"):
            # Claimed by writing the moment: two editors marking at once send one mail.
            if unsent.filter(pk=registration.pk).update(attendance_mailed_at=now):
                _send_attendance(registration)
    return marked


def _send_attendance(registration):
    event_date = registration.event_date
    token = attendance_token(registration)
    mail.send(
        to=[registration.email],
        subject=lambda: ATTENDANCE_SUBJECT % {"date": event_date.label()},
        template="offers/emails/attendance.txt",
        context=lambda: {
            "registration": registration,
            "event_date": event_date,
            "offer": event_date.offer,
            "confirmation_url": ical.absolute_url(
                reverse("offers:attendance_confirmation", args=[token])
            ),
            "feedback_url": ical.absolute_url(
                reverse("offers:date_feedback", args=[feedback_token(registration)])
            ),
        },
        language=registration.language,
        reply_to=[event_date.offer.contact.email] if event_date.offer.contact_id else (),
        category="registration.attendance",
    )


ATTENDANCE_SUBJECT = gettext_lazy("Thank you for taking part: %(date)s")
FEEDBACK_SALT = "offers.feedback"


def feedback_token(registration):
    return signing.dumps(registration.pk, salt=FEEDBACK_SALT)


def attendee_for_feedback_token(token):
    """The attended registration a feedback link names, with its date, or None."""
    return _attendee(token, FEEDBACK_SALT)


class FeedbackGivenAlready(Exception):
    pass


def give_feedback(registration, answer):
    """Store `answer` (an unsaved DateFeedback) for the registration's date, once: the
    registration is locked and marked in the same transaction, the answer keeps nothing of
    it."""
    with transaction.atomic():
        locked = Registration.objects.select_for_update().get(pk=registration.pk)
        if locked.feedback_given_at is not None:
            raise FeedbackGivenAlready
        answer.event_date_id = locked.event_date_id
        answer.save()
        Registration.objects.filter(pk=locked.pk).update(feedback_given_at=timezone.now())
    return answer


# Offers for other pages (topic page, home page): a fixed number of queries each.


def offer_cards_of(*, editor):
    """Offers as their cards show them – contact, next date with its counts – that an
    editor (drafts too) or everybody else may see. Its next-date subquery costs ~2 ms of
    Python to build: the lists run it as a compiled query (lib/compiled.py). Without the
    description, which only the offer's own page shows."""
    return (
        Offer.objects.select_related("contact")
        .defer("description")
        .with_next_date()
        .visible(editor=editor)
    )


def offers_for_topic(topic, user=None, limit=None):
    """Published offers on a topic with contact and `next_dates`, and how many there are.

    One query (offers with contact, next date and the total), also when there are none.
    `limit` (None: all) caps the list, for a page that links to all offers on the topic.
    """
    editor = user is not None and is_editor(user)
    return rows_and_total(_offers_for_topic(topic.pk, editor=editor, limit=limit))


@compiled
def _offers_for_topic(topic, *, editor, limit):
    offers = offer_cards_of(editor=editor).filter(topics=topic).order_by("title")
    return first_rows_query(offers, limit)


def upcoming_dates(limit=5, user=None):
    """The next dates of published offers that are not cancelled, with counts. One query,
    compiled once per process."""
    editor = user is not None and is_editor(user)
    return list(_upcoming_dates(editor=editor, limit=limit))


@compiled
def _upcoming_dates(*, editor, limit):
    dates = EventDate.objects.coming().select_related("offer")
    return dates.visible(editor=editor)[:limit]


# Personal data of registrations (DSGVO): what the account deletion and the daily retention
# run of transfer_portal.portal.privacy ask for.

ANONYMISED_NAME = "anonymisiert"


def _anonymise(registrations):
    for registration in registrations:
        registration.name = ANONYMISED_NAME
        registration.email = f"anonym-{registration.pk}@example.invalid"
        registration.user = None
        registration.save(update_fields=["name", "email", "user"])


def withdraw_registrations(registrations):
    """A person leaves: their upcoming registrations are cancelled (freeing the place, with
    the usual e-mails), and all of them anonymised."""
    registrations = list(registrations)
    for registration in registrations:
        if registration.state != State.CANCELLED:
            # A date that is over cannot be cancelled: nothing to free, anonymise below.
            with contextlib.suppress(CancellationClosed):
                cancel_registration(registration.cancel_token)
    with transaction.atomic():
        _anonymise(Registration.objects.filter(pk__in=[r.pk for r in registrations]))


def anonymise_past_registrations(now=None):
    """Anonymise registrations REGISTRATION_RETENTION_DAYS after their date; returns how
    many."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.REGISTRATION_RETENTION_DAYS)
    ended = EventDate.objects.filter(
        Q(ends_at__lt=cutoff) | Q(ends_at__isnull=True, starts_at__lt=cutoff)
    )
    stale = Registration.objects.filter(event_date__in=ended).exclude(name=ANONYMISED_NAME)
    with transaction.atomic():
        anonymised = list(stale.select_for_update())
        _anonymise(anonymised)
    return len(anonymised)
