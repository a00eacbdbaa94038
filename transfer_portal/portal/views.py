import sys

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import Http404, HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template import loader
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from offers.services import upcoming_dates
from projects.models import Measure, ModelProject, Topic
from projects.queries import MEASURE_ITEM_FIELDS, municipalities_of_projects
from surveys import membership
from surveys.models import Participant
from surveys.results import home_highlights
from transfer_portal.lib import mail, page_cache, ratelimits
from transfer_portal.lib.accounts import verified_addresses
from transfer_portal.lib.compiled import compiled, prefetch
from transfer_portal.lib.editors import is_editor
from transfer_portal.lib.listing import first_rows_query, rows_and_total
from transfer_portal.lib.templatetags.portal import date_and_time
from transfer_portal.portal import opendata, privacy, subscriptions
from transfer_portal.portal import search as portal_search
from transfer_portal.portal.forms import DeleteAccountForm, ProfileForm, SubscriptionForm
from transfer_portal.portal.models import LegalPage, Subscriber

NEWEST_MEASURES = 4
# Brandenburg has four model projects; should there ever be many more, the home page shows
# the first ones and links to the list.
HOME_PROJECTS = 8


def _home_projects(user):
    shown, total = rows_and_total(_first_projects(editor=is_editor(user)))
    prefetch(shown, "municipalities", municipalities_of_projects)
    return {"shown": shown, "total": total}


@compiled
def _first_projects(*, editor):
    projects = ModelProject.objects.visible(editor=editor)
    return first_rows_query(projects.order_by("title", "pk"), HOME_PROJECTS)


@compiled
def _newest_measures(*, editor):
    measures = Measure.objects.visible(editor=editor).only(*MEASURE_ITEM_FIELDS)
    return measures.order_by("-created_at", "-pk")[:NEWEST_MEASURES]


@compiled
def _all_topics():
    return Topic.objects.all()


@require_safe
def home(request):
    topics = list(_all_topics())  # listed, and ranked by the survey highlights
    return render(
        request,
        "portal/home.html",
        {
            "projects": _home_projects(request.user),
            "topics": topics,
            "survey_highlights": home_highlights(topics=topics),
            "upcoming_dates": upcoming_dates(limit=3),
            "newest_measures": list(_newest_measures(editor=is_editor(request.user))),
        },
    )


@require_safe
def search(request):
    query = request.GET.get("q", "")[: portal_search.MAX_QUERY_LENGTH]
    return render(
        request,
        "portal/search.html",
        {
            "query": query,
            "results": _search_results(query, request.user),
            "searched": bool(portal_search.words_of(query)),
            "topics_url": reverse("projects:topic_list"),
        },
    )


def _search_results(query, user):
    groups = portal_search.search(query, user)
    return {"groups": groups, "total": sum(group.total for group in groups)}


@require_safe
def legal_page(request, kind):
    page = get_object_or_404(LegalPage, kind=kind)
    context = {"page": page}
    if kind == LegalPage.Kind.PRIVACY:
        context["data_inventory"] = privacy.data_inventory()
        context["profile_url"] = reverse("profile")
    return render(request, "portal/legal_page.html", context)


def _database_ok():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return False
    return True


def _cache_ok():
    try:
        cache.set("healthz", "ok", 10)
        return cache.get("healthz") == "ok"
    except Exception:  # noqa: BLE001 - any cache client error means "unavailable"
        return False


@never_cache
@require_safe
def healthz(request):
    """Readiness for the load balancer: 200 only if the database (and Redis, if used) answer.

    "mail" reports e-mails waiting longer than MAIL_BACKLOG_MINUTES (no worker, or a mail
    server refusing them) for the monitoring; it does not take the instance out of the
    load balancer, which would not bring a worker back.
    """
    database = _database_ok()
    checks = {"database": "ok" if database else "unavailable"}
    if settings.REDIS_URL:
        checks["cache"] = "ok" if _cache_ok() else "unavailable"
    healthy = all(value == "ok" for value in checks.values())
    if database:
        waiting = mail.backlog()
        checks["mail"] = (
            f"{waiting} waiting longer than {settings.MAIL_BACKLOG_MINUTES} min"
            if waiting
            else "ok"
        )
    return JsonResponse(checks, status=200 if healthy else 503)


