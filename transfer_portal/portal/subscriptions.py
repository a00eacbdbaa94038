"""Subscriptions and the digest (issue 21): who gets told what is new, and the mail that
tells them.

An address subscribes to topics, model projects, offers (their new dates) and new surveys.
An address nobody has proven yet is confirmed by the link in an e-mail (double opt-in);
a verified address of the visitor's own account at once. Every digest carries a signed
link to manage the subscription without logging in, and a one-click unsubscribe
(List-Unsubscribe and List-Unsubscribe-Post, RFC 8058).

send_digests() is the periodic job (`manage.py send_digests`): for each confirmed
subscriber whose period (ISO week, or day) has no digest yet, it lists what was published
or changed since the last digest and queues one mail through the portal's mail path
(transfer_portal/lib/mail.py), in the same transaction as the row that records the period
(DigestSent): the same digest cannot go out twice. Nothing new, no mail.
"""

import datetime
import secrets
from dataclasses import dataclass, field

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from offers.models import EventDate, Offer, confirm_token_digest, new_confirm_token
from projects.models import Adoption, Insight, Measure, ModelProject
from surveys.models import Survey
from transfer_portal.lib import mail
from transfer_portal.lib.jinja import local_date, local_date_and_time
from transfer_portal.lib.validators import normalize_email
from transfer_portal.portal.models import DigestSent, Subscriber

LINK_SALT = "transfer_portal.portal.subscription"
ITEMS_PER_SECTION = 20  # a digest stays short; more are summed up as a link to the list


# --- Links -----------------------------------------------------------------------------


def manage_token(subscriber):
    """The signed token of a subscriber's links: valid as long as the subscriber and its
    key exist (no expiry: a digest of last year must still unsubscribe)."""
    return signing.dumps([subscriber.pk, subscriber.key], salt=LINK_SALT, compress=True)


def _token_values(token):
    """(pk, key) of a token that manage_token() made, or None."""
    try:
        pk, key = signing.loads(token, salt=LINK_SALT)
    except (signing.BadSignature, TypeError, ValueError):
        return None
    if not isinstance(pk, int) or not isinstance(key, str):
        return None
    return pk, key


def is_portal_token(token):
    """Whether manage_token() made the token – whether or not its subscriber still exists."""
    return _token_values(token) is not None


def subscriber_for_token(token):
    """The subscriber a token of manage_token() names, or None."""
    values = _token_values(token)
    if values is None:
        return None
    pk, key = values
    return Subscriber.objects.filter(pk=pk, key=key).first()


def manage_url(subscriber):
    return settings.SITE_URL + reverse("subscription_manage", args=[manage_token(subscriber)])


def unsubscribe_url(subscriber):
    return settings.SITE_URL + reverse("subscription_unsubscribe", args=[manage_token(subscriber)])


def confirm_url(token):
    return settings.SITE_URL + reverse("subscription_confirm", args=[token])


# --- Subscribing ------------------------------------------------------------------------


@dataclass
class Choice:
    """What a form chose: the subscription itself."""

    frequency: str
    new_surveys: bool
    topics: list = field(default_factory=list)
    projects: list = field(default_factory=list)
    offers: list = field(default_factory=list)


def _apply(subscriber, choice):
    subscriber.frequency = choice.frequency
    subscriber.new_surveys = choice.new_surveys
    subscriber.save()
    subscriber.topics.set(choice.topics)
    subscriber.projects.set(choice.projects)
    subscriber.offers.set(choice.offers)


def subscribe_verified(email, choice, *, user):
    """Subscribe a verified address of `user`'s account: confirmed at once. Returns the
    subscriber."""
    email = normalize_email(email)
    with transaction.atomic():
        subscriber = _locked(email) or Subscriber(email=email, key=_new_key())
        subscriber.user = user
        subscriber.language = translation.get_language() or settings.LANGUAGE_CODE
        if not subscriber.is_confirmed:
            subscriber.confirmed_at = timezone.now()
            subscriber.confirm_token, subscriber.confirm_expires_at = "", None
        _apply(subscriber, choice)
    return subscriber


