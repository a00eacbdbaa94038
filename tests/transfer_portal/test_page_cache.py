"""The anonymous page cache: fast repeated pages, and what public pages show visible on the
next request (transfer_portal/lib/page_cache.py).

The version is bumped when a transaction commits, so these tests commit (transaction=True),
as the portal does after every request."""

import time
from pathlib import Path

import pytest
from django.core.cache import caches
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from projects.models import ModelProject
from tests import factories
from transfer_portal.lib import page_cache

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 60
    caches["pages"].clear()


def version():
    caches["pages"].add(page_cache.VERSION_KEY, 1, timeout=None)
    return caches["pages"].get(page_cache.VERSION_KEY)


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


def _stored_key():
    [key] = [k for k in caches["pages"]._cache if "page:" in k]  # noqa: SLF001 - LocMem
    return key.split(":", 2)[-1]


def test_an_entry_made_for_another_version_is_a_miss(client, seeded):
    """Stored by a request that began before the last change."""
    client.get("/modellprojekte/")
    page = (b"<p>Veraltete Kopie</p>", {"Content-Type": "text/html"}, time.time() + 60)
    caches["pages"].set(_stored_key(), (version() - 1, *page), 60)
    response = client.get("/modellprojekte/")
    assert response["X-Page-Cache"] == "miss"
    assert b"Veraltete Kopie" not in response.content
    assert client.get("/modellprojekte/")["X-Page-Cache"] == "hit"


def test_an_expired_page_is_rendered_anew_by_one_request_while_the_others_get_it(client, seeded):
    """No stampede when a busy page expires: while one request renders it anew, the others
    get the expired entry, for at most STALE_SECONDS (the entry outlives its freshness by as
    much, and so does the claim to renew it)."""
    client.get("/modellprojekte/")
    key = _stored_key()
    [kept_for] = [at - time.time() for k, at in caches["pages"]._expire_info.items() if key in k]  # noqa: SLF001
    assert 60 + page_cache.STALE_SECONDS - 2 < kept_for <= 60 + page_cache.STALE_SECONDS
    expired = (version(), b"<p>Abgelaufene Kopie</p>", {"Content-Type": "text/html"}, 0)
    caches["pages"].set(key, expired, 60)
    assert caches["pages"].add(f"renew:{key}", 1, page_cache.STALE_SECONDS)  # another renews
    for _ in range(3):
        response = client.get("/modellprojekte/")
        assert (response["X-Page-Cache"], response.content) == ("hit", b"<p>Abgelaufene Kopie</p>")
    caches["pages"].delete(f"renew:{key}")  # that one failed, or STALE_SECONDS passed
    renewed = client.get("/modellprojekte/")
    assert renewed["X-Page-Cache"] == "miss"
    assert "Guben" in renewed.text
    # Renewed once: fresh again, served to everybody, though the claim is still held.
    assert caches["pages"].get(f"renew:{key}") == 1
    after = client.get("/modellprojekte/")
    assert (after["X-Page-Cache"], after.content) == ("hit", renewed.content)
    assert caches["pages"].get(key)[3] > time.time() + 55


def test_an_entry_stored_before_expiry_times_were_kept_is_a_miss(client, seeded):
    client.get("/modellprojekte/")
    key = _stored_key()
    caches["pages"].set(key, (version(), b"<p>Alt</p>", {"Content-Type": "text/html"}), 60)
    assert client.get("/modellprojekte/")["X-Page-Cache"] == "miss"
    assert client.get("/modellprojekte/")["X-Page-Cache"] == "hit"


