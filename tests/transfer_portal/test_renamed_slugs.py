"""Old addresses lead to new ones: a page asked for by a slug its object had before answers
with a permanent redirect (301) to the same page at the current slug."""

import importlib

import pytest
from django.apps import apps
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver

from offers.models import Offer
from projects import initial_content
from projects.models import Measure, ModelProject, Municipality, Topic
from surveys.models import Survey
from tests import factories
from tests.offers import factories as offer_factories
from tests.surveys import factories as survey_factories
from tests.transfer_portal.test_admin_site import form_data
from transfer_portal.lib.models import OldSlug, RedirectsOldSlugs

pytestmark = pytest.mark.django_db

# Every kind of page found by a slug: how to make its object, and its addresses by slug.
PAGES = {
    "measure": (factories.measure, ["/massnahmen/{}/", "/massnahmen/{}/frage/"]),
    "project": (factories.project, ["/modellprojekte/{}/", "/modellprojekte/{}/frage/"]),
    "topic": (factories.topic, ["/themen/{}/", "/feeds/themen/{}.atom"]),
    "offer": (offer_factories.offer, ["/angebote/{}/"]),
    "survey": (
        survey_factories.survey,
        ["/umfragen/{}/", "/umfragen/{}/teilnehmen/", "/umfragen/{}/ergebnisse/"],
    ),
}


def renamed(kind, old="alter-name", new="neuer-name"):
    make, _paths = PAGES[kind]
    obj = make(slug=old)
    obj = type(obj).objects.get(pk=obj.pk)  # as an editor's form loads it
    obj.slug = new
    obj.save()
    return obj


@pytest.mark.parametrize("kind", PAGES)
def test_every_page_of_a_renamed_object_moved_permanently(member_client, kind):
    """Logged in: taking part in a survey asks visitors to log in first."""
    renamed(kind)
    for path in PAGES[kind][1]:
        response = member_client.get(path.format("alter-name"))
        assert response.status_code == 301, path
        assert response["Location"] == path.format("neuer-name")
        assert member_client.get(response["Location"]).status_code in (200, 302), path


@pytest.mark.parametrize("kind", PAGES)
def test_the_english_pages_and_the_query_string_come_along(client, kind):
    renamed(kind)
    path = PAGES[kind][1][0]
    response = client.get("/en" + path.format("alter-name") + "?seite=2&x=%C3%A4")
    assert response.status_code == 301
    assert response["Location"] == "/en" + path.format("neuer-name") + "?seite=2&x=%C3%A4"


def test_a_head_request_is_redirected_too_a_form_sent_to_the_old_address_is_not(client):
    renamed("measure")
    assert client.head("/massnahmen/alter-name/").status_code == 301
    response = client.post("/massnahmen/alter-name/frage/", {"name": "Erika"})
    assert response.status_code == 404  # a 301 would turn the POST into a GET


def test_an_unknown_slug_is_still_not_found(client):
    renamed("measure")
    for path in ["/massnahmen/gibt-es-nicht/", "/massnahmen/gibt-es-nicht/frage/"]:
        assert client.get(path).status_code == 404
    assert client.get("/themen/alter-name/").status_code == 404  # a measure's old slug


def test_renamed_twice_both_old_addresses_lead_to_the_newest(client):
    measure = renamed("measure", "erster", "zweiter")
    measure.slug = "dritter"
    measure.save()
    for old in ("erster", "zweiter"):
        assert client.get(f"/massnahmen/{old}/")["Location"] == "/massnahmen/dritter/"


def test_renamed_back_the_slug_is_the_objects_own_again(client):
    measure = renamed("measure", "erster", "zweiter")
    measure.slug = "erster"
    measure.save()
    assert client.get("/massnahmen/erster/").status_code == 200
    assert client.get("/massnahmen/zweiter/")["Location"] == "/massnahmen/erster/"
    assert list(measure.old_slugs.values_list("slug", flat=True)) == ["zweiter"]


def test_an_object_that_takes_an_old_slug_is_shown_there(client):
    renamed("measure")
    newcomer = factories.measure(slug="alter-name", title="Die neue")
    response = client.get("/massnahmen/alter-name/")
    assert response.status_code == 200 and newcomer.title in response.content.decode()


def test_a_drafts_new_address_is_for_editors_only(editor_client):
    Measure.objects.filter(pk=renamed("measure").pk).update(published=False)
    assert Client().get("/massnahmen/alter-name/").status_code == 404
    response = editor_client.get("/massnahmen/alter-name/")
    assert response["Location"] == "/massnahmen/neuer-name/"


def test_only_a_change_of_the_slug_is_recorded():
    measure = Measure.objects.get(pk=factories.measure(slug="bleibt").pk)
    measure.title = "Neuer Titel"
    measure.save()
    measure.save(update_fields=["title"])
    assert not OldSlug.objects.exists()
    fresh = factories.measure(slug="frisch")  # not loaded: its slug is known once saved
    fresh.slug = "umbenannt"
    fresh.save()
    fresh.slug = "zweimal"
    fresh.save()
    assert sorted(fresh.old_slugs.values_list("slug", flat=True)) == ["frisch", "umbenannt"]


def test_a_deleted_object_takes_its_old_slugs_along(client):
    measure = renamed("measure")
    measure.delete()
    assert not OldSlug.objects.exists()
    assert client.get("/massnahmen/alter-name/").status_code == 404