def request_subscription(email, choice):
    """Subscribe an address nobody has proven yet: the choice is kept, unconfirmed, and
    the address gets the link that confirms it. An address that is subscribed already
    gets the link to manage its subscription instead, and nothing changes – so that
    nobody can change someone else's subscription by typing their address, and the
    answer (the moment until which a link holds) is the same either way."""
    email = normalize_email(email)
    now = timezone.now()
    expires_at = now + datetime.timedelta(hours=settings.SUBSCRIPTION_CONFIRM_HOURS)
    language = translation.get_language() or settings.LANGUAGE_CODE
    with transaction.atomic():
        subscriber = _locked(email)
        if subscriber is not None and subscriber.is_confirmed:
            _send_manage_link(subscriber)
            return expires_at
        subscriber = subscriber or Subscriber(email=email, key=_new_key())
        token, subscriber.confirm_token = new_confirm_token()
        subscriber.confirm_expires_at = expires_at
        subscriber.language = language
        _apply(subscriber, choice)
        mail.send(
            to=[email],
            subject=_("Please confirm your subscription"),
            template="portal/email/subscription_confirm.txt",
            context=lambda: {
                "confirm_url": confirm_url(token),
                "deadline": timezone.localtime(expires_at),
                "summary": subscription_summary(subscriber),
            },
            language=language,
            category="subscription",
        )
    return expires_at


def _send_manage_link(subscriber):
    mail.send(
        to=[subscriber.email],
        subject=_("Your subscription to the news of the transfer portal"),
        template="portal/email/subscription_exists.txt",
        context=lambda: {"manage_url": manage_url(subscriber)},
        language=subscriber.language or None,
        category="subscription",
    )


def confirm(token, now=None):
    """Confirm the subscription with this confirmation token; returns the subscriber, or
    None when no unconfirmed subscription has it (mistyped, replaced, or expired)."""
    now = now or timezone.now()
    with transaction.atomic():
        subscriber = awaiting_confirmation(token, now).select_for_update().first()
        if subscriber is None:
            return None
        subscriber.confirmed_at = now
        subscriber.confirm_token, subscriber.confirm_expires_at = "", None
        subscriber.save(update_fields=["confirmed_at", "confirm_token", "confirm_expires_at"])
    return subscriber


def awaiting_confirmation(token, now=None):
    """The unconfirmed subscription whose link holds this token and has not expired."""
    return Subscriber.objects.filter(
        confirmed_at__isnull=True,
        confirm_token=confirm_token_digest(token),
        confirm_expires_at__gt=now or timezone.now(),
    )


def _locked(email):
    """The subscription of an address, locked for the rest of the transaction, or None."""
    return Subscriber.objects.select_for_update().filter(email=email).first()


def update(subscriber, choice):
    """Save a changed choice from the manage page; an empty one keeps the address
    subscribed to nothing (unsubscribe() forgets it)."""
    with transaction.atomic():
        _apply(subscriber, choice)


def unsubscribe(subscriber):
    """Forget the address and all it subscribed to (and the record of its digests)."""
    Subscriber.objects.filter(pk=subscriber.pk).delete()


def _new_key():
    return secrets.token_urlsafe(16)


def subscription_summary(subscriber):
    """What a subscriber has chosen, as (label, [names]) for mails and pages."""
    rows = [
        (_("Topics"), [topic.name for topic in subscriber.topics.all()]),
        (_("Model projects"), [project.title for project in subscriber.projects.all()]),
        (_("Offers (their new dates)"), [offer.title for offer in subscriber.offers.all()]),
    ]
    if subscriber.new_surveys:
        rows.append((_("Surveys"), [str(_("new surveys and surveys closing soon"))]))
    return [(label, names) for label, names in rows if names]


