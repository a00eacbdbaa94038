"""Whole-page cache for anonymous visitors, invalidated by every content change.

Anonymous visitors all see the same pages, so a rendered page is kept in the cache under
its full address and language. Every save or delete in the content apps bumps a version
number; an entry is only used for the version it was made for, so an edit in the admin
shows on the very next request. The version comes along with the entry in one round trip.
With several app processes the cache must be shared (REDIS_URL); entries are also
renewed after PAGE_CACHE_SECONDS, because some pages change with time alone (upcoming
dates, the state of a survey) – by one request, while the others get the stale copy
(see read()).

Logged-in visitors cannot share whole pages (their name, menu and CSRF token are on them),
so the expensive part of a page, its main content, is cached as a fragment instead
(`{% cached_content %}` in transfer_portal/templatetags/portal.py): under the same version,
keyed by address, language and whether drafts are visible, for FRAGMENT_CACHE_SECONDS.
Views hand the template lazy querysets, so a fragment from the cache costs no queries; a
page about one object gets that object from the cache too (`cached_object`).

When the cache server is unreachable, pages are rendered uncached instead of failing: the
cache only makes the portal faster, the content comes from the database. (Sessions then
come from PostgreSQL, transfer_portal/sessions.py; allauth's rate limits need Redis and
answer with the 503 page.)
"""

import functools
import hashlib
import logging
import pickle
import time

import django
from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.cache import get_max_age, patch_vary_headers
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language
from django_redis.exceptions import ConnectionInterrupted
from redis.exceptions import RedisError

from transfer_portal.lib.editors import is_editor

logger = logging.getLogger(__name__)

# What the cache client raises when Redis is down, cut off or too slow.
CACHE_ERRORS = (ConnectionInterrupted, RedisError)

VERSION_KEY = "page-cache-version"
UNCACHED_PREFIXES = ("/admin/", "/konto/", "/en/konto/", "/healthz", "/static/", "/media/")
KEPT_HEADERS = (
    "Content-Type",
    "Content-Disposition",
    "Content-Language",
    "Link",
    "Access-Control-Allow-Origin",
)
# Part of cached objects' keys: a model instance pickled by another Django only warns when
# it is loaded.
DJANGO_VERSION = django.get_version()


def _fresh_version():
    """A first version that no entry still in the cache can carry: should Redis lose the
    version (evicted, restarted), counting does not start again at a number it had."""
    return time.time_ns()


def current_version():
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, _fresh_version(), timeout=None)
        version = cache.get(VERSION_KEY)
    return version


def lazy(function, *args, **kwargs):
    """A value computed only when a template uses it, i.e. not when the fragment is cached."""
    return SimpleLazyObject(functools.partial(function, *args, **kwargs))


def request_version(request):
    """The content version, read once per request; None if the cache is unreachable."""
    if not hasattr(request, "_content_version"):
        _fetch(request, [])
    return request._content_version


def _fetch(request, keys):
    """The entries under `keys` (None where there is none), or None if the cache is
    unreachable. A request's first call brings the content version along in the same
    round trip (MGET): entries carry the version they were made for instead of having it
    in their key, so that a cached page costs one round trip to Redis, not two."""
    first = not hasattr(request, "_content_version")
    if not first and request._content_version is None:
        return None
    try:
        found = cache.get_many([VERSION_KEY, *keys] if first else keys)
        if first:
            version = found.get(VERSION_KEY)
            request._content_version = current_version() if version is None else version
    except CACHE_ERRORS:
        _give_up(request)
        return None
    return [found.get(key) for key in keys]


def _fetch_one(request, key):
    """The entry under `key` (see _fetch), None if there is none or the cache failed."""
    entries = _fetch(request, [key])
    return entries[0] if entries else None


def _give_up(request):
    """The cache failed: the rest of the request does without it (each further attempt
    could wait for the socket timeout)."""
    logger.warning("Cache unreachable: %s is rendered uncached.", request.path)
    request._content_version = None


