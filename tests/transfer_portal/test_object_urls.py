"""object_url() gives exactly what reverse() gives, in every language and under a script
prefix, and refuses what reverse() refuses."""

import pytest
from django.urls import NoReverseMatch, reverse, set_script_prefix
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from transfer_portal.lib.object_urls import KEY, SLUG, object_url

SLUG_ROUTES = [
    "projects:topic_detail",
    "projects:project_detail",
    "projects:measure_detail",
    "surveys:survey_detail",
    "offers:offer_detail",
]
KEY_ROUTES = ["offers:event_detail", "offers:event_ics"]


@pytest.fixture(autouse=True)
def _script_prefix_restored():
    yield
    set_script_prefix("/")


@pytest.mark.parametrize("language", ["de", "en"])
@pytest.mark.parametrize("prefix", ["/", "/portal/"])
@pytest.mark.parametrize("name", SLUG_ROUTES + KEY_ROUTES)
def test_object_url_is_what_reverse_gives(name, prefix, language):
    set_script_prefix(prefix)
    with translation.override(language):
        converter = SLUG if name in SLUG_ROUTES else KEY
        for value in ("42", 42, "7", 10**17):
            assert object_url(name, value, converter) == reverse(name, args=[value])
        if name in SLUG_ROUTES:
            value = "modellprojekt-2022_neu"
            assert object_url(name, value) == reverse(name, args=[value])
            assert object_url(name, value).startswith(prefix)


@given(st.one_of(st.text(max_size=12), st.from_regex(r"\A0?[0-9]{1,19}\Z"), st.integers()))
def test_any_value_gives_reverses_address_or_its_refusal(value):
    for name, converter in (("projects:measure_detail", SLUG), ("offers:event_detail", KEY)):
        try:
            expected = reverse(name, args=[value])
        except NoReverseMatch:
            with pytest.raises(NoReverseMatch):
                object_url(name, value, converter)
        else:
            assert object_url(name, value, converter) == expected


def test_a_route_without_exactly_one_parameter_is_refused():
    with pytest.raises((ValueError, NoReverseMatch)):
        object_url("projects:project_list", "x")
