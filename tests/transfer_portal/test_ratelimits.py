"""The shared rate-limit counters (transfer_portal/ratelimits.py)."""

import time_machine
from django.core.cache import cache
from django.test import RequestFactory
from django.utils import timezone

from transfer_portal.lib import ratelimits


def test_a_limit_allows_its_hits_per_window_then_refuses():
    assert [ratelimits.take("test", "198.51.100.7", 3) for _ in range(5)] == [
        True,
        True,
        True,
        False,
        False,
    ]
    assert ratelimits.take("test", "203.0.113.9", 3)  # another value: its own count
    assert ratelimits.take("other-scope", "198.51.100.7", 3)  # another scope too


def test_the_window_starts_with_the_first_hit_and_a_new_one_follows():
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        assert ratelimits.take("test", "x", 1, window=60)
        assert not ratelimits.take("test", "x", 1, window=60)
    with time_machine.travel(start + timezone.timedelta(seconds=61), tick=False):
        assert ratelimits.take("test", "x", 1, window=60)


def test_a_hit_given_back_can_be_taken_again_and_an_expired_one_is_no_error():
    assert ratelimits.take("test", "x", 1)
    ratelimits.give_back("test", "x")
    assert ratelimits.take("test", "x", 1)
    cache.clear()
    ratelimits.give_back("test", "x")  # the window ended meanwhile: nothing to return


def test_keys_hold_no_address_in_clear():
    ratelimits.take("test", "erika@example.org", 1)
    keys = list(cache._cache)  # locmem: the stored keys
    assert keys and not [key for key in keys if "erika" in key]


def test_the_client_address_honours_the_trusted_proxy_count(settings):
    request = RequestFactory().get(
        "/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="10.9.9.9, 198.51.100.7"
    )
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    assert ratelimits.client_ip(request) == "127.0.0.1"
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    assert ratelimits.client_ip(request) == "198.51.100.7"  # not the forged first entry