def server_error(request):
    """500 handler: an outage of the database or of Redis (sessions, rate limits) gets the
    friendly 503 page, which needs neither."""
    error = sys.exc_info()[1]
    if isinstance(error, (DatabaseError, *page_cache.CACHE_ERRORS)):
        response = HttpResponseServerError(loader.render_to_string("503.html"))
        response.status_code = 503
        response["Retry-After"] = "60"
        return response
    return HttpResponseServerError(loader.render_to_string("500.html"))


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: Django's own page is English and outside the portal's design.

    The typical cause for a person is a stale form (logged in or out in another tab, a page
    left open for hours): the page says so and links back to the form.
    """
    referer = request.headers.get("referer", "")
    back_url = (
        referer
        if url_has_allowed_host_and_scheme(
            referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
        else ""
    )
    return render(request, "403_csrf.html", {"back_url": back_url}, status=403)


@require_safe
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /konto/",
        "Disallow: /en/konto/",
        f"Sitemap: {settings.SITE_URL}/sitemap.xml",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@require_safe
def open_data(request):
    return render(
        request,
        "portal/open_data.html",
        {
            "datasets": opendata.DATASETS,
            "catalog": opendata.catalog_jsonld(),
            "license_url": opendata.LICENSE_URL,
        },
    )


@require_safe
def open_data_download(request, slug, fmt):
    dataset = opendata.DATASETS_BY_SLUG.get(slug)
    if dataset is None or fmt not in opendata.FORMATS:
        raise Http404
    if fmt == "json":
        response = HttpResponse(
            opendata.as_json(dataset), content_type="application/json; charset=utf-8"
        )
    else:
        content = opendata.as_csv(dataset, excel=fmt == opendata.EXCEL_CSV)
        response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    filename = f"{dataset.slug}-excel.csv" if fmt == opendata.EXCEL_CSV else f"{dataset.slug}.{fmt}"
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    # Open data: the licence travels with the file, and other sites' scripts may read it
    # (public, anonymous, no cookies involved).
    response["Link"] = f'<{opendata.LICENSE_URL}>; rel="license"'
    response["Access-Control-Allow-Origin"] = "*"
    return response


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST":
        if form.is_valid():
            form.save()
            messages.success(request, _("Your profile has been saved."))
            return redirect("profile")
        status = 400
    else:
        status = 200
    participant = (
        Participant.objects.filter(user=request.user).select_related("municipality").first()
    )
    colleagues_asked = (
        membership.colleagues_asked(participant) if participant and participant.is_pending else 0
    )
    return render(
        request,
        "portal/profile.html",
        {"form": form, "participant": participant, "colleagues_asked": colleagues_asked},
        status=status,
    )


@login_required
@require_POST
def download_my_data(request):
    data = privacy.export_user_data(request.user)
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2})
    response["Content-Disposition"] = 'attachment; filename="meine-daten.json"'
    return response


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def delete_my_account(request):
    form = DeleteAccountForm(request.POST or None, user=request.user)
    if request.method == "POST":
        if form.is_valid():
            user = request.user
            logout(request)
            privacy.delete_account(user)
            messages.success(request, _("Your account has been deleted."))
            return redirect("home")
        status = 400
    else:
        status = 200
    return render(request, "portal/delete_my_account.html", {"form": form}, status=status)


# --- Subscriptions and the digest (transfer_portal/portal/subscriptions.py) ---------------


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def subscribe(request):
    """Subscribe to the digest. A verified address of the visitor's account is subscribed
    at once; any other address gets the link that confirms it (double opt-in), within the
    rate limits, and the page says the same whether or not it is subscribed already."""
    addresses = verified_addresses(request.user)
    own = _own_subscriber(request.user, addresses)
    if own is not None and request.method != "POST":
        return redirect("subscription_manage", token=subscriptions.manage_token(own))
    initial = {"email": request.user.email} if request.user.is_authenticated else {}
    # Linked from a topic's, project's or offer's page: that one is ticked already.
    for parameter, name in (("thema", "topics"), ("projekt", "projects"), ("angebot", "offers")):
        if slug := request.GET.get(parameter):
            initial[name] = [slug]
    form = SubscriptionForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            email = form.cleaned_data["email"]
            if email in addresses:
                subscriber = subscriptions.subscribe_verified(
                    email, form.choice(), user=request.user
                )
                messages.success(request, _("Your subscription has been saved."))
                return redirect("subscription_manage", token=subscriptions.manage_token(subscriber))
            refusal = _subscription_rate_limited(request, email)
            if refusal is None:
                expires_at = subscriptions.request_subscription(email, form.choice())
                messages.info(
                    request,
                    _(
                        "Almost done: we have sent an e-mail to %(email)s. Please confirm "
                        "your subscription with the link in it by %(deadline)s. No e-mail? "
                        "Please also look in your spam folder."
                    )
                    % {
                        "email": email,
                        "deadline": date_and_time(timezone.localtime(expires_at)),
                    },
                )
                return redirect("subscribe")
            form.add_error(None, refusal)
            status = 429
        else:
            status = 400
    response = render(request, "portal/subscribe.html", {"form": form}, status=status)
    return ratelimits.with_retry_after(response)


def _own_subscriber(user, addresses):
    """The subscription of one of the account's verified addresses, if there is one."""
    if not addresses:
        return None
    return Subscriber.objects.confirmed().filter(email__in=addresses).first()


