"""Who speaks for a municipality: links of accounts to municipalities, and who confirms them.

A new link is pending. It is confirmed at once when the account has a confirmed address on
one of the municipality's e-mail domains (Municipality.email_domains); otherwise a confirmed
colleague of the same municipality confirms or declines it (one click from an e-mail, or
from the portal), or an editor does in the admin. Only editors change a link once it is made.
"""

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from surveys.models import Participant
from transfer_portal.lib import mail
from transfer_portal.lib.accounts import verified_addresses

DECISION_SALT = "surveys.membership.decision"
# A colleague's link in the e-mail works this long; the portal's list offers fresh ones.
TOKEN_MAX_AGE = 14 * 24 * 3600

Status = Participant.Status
Via = Participant.DecidedVia


class LinkExists(Exception):
    """The account is linked (or asked to be) already; only editors change that."""


class NotDecidable(Exception):
    """The request was decided already, or the person may not decide it; the message says
    which, for the page."""


@transaction.atomic
def request_link(user, municipality):
    """Link the account to a municipality: confirmed at once through an address on the
    municipality's domains, otherwise pending (its confirmed colleagues are asked by
    e-mail, or the editors when it has none). Returns the participant."""
    if Participant.objects.select_for_update().filter(user=user).exists():
        raise LinkExists
    participant = Participant.objects.create(user=user, municipality=municipality)
    if any(municipality.owns_email_address(address) for address in verified_addresses(user)):
        _decide(participant, Status.CONFIRMED, Via.EMAIL_DOMAIN, None)
        return participant
    ask_for_confirmation(participant)
    return participant


@transaction.atomic
def report_missing_municipality(user, name):
    """Record a municipality missing from the list, for an editor to add and confirm."""
    if Participant.objects.select_for_update().filter(user=user).exists():
        raise LinkExists
    participant = Participant.objects.create(user=user, requested_municipality=name.strip())
    _tell_editors(participant)
    return participant


def confirm(participant_id, *, by, via):
    return _decide_pending(participant_id, Status.CONFIRMED, via, by)


def decline(participant_id, *, by, via):
    return _decide_pending(participant_id, Status.DECLINED, via, by)


def _decide_pending(participant_id, status, via, by):
    with transaction.atomic():
        participant = (
            Participant.objects.select_for_update(of=("self",))
            .select_related("user", "municipality")
            .get(pk=participant_id)
        )
        if not participant.is_pending:
            raise NotDecidable(_("This request has already been decided."))
        if status == Status.CONFIRMED and participant.municipality_id is None:
            raise NotDecidable(_("Add the named municipality first, then confirm the link."))
        _decide(participant, status, via, by)
    return participant


def _decide(participant, status, via, by):
    participant.status = status
    participant.decided_via = via
    participant.decided_by = by
    participant.decided_at = timezone.now()
    participant.save(
        update_fields=["status", "decided_via", "decided_by", "decided_at", "updated_at"]
    )
    if via != Via.EMAIL_DOMAIN:  # that one the page says at once
        _tell_requester(participant)


def record_editor_change(participant, editor):
    """An editor set the link's state or municipality in the admin: recorded as theirs, and
    the account is told. Call inside the admin's transaction, before the save."""
    if participant.status == Status.PENDING:
        participant.decided_via, participant.decided_by, participant.decided_at = "", None, None
        return
    participant.decided_via = Via.EDITOR
    participant.decided_by = editor
    participant.decided_at = timezone.now()
    _tell_requester(participant)


# Tokens in the colleagues' e-mails: one per request and colleague, signed, so that nobody
# else can decide with it.


def decision_token(participant, colleague):
    return signing.dumps({"p": participant.pk, "c": colleague.pk}, salt=DECISION_SALT)


def decision_url(participant, colleague):
    path = reverse("surveys:decide_link", args=[decision_token(participant, colleague)])
    return settings.SITE_URL + path


