"""Personal data (DSGVO): what the portal keeps, a person's own copy, deletion, retention.

DATA_INVENTORY drives the privacy page, and the same settings drive the retention command,
so the page cannot promise other periods than the portal applies.
"""

import datetime

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from offers.models import Registration
from offers.services import anonymise_past_registrations, withdraw_registrations
from projects.models import AdoptionChange
from surveys.models import Participant, ResponseVersion
from transfer_portal.lib.accounts import verified_addresses
from transfer_portal.portal.models import Subscriber


def data_inventory():
    """What the portal stores, why, and for how long: rows of the privacy page."""
    return [
        (
            _("User account: e-mail address, name, password (encrypted), last login"),
            _("Logging in, taking part in surveys, confirmations by e-mail"),
            _(
                "Until you delete the account. Accounts whose e-mail address was never "
                "confirmed are deleted after %(days)s days."
            )
            % {"days": settings.UNVERIFIED_ACCOUNT_DAYS},
        ),
        (
            _("Link between your account and your municipality, and who confirmed it"),
            _(
                "Answering surveys on behalf of your municipality. To confirm the link, the "
                "colleagues who already answer for the same municipality and the editors "
                "learn your e-mail address."
            ),
            _("Until you delete the account."),
        ),
        (
            _("Survey answers of your municipality, with a history of who saved them when"),
            _(
                "Evaluating the survey; answers belong to the municipality, not to a person. "
                "Confirmed colleagues and the editors see the history."
            ),
            _(
                "Kept when you delete your account; the history then names a “deleted "
                "account” instead of you."
            ),
        ),
        (
            _(
                "Adoption of measures: stage and note your municipality gave a measure, who "
                "changed it when, and your name and e-mail address if you agreed to be named"
            ),
            _(
                "Showing other municipalities who takes a measure over; telling the model "
                "project. Your name and address are shown on the measure's page only with "
                "your consent."
            ),
            _(
                "The stage belongs to the municipality and is kept when you delete your "
                "account; your name is then removed from it and from its history."
            ),
        ),
        (
            _("Registrations for dates: name, e-mail address, municipality"),
            _("Organising the date, confirmation, waiting list, cancellation"),
            _(
                "Name and e-mail address are anonymised %(days)s days after the date. A "
                "request whose address is not confirmed by the link in the e-mail is deleted "
                "after %(hours)s hours at the latest."
            )
            % {
                "days": settings.REGISTRATION_RETENTION_DAYS,
                "hours": settings.REGISTRATION_CONFIRM_HOURS,
            },
        ),
        (
            _("Questions to model projects: name, municipality, e-mail address, message"),
            _("Passing your question on to the model project"),
            _(
                "Stored only as the e-mail until it is sent; sent e-mails are deleted after "
                "%(days)s days."
            )
            % {"days": settings.MAIL_RETENTION_DAYS},
        ),
        (
            _(
                "Subscription to the news by e-mail: e-mail address, what you chose, how "
                "often, when each digest was sent"
            ),
            _("Sending you the digest you asked for"),
            _(
                "Until you unsubscribe (a link in every digest) or delete your account. A "
                "subscription whose address is not confirmed by the link in the e-mail is "
                "deleted after %(hours)s hours."
            )
            % {"hours": settings.SUBSCRIPTION_CONFIRM_HOURS},
        ),
        (
            _("Server log files: address of the page, time, technical details"),
            _("Operating the portal securely"),
            _("As set by the server operator; the portal itself stores no access logs."),
        ),
    ]


def _registrations_of(user):
    """The person's registrations: made with the account or under one of its verified
    addresses (Registration.objects.of_user). Nothing else is ever touched."""
    return Registration.objects.of_user(user).select_related("event_date__offer")


def _link_data(participant):
    if participant is None:
        return {"kommune": None, "genannte_kommune": None, "stand": None}
    return {
        "kommune": participant.municipality.name if participant.municipality else None,
        "genannte_kommune": participant.requested_municipality or None,
        "stand": participant.get_status_display(),
        "angefragt_am": participant.created_at.isoformat(),
        "entschieden_am": participant.decided_at.isoformat() if participant.decided_at else None,
        "entschieden_durch": participant.get_decided_via_display() or None,
        "erinnerungen_an_umfragen": participant.survey_reminders,
    }


def _version_data(version):
    return {
        "umfrage": version.response.survey.title,
        "kommune": version.response.municipality.name,
        "gespeichert_am": version.saved_at.isoformat(),
        "stand": version.get_state_display(),
        "antworten": [
            {
                "frage": row.get("question"),
                "auswahl": row.get("choices") or [],
                "sonstiges": row.get("other") or "",
                "text": row.get("text") or "",
                "zahl": row.get("number"),
            }
            for row in version.answers
        ],
    }


