"""Fresh content (issue 21, 3): what has not been checked against its sources for longer
than FRESHNESS_MONTHS, oldest first, for the editors' monthly mail.

A model project and a measure are as fresh as the newest check of their sources
(ProjectSource, MeasureSource); an offer and a contact person by their own `checked_on`.
Never checked comes first. Four queries, whatever the number of entries.
"""

import calendar
import datetime
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import F, Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from offers.models import Contact, Offer
from projects.models import Measure, ModelProject
from transfer_portal.lib import mail
from transfer_portal.lib.editors import EDITOR_GROUP

ENTRIES_PER_MAIL = 200  # beyond that, the mail says how many more there are


@dataclass
class Stale:
    kind: str
    title: str
    checked_on: datetime.date | None
    admin_url: str


def cutoff(today=None):
    """The day FRESHNESS_MONTHS before today (the month's last day where it is shorter): a
    check before it counts as old."""
    today = today or timezone.localdate()
    year, month = divmod(today.year * 12 + today.month - 1 - settings.FRESHNESS_MONTHS, 12)
    last_day = calendar.monthrange(year, month + 1)[1]
    return datetime.date(year, month + 1, min(today.day, last_day))


def _old(queryset, checked, before):
    return (
        queryset.annotate(last_checked=checked)
        .filter(Q(last_checked__lt=before) | Q(last_checked__isnull=True))
        .order_by(F("last_checked").asc(nulls_first=True), "pk")
    )


def stale_entries(today=None):
    """[Stale] of everything published whose check is older than FRESHNESS_MONTHS, never
    checked first, then the oldest."""
    before = cutoff(today)
    kinds = [
        (_("Model project"), ModelProject.objects.published(), Max("sources__checked_on"), "title"),
        (_("Measure"), Measure.objects.published(), Max("sources__checked_on"), "title"),
        (_("Offer"), Offer.objects.published(), F("checked_on"), "title"),
        (_("Contact person"), Contact.objects.published(), F("checked_on"), "name"),
    ]
    entries = []
    for kind, queryset, checked, title in kinds:
        model = queryset.model._meta
        for pk, name, last_checked in _old(queryset, checked, before).values_list(
            "pk", title, "last_checked"
        )[:ENTRIES_PER_MAIL]:
            entries.append(
                Stale(
                    str(kind),
                    name,
                    last_checked,
                    settings.SITE_URL
                    + reverse(f"admin:{model.app_label}_{model.model_name}_change", args=[pk]),
                )
            )
    entries.sort(key=lambda entry: (entry.checked_on is not None, entry.checked_on or 0))
    return entries


def editor_addresses():
    """The addresses of the active editors, or the portal's contact address without any."""
    editors = (
        get_user_model()
        .objects.filter(is_active=True, is_staff=True, groups__name=EDITOR_GROUP)
        .exclude(email="")
        .order_by("email")
        .values_list("email", flat=True)
        .distinct()
    )
    return list(editors) or [settings.PORTAL_CONTACT_EMAIL]


def send_report(today=None):
    """Queue the monthly list to the editors; nothing to list, no mail. Returns the number of
    entries listed."""
    entries = stale_entries(today)
    if not entries:
        return 0
    shown = entries[:ENTRIES_PER_MAIL]
    mail.send(
        to=editor_addresses(),
        subject=lambda: _("Content to check: %(count)s entries") % {"count": len(entries)},
        template="portal/email/freshness.txt",
        context={
            "entries": shown,
            "more": len(entries) - len(shown),
            "months": settings.FRESHNESS_MONTHS,
        },
        category="freshness",
    )
    return len(entries)
