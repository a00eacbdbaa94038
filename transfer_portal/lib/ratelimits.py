"""Rate limits of the portal's own forms: hits counted atomically in the shared cache.

A limit allows `limit` hits per key in a fixed window that starts with the first hit. The
count is taken before the work is done (a check before and a count after would let
parallel requests all pass the check). Keys carry a hash of the counted value, not the
value: client addresses and e-mail addresses are personal data and do not belong in Redis.
allauth keeps the limits of logging in and signing up itself.
"""

import contextlib
import hashlib

from allauth.account.adapter import get_adapter
from django.core.cache import cache

HOUR = 3600


def client_ip(request):
    """The client's address. Behind reverse proxies the entry of X-Forwarded-For that
    DJANGO_TRUSTED_PROXY_COUNT points to, as for allauth's own limits (without it every
    visitor would share the proxy's address and its limit)."""
    return get_adapter(request).get_client_ip(request)


def _key(scope, value):
    return f"ratelimit:{scope}:{hashlib.sha256(value.encode()).hexdigest()}"


def take(scope, value, limit, window=HOUR):
    """Count one hit of `value` (a client address, an e-mail address …) in `scope`; True
    while the hits of the window are within `limit`."""
    key = _key(scope, value)
    for _attempt in range(3):
        if cache.add(key, 1, window):
            return limit >= 1
        try:
            return cache.incr(key) <= limit
        except ValueError:  # expired between add and incr: start a new window
            continue
    return False  # the key keeps expiring under us: refuse rather than count nothing


def with_retry_after(response, window=HOUR):
    """A refusal for too many requests (429) says when to come back (RFC 9110, 10.2.3): at
    the latest when the window that started with the first counted hit has ended."""
    if response.status_code == 429:
        response["Retry-After"] = str(window)
    return response


def give_back(scope, value):
    """Return a hit whose work could not be done (e.g. the mail server failed)."""
    with contextlib.suppress(ValueError):  # the window has ended meanwhile
        cache.decr(_key(scope, value))
