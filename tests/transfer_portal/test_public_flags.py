"""The stored public flag (lib/public_flags.py) holds what published() says, after every
kind of write, and the search reads it."""

import pytest
from django.db import connection, transaction
from django.test import Client

from offers.models import EventDate, Offer
from projects.models import Insight, Measure, ModelProject
from tests import factories
from tests.offers import factories as offer_factories
from transfer_portal.lib.public_flags import COLUMN
from transfer_portal.portal import search

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("postgres_only")]

FLAGGED = (Measure, Insight, EventDate)


def _flagged(model):
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id FROM {table} WHERE {COLUMN}")  # noqa: S608 - names only
        return {pk for (pk,) in cursor.fetchall()}


def _assert_flags_agree():
    for model in FLAGGED:
        published = set(model.objects.published().values_list("pk", flat=True))
        assert _flagged(model) == published, model.__name__


def test_the_flag_is_what_published_says_after_every_kind_of_write():
    project = factories.project()
    measure = factories.measure(project)
    with_measure = factories.insight(project, measure=measure)
    without_measure = factories.insight(project)
    draft_project = factories.project(published=False)
    in_draft_project = factories.measure(draft_project)
    offer = offer_factories.offer()
    date = offer_factories.event_date(offer)
    _assert_flags_agree()
    assert measure.pk in _flagged(Measure) and in_draft_project.pk not in _flagged(Measure)

    project.published = False  # saved: the project's measures and lessons learned go with it
    project.save()
    _assert_flags_agree()
    assert not _flagged(Insight) & {with_measure.pk, without_measure.pk}

    ModelProject.objects.filter(pk=project.pk).update(published=True)  # an admin action
    _assert_flags_agree()
    assert {with_measure.pk, without_measure.pk} <= _flagged(Insight)

    Measure.objects.filter(pk=measure.pk).update(published=False)  # its lessons learned too
    _assert_flags_agree()
    assert with_measure.pk not in _flagged(Insight) and without_measure.pk in _flagged(Insight)

    with_measure.measure = factories.measure(project)  # moved to a published measure
    with_measure.save()
    _assert_flags_agree()
    assert with_measure.pk in _flagged(Insight)

    in_draft_project.project = project  # moved out of the draft project
    in_draft_project.save()
    without_measure.project = draft_project  # and this one into it
    without_measure.save()
    _assert_flags_agree()

    Offer.objects.filter(pk=offer.pk).update(published=False)
    _assert_flags_agree()
    assert date.pk not in _flagged(EventDate)
    date.offer = offer_factories.offer()
    date.save()
    _assert_flags_agree()

    Measure.objects.bulk_create(
        Measure(project=draft_project, title=f"M {n}", slug=f"m-{n}", published=True)
        for n in (1, 2)
    )
    ModelProject.objects.filter(pk=draft_project.pk).update(published=True)
    _assert_flags_agree()

    ModelProject.objects.filter(pk=project.pk).delete()
    _assert_flags_agree()


def test_children_written_before_their_parent_get_its_flag():
    """loaddata writes rows in any order; the foreign keys are checked at commit."""
    with transaction.atomic():
        # bulk_create, as loaddata, sends no signals (which would ask for the project).
        [measure] = Measure.objects.bulk_create(
            [Measure(project_id=987_654, title="Vorab", slug="vorab", published=True)]
        )
        assert measure.pk not in _flagged(Measure)
        ModelProject.objects.create(pk=987_654, title="Später", slug="spaeter", published=True)
        assert measure.pk in _flagged(Measure)
    _assert_flags_agree()


def test_the_public_search_reads_the_flag_and_editors_see_drafts(editor_client):
    public = Client()  # editor_client is the logged-in `client`
    project = factories.project(published=False)
    factories.measure(project, title="Schattenmaßnahme")
    factories.insight(project, text="Schattenerkenntnis im Entwurf")

    def found(browser, word):
        response = browser.get("/suche/", {"q": word})
        return {group.type.key for group in response.context["results"]["groups"] if group.total}

    assert found(public, "Schattenmaßnahme") == set()
    assert found(editor_client, "Schattenmaßnahme") == {"measures"}
    assert found(editor_client, "Schattenerkenntnis") == {"insights"}
    ModelProject.objects.filter(pk=project.pk).update(published=True)
    assert found(public, "Schattenmaßnahme") == {"measures"}
    assert found(public, "Schattenerkenntnis") == {"insights"}


def test_the_public_ranking_asks_no_other_table_for_the_flagged_kinds():
    from django.contrib.auth.models import AnonymousUser

    search._statements.clear()
    sql, _params = search._ranking_statement(AnonymousUser())
    assert " JOIN " not in sql
    assert sql.count(f'"{COLUMN}"') == sum(t.stored_public for t in search.TYPES) == 3
