"""Reminders to the municipalities that have not submitted an open survey (issue 20, part 4).

An editor sends them from the response tracker; every confirmed member of such a
municipality who has not opted out gets one e-mail, through the portal's mail path. At most
one reminder per survey in REMINDER_INTERVAL, whoever sends it: the check and the record
are made under a lock on the survey's row, so two editors clicking at once send one.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, F, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from surveys.models import Participant, Response, Survey, SurveyReminder
from transfer_portal.lib import mail
from transfer_portal.lib.jinja import local_date, local_date_and_time

REMINDER_INTERVAL = timedelta(days=7)


class ReminderRefused(Exception):
    """Why no reminder can be sent now (its message says so, for the editor)."""


def last_reminder(survey):
    return survey.reminders.select_related("sent_by").first()


def next_possible(survey, last=None, now=None):
    """When the next reminder may be sent: now, or a moment in the future."""
    now = now or timezone.now()
    last = last if last is not None else last_reminder(survey)
    return max(now, last.sent_at + REMINDER_INTERVAL) if last else now


def recipients(survey):
    """The confirmed members, reachable at their own confirmed address and not opted out,
    of the municipalities without a submitted response to `survey`."""
    submitted = Response.objects.filter(
        survey=survey, municipality=OuterRef("municipality"), state=Response.State.SUBMITTED
    )
    return (
        Participant.objects.confirmed()
        .filter(
            survey_reminders=True,
            user__is_active=True,
            user__emailaddress__verified=True,
            user__emailaddress__email__iexact=F("user__email"),
        )
        .exclude(Exists(submitted))
        .select_related("user", "municipality")
        .order_by("municipality__name", "user__email")
        .distinct()
    )


def send_reminders(survey, editor, now=None):
    """Remind the municipalities that have not submitted; the SurveyReminder made.
    ReminderRefused when the survey is not open or the last reminder is too recent."""
    now = now or timezone.now()
    with transaction.atomic():
        survey = Survey.objects.select_for_update(no_key=True).get(pk=survey.pk)
        if not survey.published or survey.state_at(now) != Survey.State.OPEN:
            raise ReminderRefused(_("Only a published survey that is open can be reminded of."))
        last = last_reminder(survey)
        allowed = next_possible(survey, last, now)
        if allowed > now:
            raise ReminderRefused(
                _(
                    "A reminder for this survey was sent on %(date)s; the next one is possible "
                    "from %(next)s."
                )
                % {
                    "date": local_date_and_time(last.sent_at),
                    "next": local_date_and_time(allowed),
                }
            )
        members = list(recipients(survey))
        if not members:
            raise ReminderRefused(
                _("Nobody to remind: every municipality with confirmed members has submitted.")
            )
        participate_url = settings.SITE_URL + reverse(
            "surveys:survey_participate", args=[survey.slug]
        )
        settings_url = settings.SITE_URL + reverse("surveys:membership") + "#erinnerungen"
        drafts = set(
            Response.objects.filter(survey=survey, state=Response.State.DRAFT).values_list(
                "municipality_id", flat=True
            )
        )
        for member in members:
            mail.send(
                to=[member.user.email],
                subject=lambda: (
                    _("Reminder: the survey “%(title)s” is open until %(date)s")
                    % {"title": survey.title, "date": local_date(survey.closes_at)}
                ),
                template="surveys/email/reminder.txt",
                context={
                    "survey": survey,
                    "municipality": member.municipality,
                    "has_draft": member.municipality_id in drafts,
                    "participate_url": participate_url,
                    "settings_url": settings_url,
                    "contact": settings.PORTAL_CONTACT_EMAIL,
                },
                category="surveys.reminder",
            )
        return SurveyReminder.objects.create(
            survey=survey,
            sent_by=editor,
            municipalities=len({member.municipality_id for member in members}),
            recipients=len(members),
        )