def test_an_editor_renaming_in_the_admin_leaves_a_redirect(editor_client, client):
    measure = factories.measure(slug="vorher")
    url = f"/admin/projects/measure/{measure.pk}/change/"
    response = editor_client.post(url, form_data(editor_client, url, slug="nachher"))
    assert response.status_code == 302
    assert client.get("/massnahmen/vorher/")["Location"] == "/massnahmen/nachher/"


def test_renaming_a_measure_in_its_projects_inline_leaves_a_redirect_too(editor_client, client):
    measure = factories.measure(slug="vorher")
    url = f"/admin/projects/modelproject/{measure.project.pk}/change/"
    data = form_data(editor_client, url)
    index = next(key for key, value in data.items() if value == "vorher")
    response = editor_client.post(url, {**data, index: "nachher"})
    assert response.status_code == 302
    assert client.get("/massnahmen/vorher/")["Location"] == "/massnahmen/nachher/"


def test_a_found_page_asks_nothing_about_old_slugs(client):
    """The lookup happens only after a 404: a page that is found costs what it did."""
    measure = factories.measure(slug="ohne-vergangenheit")
    with CaptureQueriesContext(connection) as plain:
        assert client.get("/massnahmen/ohne-vergangenheit/").status_code == 200
    renamed_measure = Measure.objects.get(pk=measure.pk)
    renamed_measure.slug = "mit-vergangenheit"
    renamed_measure.save()
    with CaptureQueriesContext(connection) as after:
        assert client.get("/massnahmen/mit-vergangenheit/").status_code == 200
    assert len(after) == len(plain)
    assert not any("lib_oldslug" in query["sql"] for query in after.captured_queries)


def test_a_miss_costs_one_query_for_old_slugs(client):
    renamed("measure")
    for path, status in [("/massnahmen/gibt-es-nicht/", 404), ("/massnahmen/alter-name/", 301)]:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == status
        lookups = [query for query in queries if "lib_oldslug" in query["sql"]]
        assert len(lookups) == 1, path


def _slug_url_names(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _slug_url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and "<slug:slug>" in str(pattern.pattern):
            yield namespace + pattern.name


def test_every_page_found_by_a_slug_follows_renamed_slugs():
    followed = {
        name
        for model in apps.get_models()
        if issubclass(model, RedirectsOldSlugs)
        for name in model.slug_url_names
    }
    # Open data files are named by the portal, not by an editor; the adoption form and the
    # reminder are only posted to, from their pages at the current address.
    assert set(_slug_url_names(get_resolver().url_patterns)) - followed == {
        "open_data_download",
        "projects:mark_adoption",
        "surveys:send_reminder",
    }
    assert {Measure, ModelProject, Topic, Offer, Survey, Municipality} == {
        model for model in apps.get_models() if issubclass(model, RedirectsOldSlugs)
    }


migration = importlib.import_module("projects.migrations.0009_seeded_slugs_by_the_portal_rule")


@pytest.fixture
def installed_before(seeded):
    """An installation seeded before the rule: the slugs of Django's slugify()."""
    for old, new in migration.MEASURES.items():
        Measure.objects.filter(slug=new).update(slug=old)
    for old, new in migration.MUNICIPALITIES.items():
        Municipality.objects.filter(slug=new).update(slug=old)


def test_the_migration_renames_seeded_slugs_and_old_addresses_lead_to_the_new(
    installed_before, client
):
    edited = Measure.objects.get(slug="cottbus-verkehrszahlung")
    Measure.objects.filter(pk=edited.pk).update(slug="von-der-redaktion-benannt")
    migration.forwards(apps, None)
    assert Measure.objects.filter(slug="von-der-redaktion-benannt").exists()  # left alone
    assert not Measure.objects.filter(slug="cottbus-verkehrszaehlung").exists()
    assert Municipality.objects.filter(slug="spree-neisse").exists()
    response = client.get("/massnahmen/cottbus-app-fur-groschadenslagen/")
    assert response.status_code == 301
    assert response["Location"] == "/massnahmen/cottbus-app-fuer-grossschadenslagen/"
    response = client.get("/en/massnahmen/zukunftsschusterei-mobilitat-mobilitatscampus/frage/")
    assert response["Location"] == (
        "/en/massnahmen/zukunftsschusterei-mobilitaet-mobilitaetscampus/frage/"
    )
    assert OldSlug.objects.count() == len(migration.MEASURES) - 1
    migration.forwards(apps, None)  # twice: nothing more happens
    assert OldSlug.objects.count() == len(migration.MEASURES) - 1


def test_the_migration_leaves_a_slug_alone_whose_new_form_is_taken(installed_before):
    factories.measure(slug="cottbus-app-fuer-grossschadenslagen")
    migration.forwards(apps, None)
    assert Measure.objects.filter(slug="cottbus-app-fur-groschadenslagen").exists()
    assert not OldSlug.objects.filter(slug="cottbus-app-fur-groschadenslagen").exists()


def test_the_migration_can_be_reversed(installed_before, client):
    migration.forwards(apps, None)
    migration.backwards(apps, None)
    assert set(migration.MEASURES) <= set(Measure.objects.values_list("slug", flat=True))
    assert Municipality.objects.filter(slug="spree-neie").exists()
    assert not OldSlug.objects.exists()
    assert client.get("/massnahmen/cottbus-app-fur-groschadenslagen/").status_code == 200


def test_the_seeds_loaded_again_after_the_migration_create_nothing_twice(installed_before):
    migration.forwards(apps, None)
    count = Measure.objects.count(), Municipality.objects.count()
    initial_content.load()
    assert (Measure.objects.count(), Municipality.objects.count()) == count
