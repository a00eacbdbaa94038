"""Adoption of measures by municipalities ("Nachnutzung", issue 19, 2).

A confirmed member of a municipality (surveys.Participant, the "Trust" rules) sets where
the municipality stands with a measure. Each change is kept (AdoptionChange); from "in
Prüfung" on, the model project's contact – DABB where the project names none – hears of it
through the portal's mail path, in the same transaction.
"""

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from projects.models import Adoption, AdoptionChange
from transfer_portal.lib import mail


def member_municipality(user):
    """The municipality the account speaks for (a confirmed link and a verified address),
    or None."""
    if not user.is_authenticated:
        return None
    from surveys.models import Participant

    participant = (
        Participant.objects.confirmed()
        .filter(user=user, municipality__isnull=False, user__emailaddress__verified=True)
        .select_related("municipality")
        .first()
    )
    return participant.municipality if participant else None


def record(*, municipality, measure, user, stage, reason="", note="", named_as_contact=False):
    """Set the municipality's stage for the measure; returns the Adoption. Only a change
    of stage, reason, note or contact is recorded (sending the same form twice is not)."""
    with transaction.atomic():
        adoption = (
            Adoption.objects.select_for_update()
            .filter(municipality=municipality, measure=measure)
            .first()
        )
        before = adoption.stage if adoption else None
        contact = user if named_as_contact else None
        if adoption is None:
            adoption = Adoption(municipality=municipality, measure=measure)
        elif (adoption.stage, adoption.reason, adoption.note, adoption.contact_id) == (
            stage,
            reason,
            note,
            getattr(contact, "pk", None),
        ):
            return adoption
        adoption.stage, adoption.reason, adoption.note = stage, reason, note
        adoption.contact = contact
        adoption.full_clean(validate_unique=False)
        adoption.save()
        AdoptionChange.objects.create(
            adoption=adoption, stage=stage, reason=reason, note=note, changed_by=user
        )
        if stage in Adoption.REPORTED_STAGES and stage != before:
            _tell_project(adoption, user)
    return adoption


def _tell_project(adoption, user):
    measure = adoption.measure
    project = measure.project
    recipient = project.contact_email or settings.PORTAL_CONTACT_EMAIL
    context = {
        "adoption": adoption,
        "measure": measure,
        "project": project,
        "contact": adoption.contact,
        "municipality": adoption.municipality.name,
        "measure_title": measure.title,
        "stage": adoption.get_stage_display,  # in the language of the mail
        "measure_url": settings.SITE_URL + measure.get_absolute_url(),
    }
    mail.send(
        to=[recipient],
        subject=lambda: (
            _("%(municipality)s: “%(measure)s” %(stage)s")
            % {
                "municipality": adoption.municipality.name,
                "measure": measure.title,
                "stage": adoption.get_stage_display(),
            }
        ),
        template="projects/email/adoption.txt",
        context=context,
        language=settings.LANGUAGE_CODE,
        # Answers go to the member only when they agreed to be named as contact.
        reply_to=[user.email] if adoption.contact_id else [],
        category="adoption.to_project",
    )