def export_user_data(user):
    """Everything the portal keeps about one person, as a JSON-serialisable dict: among it
    every version of a survey response that this person saved (the municipality's response
    as such belongs to the municipality)."""
    participant = Participant.objects.filter(user=user).select_related("municipality").first()
    versions = (
        ResponseVersion.objects.filter(saved_by=user)
        .select_related("response__survey", "response__municipality")
        .order_by("saved_at", "pk")
    )
    return {
        "konto": {
            "e_mail": user.email,
            "vorname": user.first_name,
            "nachname": user.last_name,
            "registriert_am": user.date_joined.isoformat(),
            "letzte_anmeldung": user.last_login.isoformat() if user.last_login else None,
            "e_mail_adressen": [
                {"adresse": address.email, "bestaetigt": address.verified}
                for address in EmailAddress.objects.filter(user=user)
            ],
        },
        "kommune": _link_data(participant),
        "von_ihnen_gespeicherte_umfrageantworten": [_version_data(version) for version in versions],
        "von_ihnen_geaenderte_nachnutzungen": [
            {
                "kommune": change.adoption.municipality.name,
                "massnahme": change.adoption.measure.title,
                "stand": change.get_stage_display(),
                "begruendung": change.reason,
                "hinweis": change.note,
                "geaendert_am": change.changed_at.isoformat(),
                "als_ansprechperson_genannt": change.adoption.contact_id == user.pk,
            }
            for change in AdoptionChange.objects.filter(changed_by=user)
            .select_related("adoption__municipality", "adoption__measure")
            .order_by("changed_at", "pk")
        ],
        "anmeldungen": [
            {
                "angebot": registration.event_date.offer.title,
                "termin": registration.event_date.title,
                "beginn": registration.event_date.starts_at.isoformat(),
                "name": registration.name,
                "e_mail": registration.email,
                "stand": registration.get_state_display(),
                "angemeldet_am": registration.created_at.isoformat(),
            }
            for registration in _registrations_of(user)
        ],
        "abonnements": [_subscriber_data(subscriber) for subscriber in _subscribers_of(user)],
    }


def _subscribers_of(user):
    """The digest subscriptions of the person: made from the account, or of one of its
    verified addresses."""
    addresses = verified_addresses(user)
    return (
        Subscriber.objects.filter(Q(user=user) | Q(email__in=addresses))
        .prefetch_related("topics", "projects", "offers", "digests")
        .order_by("pk")
    )


def _subscriber_data(subscriber):
    return {
        "e_mail": subscriber.email,
        "haeufigkeit": subscriber.get_frequency_display(),
        "themen": [topic.name for topic in subscriber.topics.all()],
        "modellprojekte": [project.title for project in subscriber.projects.all()],
        "angebote": [offer.title for offer in subscriber.offers.all()],
        "neue_umfragen": subscriber.new_surveys,
        "angefragt_am": subscriber.created_at.isoformat(),
        "bestaetigt_am": subscriber.confirmed_at.isoformat() if subscriber.confirmed_at else None,
        "gesendete_uebersichten": [
            {"zeitraum": digest.period, "gesendet_am": digest.sent_at.isoformat()}
            for digest in subscriber.digests.all()
        ],
    }


def delete_account(user):
    """Delete the account. Survey responses stay with the municipality, and their history
    names a "deleted account"; the person's upcoming registrations (made with the account or
    under a verified address) are cancelled, freeing the place, past ones anonymised; its
    subscriptions to the digest end."""
    withdraw_registrations(_registrations_of(user))
    _subscribers_of(user).delete()  # the digest, too (also of a verified address)
    # Response.submitted_by / updated_by and ResponseVersion.saved_by are SET_NULL: the
    # answers stay, the name goes.
    user.delete()


def purge(now=None):
    """The daily retention run; returns (anonymised registrations, deleted accounts)."""
    now = now or timezone.now()
    anonymised = anonymise_past_registrations(now)
    account_cutoff = now - datetime.timedelta(days=settings.UNVERIFIED_ACCOUNT_DAYS)
    verified = EmailAddress.objects.filter(user=OuterRef("pk"), verified=True)
    unverified = (
        get_user_model()
        .objects.filter(date_joined__lt=account_cutoff, is_staff=False, is_superuser=False)
        .exclude(Exists(verified))
    )
    deleted = 0
    for user in unverified:
        delete_account(user)
        deleted += 1
    return anonymised, deleted