def _digest(*parts):
    return hashlib.sha256(":".join(map(str, parts)).encode()).hexdigest()


def fragment_key(request, name):
    """The key of the page's fragment: by name, language, drafts visible and address.
    ("3": entries carry their version since this release; those of the releases before
    have it in the key, and the first of them could hold lists for invalid filters.)"""
    drafts_visible = int(is_editor(request.user))
    address = (request.get_host(), request.get_full_path())
    return f"fragment3:{_digest(name, get_language(), drafts_visible, *address)}"


def _fragment_cache_applies(request):
    return settings.FRAGMENT_CACHE_SECONDS > 0 and request.method in ("GET", "HEAD")


def cached_fragment(request, name, render, keep=None, prefetch=()):
    """A view's output (text) from the fragment cache; `render()` makes it on a miss, and
    it is stored unless `keep()`, asked after rendering, says no. The fragments named in
    `prefetch`, which the page asks for later, come along in the same round trip."""
    if not _fragment_cache_applies(request):
        return render()
    key = fragment_key(request, name)
    prefetched = getattr(request, "_prefetched", {})
    if key in prefetched:
        entry = prefetched.pop(key)
    else:
        later = [fragment_key(request, other) for other in prefetch]
        entries = _fetch(request, [key, *later])
        entry = entries[0] if entries else None
        if entries:
            request._prefetched = {**prefetched, **dict(zip(later, entries[1:], strict=True))}
    content = read(request, key, entry)
    if content is None:
        content = render()
        if keep is None or keep():
            store(request, key, content, settings.FRAGMENT_CACHE_SECONDS)
    return content


def cached_object(request, name, queryset, **lookup):
    """`get_object_or_404(queryset, **lookup)` through the cache, for the page whose
    fragment is called `name`: the object (what the page shows outside its fragment: title,
    breadcrumbs, permissions) and the fragment come in one round trip, so a logged-in
    visitor's page needs no query for its content. Invalidated like fragments (any content
    change), and only when the fragment cache is on; editors, who see drafts, have their
    own entries. The queryset's related objects (select_related) are kept with it."""
    if not _fragment_cache_applies(request):
        return get_object_or_404(queryset, **lookup)
    drafts_visible = int(is_editor(request.user))
    identity = (DJANGO_VERSION, name, queryset.model._meta.label, sorted(lookup.items()))
    key = f"object:{_digest(*identity, drafts_visible)}"
    fragment = fragment_key(request, name)
    entries = _fetch(request, [key, fragment])
    if entries is not None:
        request._prefetched = {fragment: entries[1]}
        found = _loaded(entries[0], request._content_version)
        if found is not None:
            return found
    found = get_object_or_404(queryset, **lookup)
    if request._content_version is not None:
        # Pickled here, not by the cache client: an instance that cannot be loaded again
        # (a model changed by a new release) is a miss instead of failing the whole MGET.
        entry = (request._content_version, pickle.dumps(found, pickle.HIGHEST_PROTOCOL))
        try:
            cache.set(key, entry, settings.FRAGMENT_CACHE_SECONDS)
        except CACHE_ERRORS:
            _give_up(request)
    return found


def _loaded(entry, version):
    if not (isinstance(entry, tuple) and len(entry) == 2 and entry[0] == version):
        return None
    try:
        return pickle.loads(entry[1])  # noqa: S301 - written by cached_object, above
    except Exception:  # noqa: BLE001 - whatever the reason, the database has the object
        logger.warning("A cached object could not be loaded; it is read from the database.")
        return None


# Entries outlive their freshness by this factor: when one turns stale, the first request
# renders it anew while the others are still served the stale copy, instead of all of
# them rendering at once (a stampede every PAGE_CACHE_SECONDS on a busy page). An edit
# changes the version, and an entry of another version is never served.
KEEP_FACTOR = 2
REFRESH_LOCK_SECONDS = 10