def delete_unconfirmed(now=None):
    """Forget subscriptions whose confirmation link has expired (purge_personal_data)."""
    now = now or timezone.now()
    deleted, _per_model = Subscriber.objects.filter(
        confirmed_at__isnull=True, confirm_expires_at__lte=now
    ).delete()
    return deleted


# --- The digest -------------------------------------------------------------------------


def period_of(frequency, now):
    """The period a digest of this frequency belongs to: "2026-W49" or "2026-12-06"
    (in local time)."""
    day = timezone.localdate(now)
    if frequency == Subscriber.Frequency.DAILY:
        return day.isoformat()
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


def period_length(frequency):
    return datetime.timedelta(days=1 if frequency == Subscriber.Frequency.DAILY else 7)


@dataclass
class Item:
    title: str
    url: str
    detail: str = ""


@dataclass
class Section:
    title: str
    items: list
    more: int = 0  # entries beyond ITEMS_PER_SECTION


@dataclass
class Digest:
    subscriber: Subscriber
    since: datetime.datetime
    sections: list

    @property
    def count(self):
        return sum(len(section.items) + section.more for section in self.sections)


def _absolute(path):
    return settings.SITE_URL + path


def _section(title, rows, item):
    rows = list(rows[: ITEMS_PER_SECTION + 1])
    shown = rows[:ITEMS_PER_SECTION]
    return Section(title, [item(row) for row in shown], more=len(rows) - len(shown))


def build_digest(subscriber, since, now):
    """What is new for `subscriber` between `since` and `now`, by kind; the links in the
    subscriber's language (call it under translation.override)."""
    topics = list(subscriber.topics.values_list("pk", flat=True))
    projects = list(subscriber.projects.values_list("pk", flat=True))
    offers = list(subscriber.offers.values_list("pk", flat=True))
    window = Q(updated_at__gt=since, updated_at__lte=now)
    sections = []
    if topics or projects:
        about = Q(topics__in=topics) | Q(project__in=projects)
        measures = (
            Measure.objects.published()
            .filter(about, window)
            .select_related("project")
            .distinct()
            .order_by("-updated_at", "pk")
        )
        sections.append(
            _section(
                _("Measures, new or changed"),
                measures,
                lambda m: Item(
                    m.title,
                    _absolute(m.get_absolute_url()),
                    _("%(project)s · transfer phase: %(phase)s")
                    % {
                        "project": m.project.title,
                        "phase": m.get_transfer_phase_display() or _("not known"),
                    },
                ),
            )
        )
        insights = (
            Insight.objects.published()
            .filter(
                Q(topic__in=topics) | Q(project__in=projects),
                created_at__gt=since,
                created_at__lte=now,
            )
            .select_related("project")
            .order_by("-created_at", "pk")
        )
        sections.append(
            _section(
                _("Lessons learned"),
                insights,
                lambda i: Item(
                    f"{i.get_kind_display()}: {i.project.title}",
                    _absolute(i.get_absolute_url()),
                    i.text[:140] + ("…" if len(i.text) > 140 else ""),
                ),
            )
        )
        adopted = Q(measure__topics__in=topics) | Q(measure__project__in=projects)
        adoptions = (
            Adoption.objects.public()
            .filter(adopted, changed_at__gt=since, changed_at__lte=now)
            .select_related("measure", "municipality")
            .distinct()
            .order_by("-changed_at", "pk")
        )
        sections.append(
            _section(
                _("Adoption by municipalities"),
                adoptions,
                lambda a: Item(
                    a.measure.title,
                    _absolute(a.measure.get_absolute_url() + "#nachnutzung"),
                    f"{a.municipality}: {a.get_stage_display()}",
                ),
            )
        )
    if topics or offers:
        on_offers = Q(offer__in=offers) | Q(offer__topics__in=topics)
        dates = (
            EventDate.objects.published()
            .coming(now)
            .filter(on_offers, window)
            .select_related("offer")
            .distinct()
        )
        free = [date for date in dates if not date.is_full]
        sections.append(
            _section(
                _("Dates with free places"),
                free,
                lambda d: Item(
                    f"{d.offer.title} – {d.title}" if d.title else d.offer.title,
                    _absolute(d.get_absolute_url()),
                    _date_text(d),
                ),
            )
        )
    if subscriber.new_surveys:
        visible = Survey.objects.published()
        opened = visible.filter(opens_at__gt=since, opens_at__lte=now, closes_at__gt=now)
        closing = visible.filter(
            opens_at__lte=now,
            closes_at__gt=now,
            closes_at__lte=now + period_length(subscriber.frequency),
        ).exclude(pk__in=opened.values("pk"))
        for title, surveys, verb in (
            (_("Surveys that have opened"), opened, _("open until %(date)s")),
            (_("Surveys that close soon"), closing, _("closes on %(date)s")),
        ):
            sections.append(
                _section(
                    title,
                    surveys.order_by("closes_at", "pk"),
                    lambda s, verb=verb: Item(
                        s.title,
                        _absolute(s.get_absolute_url()),
                        verb % {"date": local_date_and_time(s.closes_at)},
                    ),
                )
            )
    return Digest(subscriber, since, [section for section in sections if section.items])