@pytest.fixture
def redis_down(settings, seeded):
    """The cache is a Redis server that does not answer (nothing listens on the port)."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # free again when the block ends: connections are refused
    settings.REDIS_URL = f"redis://127.0.0.1:{port}/0"
    redis = {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": settings.REDIS_URL,
        "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1},
    }
    settings.CACHES = {"default": redis, "pages": redis}


def test_with_redis_down_anonymous_pages_are_rendered_uncached(client, redis_down, caplog):
    response = client.get("/modellprojekte/")
    assert response.status_code == 200
    assert "X-Page-Cache" not in response
    assert "Guben" in response.text
    assert response["Vary"] == "Cookie, Accept-Language"
    assert "Cache unreachable" in caplog.text


def test_with_redis_down_logged_in_visitors_get_their_pages(member, client, redis_down):
    client.force_login(member)  # the test session lives in the database (default engine)
    response = client.get("/modellprojekte/")
    assert response.status_code == 200
    assert "Abmelden" in response.text
    assert "Guben" in response.text
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


def test_drafts_of_survey_answers_link_requests_and_unconfirmed_registrations_do_not_invalidate(
    seeded,
):
    from offers.models import Registration
    from surveys.models import Participant, Response
    from tests.offers import factories as offer_factories
    from tests.surveys import factories as survey_factories

    survey, questions = survey_factories.full_survey()
    date = offer_factories.event_date(offer_factories.offer(published=True))
    municipality = factories.municipality()
    before = version()
    draft = survey_factories.response(survey, municipality, state=Response.State.DRAFT)
    survey_factories.participant(municipality, status=Participant.Status.PENDING)
    request, _token = offer_factories.pending_request(date)
    assert version() == before
    # What public pages count: a submitted response, a confirmed place.
    draft.state, draft.submitted_at = Response.State.SUBMITTED, timezone.now()
    draft.save()
    assert version() == before + 1
    request.state = Registration.State.CONFIRMED
    request.save()
    assert version() == before + 2


def test_a_draft_invalidates_only_when_it_is_published_or_was(seeded):
    project = ModelProject.objects.get(slug="guben")
    measure = factories.measure(project, title="Entwurf", published=False)
    topic = factories.topic()
    before = version()
    measure.title = "Immer noch ein Entwurf"
    measure.save()
    measure.topics.add(topic)
    assert version() == before
    measure.published = True
    measure.save()
    assert version() == before + 1
    measure = type(measure).objects.get(pk=measure.pk)
    measure.published = False  # withdrawn: it leaves the public pages
    measure.save()
    assert version() == before + 2


def test_a_transaction_bumps_the_version_once_on_commit_and_a_rolled_back_one_never(seeded):
    project = ModelProject.objects.get(slug="guben")
    before = version()
    with transaction.atomic():
        project.motto = "Neu"
        project.save()
        project.topics.add(factories.topic())  # another signal, same transaction
        assert version() == before  # a request now still reads the old rows
    assert version() == before + 1
    with pytest.raises(RuntimeError), transaction.atomic():
        project.save()
        raise RuntimeError("rolled back")
    assert version() == before + 1
    with transaction.atomic():
        try:
            with transaction.atomic():
                project.save()
                raise RuntimeError("savepoint rolled back")
        except RuntimeError:
            pass
        project.save()
    assert version() == before + 2


def test_rebuilding_derived_rows_deletes_them_in_one_statement(seeded):
    from surveys import topics
    from surveys.models import Response
    from tests.surveys import factories as survey_factories

    survey, questions = survey_factories.full_survey()
    a, b, _newsletter = questions["multiple"].choices.order_by("position")
    response = survey_factories.response(survey, answers={questions["multiple"]: [a, b]})
    with CaptureQueriesContext(connection) as queries:
        topics.rebuild([response.pk])
    deletes = [q["sql"].split()[2] for q in queries if q["sql"].startswith("DELETE")]
    # No handler, so no row-by-row deletion for signals: one statement per derived table.
    assert deletes == ['"surveys_responsetopic"', '"surveys_publictopicinterest"']
    assert Response.objects.get().topics.count() == 2


def test_a_lost_version_does_not_start_again_at_a_number_it_had(seeded):
    page_cache.invalidate()
    first = version()
    caches["pages"].delete(page_cache.VERSION_KEY)  # evicted, or Redis restarted empty
    page_cache.invalidate()
    assert version() > first + 1


def test_all_the_caching_code_stays_within_150_lines():
    source = Path(page_cache.__file__).read_text(encoding="utf-8")
    assert len(source.splitlines()) <= 150


def test_replacing_the_answers_of_a_draft_does_not_invalidate(seeded):
    """Saving a draft deletes and writes its answers again. Their chosen options go with them
    from Django's own table between answers and options without a signal of their own, so
    nothing there counts as a change of a public page."""
    from surveys.models import Response
    from tests.surveys import factories as survey_factories

    survey, questions = survey_factories.full_survey()
    multiple = questions["multiple"]
    draft = survey_factories.response(
        survey,
        factories.municipality(),
        state=Response.State.DRAFT,
        answers={multiple: list(multiple.choices.all()[:2])},
    )
    before = version()
    draft.answers.all().delete()
    assert version() == before