def read(request, key, entry):
    """The value of a fetched entry, or None if the caller should render (and then store)
    it."""
    if not (
        isinstance(entry, tuple)
        and len(entry) == 3
        and entry[0] == request._content_version
        and isinstance(entry[2], float)
    ):
        return None  # nothing cached, made for another version, or of an older release
    _version, value, fresh_until = entry
    if time.time() < fresh_until:
        return value
    try:
        refresh_here = cache.add(f"{key}:refresh", 1, REFRESH_LOCK_SECONDS)
    except CACHE_ERRORS:
        refresh_here = False
    if refresh_here:
        return None  # this request refreshes the entry
    return value  # another request is refreshing it: the stale copy meanwhile


def store(request, key, value, seconds):
    version = request_version(request)
    if version is None:
        return
    try:
        cache.set(key, (version, value, time.time() + seconds), seconds * KEEP_FACTOR)
        cache.delete(f"{key}:refresh")
    except CACHE_ERRORS:
        _give_up(request)


def _bump():
    try:
        try:
            cache.incr(VERSION_KEY)
        except ValueError:  # Redis lost the version: start again where no old entry is
            cache.set(VERSION_KEY, _fresh_version(), timeout=None)
    except CACHE_ERRORS:
        # The change is saved; what Redis still holds (if it kept anything) ages out
        # within 2 × PAGE_CACHE_SECONDS.
        logger.error("Cache unreachable: cached pages could not be invalidated.")


def invalidate(using=DEFAULT_DB_ALIAS, **kwargs):
    """Bump the version: every cached page is stale from the next request on.

    Inside a transaction (every admin save, the survey and registration services) the
    version is bumped at once and again when the transaction commits: a request between
    the two could read the new version but still the old rows, and would otherwise keep
    them cached under the new version until the entries expire."""
    _bump()
    connection = connections[using]
    if not connection.in_atomic_block:
        return
    # Once per transaction: unless a bump is queued already at this level or further out
    # (one queued in a savepoint is dropped if the savepoint is rolled back). Django has
    # no public way to ask what is queued: savepoint_ids and run_on_commit are attributes
    # of its connection, not documented API; tests/transfer_portal/test_page_cache.py
    # (the savepoint tests) fails should their shape change.
    current = set(connection.savepoint_ids)
    queued = connection.run_on_commit  # [(savepoint ids, callback, robust)]
    if not any(callback is _bump and ids <= current for ids, callback, _robust in queued):
        transaction.on_commit(_bump, using=using, robust=True)


def content_models():
    """The models whose changes invalidate cached pages: those of the content apps, except
    derived rows (`page_cache_derived = True`), which only change along with content that
    invalidates by itself – connecting per model leaves Django free to delete those rows
    in one statement, without a signal (and a Redis round trip) per row."""
    from django.apps import apps

    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label in settings.PORTAL_CONTENT_APPS
        and not getattr(model, "page_cache_derived", False)
    ]


def connect_signals():
    for model in content_models():
        for signal in (post_save, post_delete, m2m_changed):
            signal.connect(invalidate, sender=model, dispatch_uid=f"page-cache-{signal!r}")


def _key(request):
    # "2": entries carry their version since this release (before: in the key). The host
    # is part of it: feeds and the sitemap build their links from it (Django's syndication
    # and sitemaps use the request's site), so a page asked for under another allowed host
    # name must not be served to this one.
    return f"page2:{_digest(get_language(), request.get_host(), request.get_full_path())}"


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
        key = _key(request)
        cached = read(request, key, _fetch_one(request, key))
        if cached is not None:
            content, headers = cached
            response = HttpResponse(content, headers=headers)
            response["X-Page-Cache"] = "hit"
        else:
            response = self.get_response(request)
            if request_version(request) is not None and _cacheable_response(request, response):
                headers = {name: response[name] for name in KEPT_HEADERS if name in response}
                store(request, key, (response.content, headers), settings.PAGE_CACHE_SECONDS)
                response["X-Page-Cache"] = "miss"
        patch_vary_headers(response, ["Cookie"])
        return response
