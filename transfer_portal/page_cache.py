"""Whole-page cache for anonymous visitors, invalidated by every content change.

Anonymous visitors all see the same pages, so a rendered page is kept in the cache under
its full address and language. Every save or delete in the content apps bumps a version
number that is part of the key, so an edit in the admin shows on the very next request.
With several app processes the cache must be shared (REDIS_URL); entries are also
renewed after PAGE_CACHE_SECONDS, because some pages change with time alone (upcoming
dates, the state of a survey) – by one request, while the others get the stale copy
(see read()).

Logged-in visitors cannot share whole pages (their name, menu and CSRF token are on them),
so the expensive part of a page, its main content, is cached as a fragment instead
(`{% cached_content %}` in transfer_portal/templatetags/portal.py): under the same version,
keyed by address, language and whether drafts are visible, for FRAGMENT_CACHE_SECONDS.
Views hand the template lazy querysets, so a fragment from the cache costs no queries.

When the cache server is unreachable, pages are rendered uncached instead of failing: the
cache only makes the portal faster, the content comes from the database. (Sessions then
come from PostgreSQL, transfer_portal/sessions.py; allauth's rate limits need Redis and
answer with the 503 page.)
"""

import functools
import hashlib
import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.utils.cache import get_max_age, patch_vary_headers
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language
from django_redis.exceptions import ConnectionInterrupted
from redis.exceptions import RedisError

from transfer_portal.editors import is_editor

logger = logging.getLogger(__name__)

# What the cache client raises when Redis is down, cut off or too slow.
CACHE_ERRORS = (ConnectionInterrupted, RedisError)

VERSION_KEY = "page-cache-version"
CONTENT_APPS = {"transfer_portal", "projects", "surveys", "offers"}
UNCACHED_PREFIXES = ("/admin/", "/konto/", "/en/konto/", "/healthz", "/static/", "/media/")
KEPT_HEADERS = ("Content-Type", "Content-Disposition", "Content-Language")


def current_version():
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, 1, timeout=None)
        version = cache.get(VERSION_KEY, 1)
    return version


def lazy(function, *args, **kwargs):
    """A value computed only when a template uses it, i.e. not when the fragment is cached."""
    return SimpleLazyObject(functools.partial(function, *args, **kwargs))


def request_version(request):
    """The content version, read once per request; None if the cache is unreachable."""
    if not hasattr(request, "_content_version"):
        try:
            request._content_version = current_version()
        except CACHE_ERRORS:
            logger.warning("Cache unreachable: %s is rendered uncached.", request.path)
            request._content_version = None
    return request._content_version


def fragment_key(request, name, drafts_visible):
    """The fragment's cache key, or None if the cache is unreachable."""
    version = request_version(request)
    if version is None:
        return None
    address = f"{name}:{get_language()}:{int(drafts_visible)}:{request.get_full_path()}"
    digest = hashlib.sha256(address.encode()).hexdigest()
    # "2": since filtered lists are only kept for valid filters (cached_content with a
    # form), a cached list implies 200; entries of the release before may be for bad ones.
    return f"fragment2:{version}:{digest}"


def cached_fragment(request, name, render, keep=None):
    """A view's output (text) from the fragment cache; `render()` makes it on a miss, and
    it is stored unless `keep()`, asked after rendering, says no."""
    seconds = settings.FRAGMENT_CACHE_SECONDS
    if seconds <= 0 or request.method not in ("GET", "HEAD"):
        return render()
    key = fragment_key(request, name, is_editor(request.user))
    content = read(key)
    if content is None:
        content = render()
        if keep is None or keep():
            store(key, content, seconds)
    return content


# Entries outlive their freshness by this factor: when one turns stale, the first request
# renders it anew while the others are still served the stale copy, instead of all of
# them rendering at once (a stampede every PAGE_CACHE_SECONDS on a busy page). An edit
# changes the version and thereby the key, so it is never served stale.
KEEP_FACTOR = 2
REFRESH_LOCK_SECONDS = 10


def read(key):
    """The cached value, or None if the caller should render (and then store) it."""
    if key is None:
        return None
    try:
        entry = cache.get(key)
    except CACHE_ERRORS:
        logger.warning("Cache unreachable: reading %s failed.", key)
        return None
    if not (isinstance(entry, tuple) and len(entry) == 2 and isinstance(entry[1], float)):
        return None  # nothing cached (or an entry of an older release)
    value, fresh_until = entry
    if time.time() < fresh_until:
        return value
    try:
        refresh_here = cache.add(f"{key}:refresh", 1, REFRESH_LOCK_SECONDS)
    except CACHE_ERRORS:
        refresh_here = False
    if refresh_here:
        return None  # this request refreshes the entry
    return value  # another request is refreshing it: the stale copy meanwhile


def store(key, value, seconds):
    if key is None:
        return
    try:
        cache.set(key, (value, time.time() + seconds), seconds * KEEP_FACTOR)
        cache.delete(f"{key}:refresh")
    except CACHE_ERRORS:
        logger.warning("Cache unreachable: %s was not stored.", key)


def invalidate(**kwargs):
    """Bump the version: every cached page is stale from the next request on."""
    try:
        try:
            cache.incr(VERSION_KEY)
        except ValueError:
            cache.set(VERSION_KEY, 2, timeout=None)
    except CACHE_ERRORS:
        # The change is saved; what Redis still holds (if it kept anything) ages out
        # within 2 × PAGE_CACHE_SECONDS.
        logger.error("Cache unreachable: cached pages could not be invalidated.")


def content_models():
    """The models whose changes invalidate cached pages: those of the content apps, except
    derived rows (`page_cache_derived = True`), which only change along with content that
    invalidates by itself – connecting per model leaves Django free to delete those rows
    in one statement, without a signal (and a Redis round trip) per row."""
    from django.apps import apps

    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label in CONTENT_APPS and not getattr(model, "page_cache_derived", False)
    ]


def connect_signals():
    for model in content_models():
        for signal in (post_save, post_delete, m2m_changed):
            signal.connect(invalidate, sender=model, dispatch_uid=f"page-cache-{signal!r}")


def _key(request, version):
    address = f"{get_language()}:{request.get_full_path()}"
    digest = hashlib.sha256(address.encode()).hexdigest()
    return f"page:{version}:{digest}"


def _cacheable_request(request):
    return (
        settings.PAGE_CACHE_SECONDS > 0
        and request.method in ("GET", "HEAD")
        and not request.path.startswith(UNCACHED_PREFIXES)
        and "messages" not in request.COOKIES
        and not request.user.is_authenticated
    )


def _cacheable_response(request, response):
    # Cookies set further out (CSRF, session, messages) are not on the response yet:
    # a page with a CSRF token or a changed session belongs to one visitor only.
    return (
        response.status_code == 200
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not request.session.modified
        and not response.streaming
        and not response.cookies
        and get_max_age(response) != 0
        and "private" not in response.get("Cache-Control", "")
    )


class AnonymousPageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not _cacheable_request(request):
            return self.get_response(request)
        version = request_version(request)
        key = None if version is None else _key(request, version)  # None: cache unreachable
        cached = read(key)
        if cached is not None:
            content, headers = cached
            response = HttpResponse(content, headers=headers)
            response["X-Page-Cache"] = "hit"
        else:
            response = self.get_response(request)
            if key is not None and _cacheable_response(request, response):
                headers = {name: response[name] for name in KEPT_HEADERS if name in response}
                store(key, (response.content, headers), settings.PAGE_CACHE_SECONDS)
                response["X-Page-Cache"] = "miss"
        patch_vary_headers(response, ["Cookie"])
        return response
