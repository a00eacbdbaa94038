"""The fragment cache: logged-in visitors get a page's main content from the cache, and an
edit is visible on the very next request (transfer_portal/page_cache.py)."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from offers.models import Offer
from surveys.models import Survey
from tests.offers import factories

pytestmark = pytest.mark.django_db

CONTENT_TABLES = re.compile(r'"(projects|surveys|offers)_')


@pytest.fixture(autouse=True)
def fragment_cache_on(settings):
    settings.FRAGMENT_CACHE_SECONDS = 60


def main_of(response):
    html = response.content.decode()
    return html[html.index("<main") : html.index("</main>")]


def offer_with_dates():
    offer = factories.offer(title="Schreibwerkstatt Fragmente")
    factories.event_date(offer, days=5, title="Erster Termin")
    return offer


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/suche/?q=Guben",
        "/modellprojekte/",
        "/modellprojekte/?thema=mobilitaet",
        "/modellprojekte/cottbus/",
        "/massnahmen/?thema=mobilitaet&seite=1",
        "/erkenntnisse/",
        "/themen/mobilitaet/",
        "/termine/",
        "/termine/?seite=2",
        "offer",
        "/termine.ics",
        "survey",
    ],
)
def test_a_repeated_logged_in_request_runs_no_content_query(member_client, seeded, url):
    if url == "offer":
        url = offer_with_dates().get_absolute_url()
    elif url == "survey":
        survey = Survey.objects.results_public().get()
        url = reverse("surveys:survey_results", args=[survey.slug])
    first = member_client.get(url)
    with CaptureQueriesContext(connection) as queries:
        second = member_client.get(url)
    assert second.status_code == first.status_code == 200
    content_queries = [q["sql"] for q in queries if CONTENT_TABLES.search(q["sql"])]
    # Not even the page's own object (page_cache.cached_object).
    assert content_queries == []
    if url.endswith(".ics"):
        assert second.content == first.content
    else:
        assert main_of(second) == main_of(first)


def test_an_edit_is_visible_to_a_logged_in_visitor_on_the_next_request(member_client, db):
    offer = offer_with_dates()
    assert "Erster Termin" in main_of(member_client.get(offer.get_absolute_url()))
    date = offer.dates.get()
    date.title = "Verschobener Termin"
    date.save()
    main = main_of(member_client.get(offer.get_absolute_url()))
    assert "Verschobener Termin" in main
    assert "Erster Termin" not in main
    assert "Verschobener Termin" in main_of(member_client.get("/termine/"))


def test_drafts_an_editor_saw_never_reach_other_visitors(editor, member, db):
    editor_client, member_client = Client(), Client()
    editor_client.force_login(editor)
    member_client.force_login(member)
    offer = offer_with_dates()
    draft = factories.offer(title="Geheimer Entwurf", published=False)
    factories.event_date(draft, days=3, title="Entwurfstermin")
    assert "Entwurfstermin" in main_of(editor_client.get("/termine/"))
    assert "Entwurfstermin" not in main_of(member_client.get("/termine/"))
    assert "Erster Termin" in main_of(member_client.get("/termine/"))
    assert "Entwurf" not in main_of(member_client.get(offer.get_absolute_url()))


def test_languages_get_their_own_fragments(member_client, db):
    offer_with_dates()
    assert "Kommende Termine" in main_of(member_client.get("/termine/"))
    assert "Upcoming dates" in main_of(member_client.get("/en/termine/"))


def test_a_bulk_update_without_signals_is_not_seen_until_the_fragment_expires(
    member_client, settings, db
):
    """Documents the limit: invalidation follows save/delete signals. Code that changes
    content with queryset.update() must call page_cache.invalidate() itself."""
    from transfer_portal.lib import page_cache

    offer = offer_with_dates()
    member_client.get(offer.get_absolute_url())
    Offer.objects.filter(pk=offer.pk).update(summary="Still geändert")
    assert "Still geändert" not in main_of(member_client.get(offer.get_absolute_url()))
    page_cache.invalidate()
    assert "Still geändert" in main_of(member_client.get(offer.get_absolute_url()))


def test_without_a_fragment_timeout_nothing_is_cached(member_client, settings, db):
    settings.FRAGMENT_CACHE_SECONDS = 0
    offer = offer_with_dates()
    member_client.get(offer.get_absolute_url())
    Offer.objects.filter(pk=offer.pk).update(summary="Sofort sichtbar")
    assert "Sofort sichtbar" in main_of(member_client.get(offer.get_absolute_url()))


def test_editors_get_the_free_texts_of_survey_results_others_never(editor, member, seeded):
    survey = Survey.objects.results_public().get()
    url = reverse("surveys:survey_results", args=[survey.slug])
    editor_client, member_client = Client(), Client()
    editor_client.force_login(editor)
    member_client.force_login(member)
    editor_html = main_of(editor_client.get(url))
    member_html = main_of(member_client.get(url))
    assert "exportieren" in editor_html
    assert "exportieren" not in member_html


def test_a_draft_measure_an_editor_saw_stays_off_the_project_page_of_others(editor, member, seeded):
    from projects.models import ModelProject
    from tests import factories as project_factories

    project = ModelProject.objects.get(slug="cottbus")
    project_factories.measure(project, title="Unveröffentlichte Maßnahme", published=False)
    editor_client, member_client = Client(), Client()
    editor_client.force_login(editor)
    member_client.force_login(member)
    for url in (project.get_absolute_url(), "/massnahmen/", "/themen/"):
        editor_client.get(url)
    assert "Unveröffentlichte Maßnahme" in main_of(editor_client.get(project.get_absolute_url()))
    assert "Unveröffentlichte Maßnahme" not in main_of(
        member_client.get(project.get_absolute_url())
    )
    assert (
        "Unveröffentlichte Maßnahme"
        not in Client().get(project.get_absolute_url()).content.decode()
    )


FILTERED_LISTS = [
    "/modellprojekte/?thema=mobilitaet&kommune=cottbus",
    "/massnahmen/?thema=mobilitaet&projekt=cottbus",
    "/erkenntnisse/?thema=mobilitaet&projekt=cottbus",
]


@pytest.mark.parametrize("url", FILTERED_LISTS)
def test_a_filtered_list_from_the_cache_is_not_validated_again(member_client, seeded, url):
    first = member_client.get(url)
    with CaptureQueriesContext(connection) as queries:
        second = member_client.get(url)
    assert second.status_code == first.status_code == 200
    # Not even the filter values are looked up: the list was only kept because they were valid.
    assert [q["sql"] for q in queries if CONTENT_TABLES.search(q["sql"])] == []
    assert main_of(second) == main_of(first)


@pytest.mark.parametrize("url", FILTERED_LISTS)
def test_a_bad_filter_value_is_never_kept_and_stays_a_400(member_client, seeded, url):
    bad = url.replace("cottbus", "atlantis")
    for _ in range(3):
        response = member_client.get(bad)
        assert response.status_code == 400
        assert "Diesen Filterwert gibt es nicht (mehr)" in main_of(response)
    with CaptureQueriesContext(connection) as queries:
        member_client.get(bad)
    assert any(CONTENT_TABLES.search(q["sql"]) for q in queries)  # rendered anew each time
    # A good address next to it is cached as usual, and the bad one still answers 400.
    assert member_client.get(url).status_code == 200
    assert member_client.get(url).status_code == 200
    assert member_client.get(bad).status_code == 400


def test_a_changed_title_outside_the_fragment_shows_on_the_next_request(member_client, db):
    offer = offer_with_dates()
    url = offer.get_absolute_url()
    assert "<title>Schreibwerkstatt Fragmente" in member_client.get(url).text
    offer.title = "Schreibwerkstatt Umbenannt"
    offer.save()
    html = member_client.get(url).text
    assert "<title>Schreibwerkstatt Umbenannt" in html
    assert "Fragmente" not in html


def test_an_unpublished_offer_is_gone_on_the_next_request(member_client, editor, db):
    offer = offer_with_dates()
    url = offer.get_absolute_url()
    assert member_client.get(url).status_code == 200
    offer.published = False
    offer.save()
    assert member_client.get(url).status_code == 404
    editor_client = Client()
    editor_client.force_login(editor)
    assert editor_client.get(url).status_code == 200  # editors see drafts …
    assert member_client.get(url).status_code == 404  # … from entries of their own
    assert Client().get(url).status_code == 404


class CacheCalls:
    """Records the cache methods a request calls (each one round trip to Redis); calls a
    method makes itself (the test cache's get_many calls get) are not counted."""

    METHODS = ("get", "get_many", "set", "add", "delete", "incr")

    def __init__(self, monkeypatch):
        from django.core.cache import caches

        cache = caches["default"]
        self.calls, self.depth = [], 0
        for name in self.METHODS:
            monkeypatch.setattr(cache, name, self._recording(name, getattr(cache, name)))

    def _recording(self, name, original):
        def call(*args, **kwargs):
            if not self.depth:
                self.calls.append(name)
            self.depth += 1
            try:
                return original(*args, **kwargs)
            finally:
                self.depth -= 1

        return call


def test_a_cached_page_asks_the_cache_once_for_version_object_and_fragment(
    member_client, monkeypatch, db
):
    url = offer_with_dates().get_absolute_url()
    member_client.get(url)
    recorder = CacheCalls(monkeypatch)
    with CaptureQueriesContext(connection) as queries:
        assert member_client.get(url).status_code == 200
    assert recorder.calls == ["get_many"]
    assert not any(CONTENT_TABLES.search(q["sql"]) for q in queries)


def test_an_anonymous_page_from_the_cache_is_one_round_trip(client, settings, monkeypatch, db):
    settings.PAGE_CACHE_SECONDS = 60
    url = offer_with_dates().get_absolute_url()
    client.get(url)
    recorder = CacheCalls(monkeypatch)
    response = client.get(url)
    assert response["X-Page-Cache"] == "hit"
    assert recorder.calls == ["get_many"]


def test_a_cached_object_that_cannot_be_loaded_is_read_from_the_database(member_client, caplog, db):
    """E.g. pickled by a release whose model no longer exists: a miss, never an error."""
    from django.core.cache import cache

    from transfer_portal.lib.page_cache import current_version

    url = offer_with_dates().get_absolute_url()
    member_client.get(url)
    key = next(k for k in cache._cache if ":object:" in k)  # noqa: SLF001 - the test's LocMem
    cache.set(key.split(":", 2)[-1], (current_version(), b"not a pickle"), 60)
    response = member_client.get(url)
    assert response.status_code == 200
    assert "<title>Schreibwerkstatt Fragmente" in response.text
    assert "could not be loaded" in caplog.text


def test_after_a_cache_failure_in_a_request_the_rest_of_it_does_without_the_cache(
    client, settings, monkeypatch, db
):
    """Each further attempt could wait for the socket timeout."""
    from django.core.cache import caches
    from django_redis.exceptions import ConnectionInterrupted

    settings.PAGE_CACHE_SECONDS = 60
    url = offer_with_dates().get_absolute_url()
    recorder = CacheCalls(monkeypatch)
    cache = caches["default"]
    answered = cache.get_many  # the recording one

    def second_fails(*args, **kwargs):
        if recorder.calls.count("get_many") == 1:
            recorder.calls.append("get_many")
            raise ConnectionInterrupted(connection=None)
        return answered(*args, **kwargs)

    monkeypatch.setattr(cache, "get_many", second_fails)
    response = client.get(url)
    assert response.status_code == 200
    assert "Erster Termin" in main_of(response)
    # The page (a miss), then object and fragment (failing); no more lookups, no writes.
    assert recorder.calls == ["get_many", "get_many"]
