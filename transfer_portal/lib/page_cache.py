"""Whole-page cache for anonymous visitors, invalidated by changes to what public pages show.

A rendered page is kept in its own cache (CACHES["pages"]) under host, language and full
address, like Django's cache middleware, with the content version it was made for; it is
served only under that version. A change that public pages show bumps the version once its
transaction commits: any model of the content apps, unless the model says otherwise
(`shown_on_public_pages`: a survey draft or an unconfirmed registration is on no page).
Pages that change with time alone expire after PAGE_CACHE_SECONDS: one request renders the
page anew while the others get the expired entry for up to STALE_SECONDS (no stampede of
renders on a busy page). Logged-in visitors, and all with the cache down, get fresh pages.
"""

import hashlib
import logging
import time

from django.apps import apps
from django.conf import settings
from django.core.cache import caches
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.utils.cache import get_max_age, patch_vary_headers
from django.utils.translation import get_language
from django_redis.exceptions import ConnectionInterrupted
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# What the cache client raises when Redis is down, cut off or too slow.
CACHE_ERRORS = (ConnectionInterrupted, RedisError)
VERSION_KEY = "version"
UNCACHED_PREFIXES = ("/admin/", "/konto/", "/en/konto/", "/healthz", "/static/", "/media/")
KEPT_HEADERS = ("Content-Type", "Content-Disposition", "Content-Language", "Link")
KEPT_HEADERS += ("Access-Control-Allow-Origin",)
STALE_SECONDS = 10


def _pages():
    return caches["pages"]


def _bump(done):
    """Once per transaction: every signal of it queues this with the same `done` list."""
    if done:
        return
    done.append(True)
    try:  # no version yet, or Redis lost it: start where no entry can be
        if not _pages().add(VERSION_KEY, time.time_ns(), timeout=None):
            _pages().incr(VERSION_KEY)
    except CACHE_ERRORS:
        # The change is saved; what Redis still holds ages out within PAGE_CACHE_SECONDS.
        logger.error("Cache unreachable: cached pages could not be invalidated.")


def invalidate(sender=None, instance=None, using=DEFAULT_DB_ALIAS, **kwargs):
    """Make every cached page stale once the current transaction commits (at once outside
    one). Code that changes content with QuerySet.update() calls this itself."""
    shown = getattr(instance, "shown_on_public_pages", True)
    if not (shown() if callable(shown) else shown):
        return
    connection = connections[using]
    # The same list for every change until a bump has run; a rolled-back transaction
    # drops its callbacks, and the next one queues the list again.
    done = getattr(connection, "page_cache_bump", None)
    if done is None or done:
        done = connection.page_cache_bump = []
    transaction.on_commit(lambda: _bump(done), using=using, robust=True)


def connect_signals():
    for model in apps.get_models(include_auto_created=True):
        # Models never shown get no handler: Django may then delete their rows at once.
        shown = getattr(model, "shown_on_public_pages", True) is not False
        if shown and model._meta.app_label in settings.PORTAL_CONTENT_APPS:
            for signal in (post_save, post_delete, m2m_changed):
                signal.connect(invalidate, sender=model, dispatch_uid=f"page-cache-{signal!r}")


def _key(request):
    # The host is part of it: feeds and the sitemap build their links from it.
    address = f"{get_language()}:{request.get_host()}:{request.get_full_path()}"
    return "page:" + hashlib.sha256(address.encode()).hexdigest()


def _cacheable_request(request):
    return (
        settings.PAGE_CACHE_SECONDS > 0
        and request.method in ("GET", "HEAD")
        and not request.path.startswith(UNCACHED_PREFIXES)
        and "messages" not in request.COOKIES
        and not request.user.is_authenticated
    )


def _cacheable_response(request, response):
    # CSRF, session and message cookies are set further out: a page that needs one is private.
    return (
        response.status_code == 200
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not request.session.modified
        and not response.streaming
        and not response.cookies
        and get_max_age(response) != 0
        and "private" not in response.get("Cache-Control", "")
    )


def _servable(entry, version, key):
    """A stored page of this version, fresh or expired while another request renews it."""
    if version is None or not isinstance(entry, tuple) or len(entry) != 4 or entry[0] != version:
        return False
    try:  # of the requests after it expired, the first renders it anew, the others get it
        return entry[3] > time.time() or not _pages().add(f"renew:{key}", 1, STALE_SECONDS)
    except CACHE_ERRORS:
        return False


class AnonymousPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _cacheable_request(request):
            return self.get_response(request)
        key = _key(request)
        try:  # version and entry in one round trip
            found = _pages().get_many([VERSION_KEY, key])
            if (version := found.get(VERSION_KEY)) is None:
                _pages().add(VERSION_KEY, time.time_ns(), timeout=None)
                version = _pages().get(VERSION_KEY)
        except CACHE_ERRORS:
            logger.warning("Cache unreachable: %s is rendered uncached.", request.path)
            found, version = {}, None
        if _servable(entry := found.get(key), version, key):
            response = HttpResponse(entry[1], headers=entry[2])
            response["X-Page-Cache"] = "hit"
        else:
            response = self.get_response(request)
            if version is not None and _cacheable_response(request, response):
                headers = {name: response[name] for name in KEPT_HEADERS if name in response}
                fresh_until = time.time() + settings.PAGE_CACHE_SECONDS
                entry = (version, response.content, headers, fresh_until)
                try:
                    _pages().set(key, entry, settings.PAGE_CACHE_SECONDS + STALE_SECONDS)
                except CACHE_ERRORS:
                    logger.warning("Cache unreachable: %s was not cached.", request.path)
                response["X-Page-Cache"] = "miss"
        patch_vary_headers(response, ["Cookie"])
        return response
