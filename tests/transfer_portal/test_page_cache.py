"""The anonymous page cache: fast repeated pages, and edits visible on the next request."""

import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from projects.models import ModelProject
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 60


def test_second_anonymous_request_is_served_from_the_cache_without_queries(client, seeded):
    first = client.get("/modellprojekte/")
    assert first.status_code == 200 and 'href="/modellprojekte/cottbus/"' in first.text
    assert first["X-Page-Cache"] == "miss"
    with CaptureQueriesContext(connection) as queries:
        second = client.get("/modellprojekte/")
    assert second["X-Page-Cache"] == "hit"
    assert len(queries) == 0
    assert second.content == first.content
    assert "Content-Security-Policy" in second.headers


def test_an_admin_edit_is_visible_on_the_very_next_request(client, editor, seeded):
    client.get("/modellprojekte/guben/")
    assert client.get("/modellprojekte/guben/")["X-Page-Cache"] == "hit"

    from django.test import Client

    editor_browser = Client()
    editor_browser.force_login(editor)
    project = ModelProject.objects.get(slug="guben")
    response = editor_browser.post(
        f"/admin/projects/modelproject/{project.pk}/change/",
        {
            "title": "Guben – neu betitelt",
            "slug": "guben",
            "municipalities": [m.pk for m in project.municipalities.all()],
            "funding_round": "2021",
            "motto": project.motto,
            "published": "on",
            "summary": project.summary,
            "description": "",
            "fields_of_action": project.fields_of_action,
            "topics": [t.pk for t in project.topics.all()],
            "website": project.website,
            "contact_name": "",
            "contact_role": "",
            "contact_email": "",
            "contact_phone": "",
            "sources-TOTAL_FORMS": "0",
            "sources-INITIAL_FORMS": "0",
            "measures-TOTAL_FORMS": "0",
            "measures-INITIAL_FORMS": "0",
            "insights-TOTAL_FORMS": "0",
            "insights-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    fresh = client.get("/modellprojekte/guben/")
    assert fresh["X-Page-Cache"] == "miss"
    assert "Guben – neu betitelt" in fresh.content.decode()


def test_logged_in_visitors_always_get_a_fresh_page(member_client, seeded):
    member_client.get("/modellprojekte/")
    assert "X-Page-Cache" not in member_client.get("/modellprojekte/")


def test_editors_never_see_or_fill_the_public_cache(client, editor_client, seeded):
    ModelProject.objects.filter(slug="potsdam").update(published=False)
    assert "Potsdam" in editor_client.get("/modellprojekte/").content.decode()
    client.logout()
    from django.test import Client

    html = Client().get("/modellprojekte/").content.decode()
    assert 'href="/modellprojekte/potsdam/"' not in html


def test_error_responses_are_not_cached(client, seeded):
    client.get("/modellprojekte/gibt-es-nicht/")
    assert "X-Page-Cache" not in client.get("/modellprojekte/gibt-es-nicht/")


def test_languages_are_cached_separately(client, seeded):
    german = client.get("/themen/").content.decode()
    english = client.get("/en/themen/").content.decode()
    assert '<html lang="de">' in german
    assert '<html lang="en">' in english


def test_host_names_are_cached_separately(client, seeded, settings):
    """The feed's links come from the request's host: one allowed host name's copy must not
    be served under another."""
    settings.ALLOWED_HOSTS = ["portal.example.org", "www.portal.example.org"]
    first = client.get("/feeds/neu.atom", headers={"host": "www.portal.example.org"})
    assert "http://www.portal.example.org/" in first.content.decode()
    second = client.get("/feeds/neu.atom", headers={"host": "portal.example.org"})
    assert second["X-Page-Cache"] == "miss"
    assert "www.portal.example.org" not in second.content.decode()
    third = client.get("/feeds/neu.atom", headers={"host": "portal.example.org"})
    assert third["X-Page-Cache"] == "hit"


def test_a_new_measure_shows_on_its_topic_page_at_once(client, db):
    topic = factories.topic()
    project = factories.project(topics=[topic])
    client.get(topic.get_absolute_url())
    measure = factories.measure(project, topics=[topic], title="Ganz neue Maßnahme")
    assert measure.title in client.get(topic.get_absolute_url()).content.decode()


@pytest.mark.parametrize(
    ("changelist", "action", "page"),
    [
        ("/admin/projects/modelproject/", "unpublish", "/modellprojekte/"),
        ("/admin/offers/offer/", "unpublish", "/angebote/"),
    ],
)
def test_a_bulk_action_in_the_admin_is_visible_on_the_very_next_request(
    client, editor, seeded, changelist, action, page
):
    from django.test import Client

    from offers.models import Offer

    model = ModelProject if "projects" in changelist else Offer
    target = model.objects.published().order_by("pk").first()
    assert target.get_absolute_url() in client.get(page).content.decode()
    assert client.get(page)["X-Page-Cache"] == "hit"

    editor_browser = Client()
    editor_browser.force_login(editor)
    response = editor_browser.post(
        changelist, {"action": action, "_selected_action": [target.pk], "index": 0}
    )
    assert response.status_code == 302
    assert f'href="{target.get_absolute_url()}"' not in client.get(page).content.decode()


def test_a_stale_page_is_rendered_by_one_request_while_the_others_get_the_stale_copy(
    client, seeded
):
    import time_machine
    from django.core.cache import cache

    from transfer_portal.lib import page_cache

    assert client.get("/modellprojekte/")["X-Page-Cache"] == "miss"
    key = next(k for k in cache._cache if "page2:" in k)  # noqa: SLF001 - the test's LocMem
    with time_machine.travel(time.time() + 61, tick=False):
        # Someone else is refreshing the entry: this visitor gets the stale copy at once.
        cache.add(key.split(":", 2)[-1] + ":refresh", 1, 10)
        assert client.get("/modellprojekte/")["X-Page-Cache"] == "hit"
        cache.delete(key.split(":", 2)[-1] + ":refresh")
        # Nobody is: this request renders it anew, and the next one has it fresh again.
        assert client.get("/modellprojekte/")["X-Page-Cache"] == "miss"
        assert client.get("/modellprojekte/")["X-Page-Cache"] == "hit"
    assert page_cache.KEEP_FACTOR * 60 > 61


@pytest.mark.parametrize("kind", ["older release", "other version"])
def test_an_entry_not_made_for_this_version_counts_as_a_miss(client, seeded, kind):
    from django.core.cache import cache

    from transfer_portal.lib.page_cache import current_version

    client.get("/modellprojekte/")
    key = next(k for k in cache._cache if "page2:" in k)  # noqa: SLF001 - the test's LocMem
    raw_key = key.split(":", 2)[-1]
    page = (b"<p>Veraltete Kopie</p>", {"Content-Type": "text/html"})
    fresh_until = time.time() + 60
    if kind == "older release":  # the version was part of the key, not of the entry
        cache.set(raw_key, (page, fresh_until), 60)
    else:  # stored by a request that began before the last edit
        cache.set(raw_key, (current_version() - 1, page, fresh_until), 60)
    response = client.get("/modellprojekte/")
    assert response["X-Page-Cache"] == "miss"
    assert b"Veraltete Kopie" not in response.content
    assert client.get("/modellprojekte/")["X-Page-Cache"] == "hit"


@pytest.fixture
def redis_down(settings, seeded):
    """The cache is a Redis server that does not answer (nothing listens on the port)."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # free again when the block ends: connections are refused
    settings.FRAGMENT_CACHE_SECONDS = 60
    settings.REDIS_URL = f"redis://127.0.0.1:{port}/0"
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": settings.REDIS_URL,
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1},
        }
    }


def test_with_redis_down_anonymous_pages_are_rendered_uncached(client, redis_down, caplog):
    response = client.get("/modellprojekte/")
    assert response.status_code == 200
    assert "X-Page-Cache" not in response
    assert "Guben" in response.text
    assert response["Vary"] == "Cookie, Accept-Language"
    assert "Cache unreachable" in caplog.text


def test_with_redis_down_logged_in_visitors_get_pages_without_fragment_cache(
    member, client, redis_down
):
    client.force_login(member)  # the test session lives in the database (default engine)
    response = client.get("/modellprojekte/")
    assert response.status_code == 200
    assert "Abmelden" in response.text
    assert "Guben" in response.text
    # A page about one object reads it from the database (page_cache.cached_object).
    response = client.get("/modellprojekte/guben/")
    assert response.status_code == 200
    assert "<h1>Guben" in response.text
    assert client.get("/modellprojekte/gibt-es-nicht/").status_code == 404


def test_with_redis_down_a_content_change_is_still_saved(redis_down):
    project = ModelProject.objects.get(slug="guben")
    project.motto = "Gespeichert trotz Cache-Ausfall"
    project.save()
    assert ModelProject.objects.get(slug="guben").motto == "Gespeichert trotz Cache-Ausfall"


def test_with_redis_down_healthz_answers_503_naming_the_cache(client, redis_down):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"database": "ok", "cache": "unavailable", "mail": "ok"}


def test_every_content_model_invalidates_except_derived_rows():
    from django.contrib.auth.models import User

    from offers.models import Offer, Registration
    from projects.models import Measure
    from surveys.models import Answer, Response, ResponseTopic
    from transfer_portal.lib.page_cache import content_models
    from transfer_portal.portal.models import LegalPage

    connected = set(content_models())
    for model in (Measure, Measure.topics.through, Offer, Registration, Response, LegalPage):
        assert model in connected, model
    assert Answer.choices.through in connected
    assert ResponseTopic not in connected and User not in connected


def test_rebuilding_derived_rows_bumps_the_version_once_per_change(db, seeded):
    from surveys import topics
    from surveys.models import Response
    from tests.surveys import factories as survey_factories
    from transfer_portal.lib.page_cache import current_version

    survey, questions = survey_factories.full_survey()
    a, b, _newsletter = questions["multiple"].choices.order_by("position")
    response = survey_factories.response(survey, answers={questions["multiple"]: [a, b]})
    before = current_version()
    with CaptureQueriesContext(connection) as queries:
        topics.rebuild([response.pk])
    deletes = [q["sql"] for q in queries if q["sql"].startswith("DELETE")]
    assert len(deletes) == 1  # one statement, no row-by-row deletion for signals
    assert current_version() == before  # the answers' own change invalidated already
    assert Response.objects.get().topics.count() == 2


def _queued_bumps():
    from transfer_portal.lib import page_cache

    return [c for _ids, c, _robust in connection.run_on_commit if c is page_cache._bump]


@pytest.mark.django_db(transaction=True)
def test_a_change_in_a_transaction_bumps_the_version_again_on_commit():
    """A request between the change and its commit could read the new version but the old
    rows, and cache them under the new version: the commit makes those entries stale."""
    from django.db import transaction

    from transfer_portal.lib.page_cache import current_version

    project = factories.project(title="Vorher")
    topic = factories.topic()
    with transaction.atomic():
        before = current_version()
        project.title = "Nachher"
        project.save()
        project.topics.add(topic)  # another signal, same transaction
        in_transaction = current_version()
        assert in_transaction > before  # at once, as without a transaction
        assert len(_queued_bumps()) == 1  # and once more on commit
    assert current_version() == in_transaction + 1


@pytest.mark.django_db(transaction=True)
def test_a_bump_queued_in_a_rolled_back_savepoint_is_queued_again_further_out():
    from django.db import transaction

    from transfer_portal.lib.page_cache import current_version

    project = factories.project()
    with transaction.atomic():
        try:
            with transaction.atomic():
                project.save()
                assert len(_queued_bumps()) == 1
                raise RuntimeError("rolled back")
        except RuntimeError:
            pass
        assert _queued_bumps() == []
        project.save()  # the savepoint's bump is gone: this one queues its own
        project.save()
        assert len(_queued_bumps()) == 1
        version = current_version()
    assert current_version() == version + 1


def test_a_lost_version_does_not_start_again_at_a_number_it_had(db):
    from django.core.cache import cache

    from transfer_portal.lib import page_cache

    first = page_cache.current_version()
    page_cache.invalidate()
    cache.delete(page_cache.VERSION_KEY)  # evicted, or Redis restarted without data
    assert page_cache.current_version() > first + 1
    bumped = page_cache.current_version()
    cache.delete(page_cache.VERSION_KEY)
    page_cache.invalidate()  # incr on a missing key
    assert page_cache.current_version() > bumped