def load_decision(token):
    """(participant, colleague) for a token, or None for a wrong or expired one."""
    try:
        data = signing.loads(token, salt=DECISION_SALT, max_age=TOKEN_MAX_AGE)
        participant_id, colleague_id = int(data["p"]), int(data["c"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
    participant = (
        Participant.objects.select_related("user", "municipality", "decided_by")
        .filter(pk=participant_id)
        .first()
    )
    colleague = Participant.objects.select_related("user").filter(user_id=colleague_id).first()
    if participant is None or colleague is None:
        return None
    return participant, colleague


def may_decide(colleague, participant):
    """A confirmed, active member of the same municipality, not the requester."""
    return (
        colleague is not None
        and colleague.is_confirmed
        and colleague.user.is_active
        and colleague.user_id != participant.user_id
        and colleague.municipality_id == participant.municipality_id
    )


def pending_for(colleague):
    """The pending requests a confirmed member may decide, oldest first."""
    if colleague is None or not colleague.is_confirmed:
        return Participant.objects.none()
    return (
        Participant.objects.pending()
        .filter(municipality=colleague.municipality_id)
        .exclude(user=colleague.user_id)
        .select_related("user")
        .order_by("created_at", "pk")
    )


def colleagues_asked(participant):
    """How many confirmed colleagues can confirm this (pending) link."""
    if participant.municipality_id is None:
        return 0
    return (
        Participant.objects.confirmed_members_of(participant.municipality_id)
        .exclude(user=participant.user_id)
        .values("user")
        .distinct()
        .count()
    )


# E-mails, queued in the same transaction as the link they are about
# (transfer_portal/lib/mail.py): in the portal's language, as the recipients' is not known.


def ask_for_confirmation(participant):
    """Ask each confirmed colleague to confirm a pending link; the editors when there is
    nobody to ask."""
    colleagues = list(
        Participant.objects.confirmed_members_of(participant.municipality_id)
        .exclude(user=participant.user_id)
        .select_related("user")
        .distinct()
    )
    if not colleagues:
        _tell_editors(participant)
        return
    for colleague in colleagues:
        mail.send(
            to=[colleague.user.email],
            subject=lambda: (
                _("Please confirm: who may answer for %(municipality)s?")
                % {"municipality": participant.municipality}
            ),
            template="surveys/email/confirm_colleague.txt",
            context={
                "participant": participant,
                "requester": _account_label(participant.user),
                "decide_url": decision_url(participant, colleague.user),
                "overview_url": settings.SITE_URL + reverse("surveys:membership"),
                "contact": settings.PORTAL_CONTACT_EMAIL,
            },
            category="surveys.link_request",
        )


def _tell_editors(participant):
    mail.send(
        to=[settings.PORTAL_CONTACT_EMAIL],
        subject=lambda: _("A link to a municipality awaits confirmation"),
        template="surveys/email/link_for_editors.txt",
        context={
            "participant": participant,
            "requester": _account_label(participant.user),
            "admin_url": settings.SITE_URL
            + reverse("admin:surveys_participant_change", args=[participant.pk]),
        },
        category="surveys.link_for_editors",
    )


def _tell_requester(participant):
    if not participant.user.email or participant.is_pending:
        return
    label = {"municipality": participant.municipality_label}
    mail.send(
        to=[participant.user.email],
        subject=lambda: (
            _("You can now answer surveys for %(municipality)s") % label
            if participant.is_confirmed
            else _("Your link to %(municipality)s was not confirmed") % label
        ),
        template="surveys/email/link_decided.txt",
        context={
            "participant": participant,
            "surveys_url": settings.SITE_URL + reverse("surveys:survey_list"),
            "contact": settings.PORTAL_CONTACT_EMAIL,
        },
        category="surveys.link_decided",
    )


def _account_label(user):
    # Only the confirmed address: a name is whatever the requester typed, and it would go
    # to the colleagues in a mail from the portal.
    return user.email