def _date_text(event_date):
    """When and where, as the lists of dates say it (lib/jinja.py's date helpers)."""
    if event_date.all_day:
        when = local_date(event_date.starts_at)
    else:
        when = local_date_and_time(event_date.starts_at)
    return f"{when}, {event_date.location}" if event_date.location else when


def send_digests(now=None):
    """The periodic job: one digest per confirmed subscriber and period, when there is
    something new. Returns (sent, without news, already sent)."""
    now = now or timezone.now()
    sent = empty = done = 0
    for subscriber in Subscriber.objects.confirmed().order_by("pk"):
        period = period_of(subscriber.frequency, now)
        if DigestSent.objects.filter(subscriber=subscriber, period=period).exists():
            done += 1
            continue
        outcome = _send_digest(subscriber, period, now)
        if outcome == "sent":
            sent += 1
        elif outcome == "empty":
            empty += 1
        else:
            done += 1
    return sent, empty, done


def _since(subscriber):
    last = subscriber.digests.order_by("-sent_at").values_list("sent_at", flat=True).first()
    return last or subscriber.confirmed_at


def _send_digest(subscriber, period, now):
    language = subscriber.language or settings.LANGUAGE_CODE
    since = _since(subscriber)
    with translation.override(language):
        digest = build_digest(subscriber, since, now)
    if not digest.sections:
        return "empty"
    unsubscribe = unsubscribe_url(subscriber)
    try:
        with transaction.atomic():
            DigestSent.objects.create(
                subscriber=subscriber,
                period=period,
                items=min(digest.count, 32767),
                covers_from=since,
                sent_at=now,
            )
            mail.send(
                to=[subscriber.email],
                subject=lambda: _("What is new: %(count)s entries") % {"count": digest.count},
                template="portal/email/digest.txt",
                html_template="portal/email/digest.html",
                context=lambda: {
                    "digest": digest,
                    "manage_url": manage_url(subscriber),
                    "unsubscribe_url": unsubscribe,
                    "frequency": subscriber.get_frequency_display(),
                    "language": translation.get_language(),
                },
                language=language,
                category="digest",
                headers={
                    "List-Unsubscribe": f"<{unsubscribe}>",
                    "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                },
            )
    except IntegrityError:  # another run sent this period's digest meanwhile
        return "already"
    return "sent"


def offers_with_dates():
    """The offers one can subscribe to for their new dates: published ones."""
    return Offer.objects.published().order_by("title")


def projects_to_follow():
    return ModelProject.objects.published().order_by("title")