def _subscription_rate_limited(request, email):
    ip = ratelimits.client_ip(request)
    if not ratelimits.take("subscription-ip", ip, settings.SUBSCRIPTION_RATE_LIMIT_IP):
        return _(
            "You have asked for several subscriptions in a short time. Please try again in "
            "an hour; what you entered is still here."
        )
    if not ratelimits.take("subscription-email", email, settings.SUBSCRIPTION_RATE_LIMIT_EMAIL):
        return _(
            "A subscription for this e-mail address has been asked for several times within "
            "the last hour. Please look for our e-mail in that inbox (also in the spam "
            "folder), or try again in an hour."
        )
    return None


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def subscription_confirm(request, token):
    """The link in the e-mail to an address not confirmed yet. GET asks, POST confirms
    (a link preview must not subscribe anybody), then the page to manage it."""
    pending = subscriptions.awaiting_confirmation(token).first()
    if pending is None:
        return render(request, "portal/subscription_invalid.html", status=404)
    if request.method == "POST":
        subscriber = subscriptions.confirm(token)
        if subscriber is None:  # expired in the meantime
            return render(request, "portal/subscription_invalid.html", status=404)
        messages.success(request, _("Thank you, your subscription is confirmed."))
        return redirect("subscription_manage", token=subscriptions.manage_token(subscriber))
    return render(
        request,
        "portal/subscription_confirm.html",
        {"subscriber": pending, "summary": subscriptions.subscription_summary(pending)},
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def subscription_manage(request, token):
    """Change or end a subscription through the signed link of every digest, without
    logging in."""
    subscriber = subscriptions.subscriber_for_token(token)
    if subscriber is None or not subscriber.is_confirmed:
        return render(request, "portal/subscription_invalid.html", status=404)
    form = SubscriptionForm(
        request.POST or None,
        with_email=False,
        initial={
            "topics": subscriber.topics.all(),
            "projects": subscriber.projects.all(),
            "offers": subscriber.offers.all(),
            "new_surveys": subscriber.new_surveys,
            "frequency": subscriber.frequency,
        },
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            subscriptions.update(subscriber, form.choice())
            messages.success(request, _("Your subscription has been saved."))
            return redirect("subscription_manage", token=token)
        status = 400
    return render(
        request,
        "portal/subscription_manage.html",
        {"form": form, "subscriber": subscriber, "token": token},
        status=status,
    )


@csrf_exempt  # RFC 8058: mail programs post without a CSRF token; the signed link is the key
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def subscription_unsubscribe(request, token):
    """One-click unsubscribe (List-Unsubscribe-Post from the mail program, or the button on
    this page). GET only asks: link scanners must not unsubscribe anybody."""
    subscriber = subscriptions.subscriber_for_token(token)
    if request.method == "POST":
        if subscriber is not None:
            subscriptions.unsubscribe(subscriber)
        elif not subscriptions.is_portal_token(token):
            # No link of ours: "unsubscribed, the address has been deleted" would be untrue.
            return render(request, "portal/subscription_invalid.html", status=404)
        # Unsubscribed now, or before (a mail program posts again): the address is gone.
        return render(request, "portal/subscription_unsubscribed.html")
    if subscriber is None:
        return render(request, "portal/subscription_invalid.html", status=404)
    return render(request, "portal/subscription_unsubscribe.html", {"subscriber": subscriber})
