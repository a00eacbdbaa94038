"""Compiled queries (lib/compiled.py): compiled once, the same rows as the ordinary
queryset for every value, the current moment read when they run, and nothing that would
silently give another query's rows."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.db.models import Count, F
from django.db.models.sql.compiler import SQLCompiler
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.utils.safestring import mark_safe

from offers.models import EventDate
from projects.models import Measure, ModelProject
from tests import factories
from tests.offers import factories as offer_factories
from transfer_portal.lib.compiled import (
    Param,
    compiled,
    first_or_404,
    prefetch,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def projects():
    mobility, energy = factories.topic(name="Mobilität"), factories.topic(name="Energie")
    first = factories.project(title="Erstes", topics=[mobility, energy])
    second = factories.project(title="Zweites", topics=[mobility])
    hidden = factories.project(title="Entwurf", topics=[mobility], published=False)
    for project in (first, second, hidden):
        for n in range(3):
            factories.measure(project, topics=[mobility], title=f"{project.title} {n}")
    factories.measure(first, topics=[energy], title="Nur Energie", published=False)
    return {"mobility": mobility, "energy": energy, "first": first, "hidden": hidden}


@compiled
def measures_on(topic, *, editor):
    return (
        Measure.objects.visible(editor=editor)
        .select_related("project")
        .filter(topics=topic)
        .order_by("project__title", "title")
    )


def test_rows_are_those_of_the_ordinary_queryset_for_every_value_and_shape(projects):
    for topic in (projects["mobility"], projects["energy"]):
        for editor in (False, True):
            ordinary = (
                Measure.objects.visible(editor=editor)
                .select_related("project")
                .filter(topics=topic)
                .order_by("project__title", "title")
            )
            rows = list(measures_on(topic.pk, editor=editor))
            assert rows == list(ordinary)
            assert [row.project.title for row in rows] == [m.project.title for m in ordinary]
    assert list(measures_on(-1, editor=True)) == []


def test_the_sql_is_compiled_once_per_shape(projects, monkeypatch):
    calls = []
    original = SQLCompiler.as_sql

    def counting(self, *args, **kwargs):
        calls.append(self.query.model)
        return original(self, *args, **kwargs)

    @compiled
    def projects_on(topic):
        return ModelProject.objects.filter(topics=topic).order_by("title")

    monkeypatch.setattr(SQLCompiler, "as_sql", counting)
    assert [p.title for p in projects_on(projects["mobility"].pk)] == [
        "Entwurf",
        "Erstes",
        "Zweites",
    ]
    compiled_first = len(calls)
    assert compiled_first >= 1
    assert [p.title for p in projects_on(projects["energy"].pk)] == ["Erstes"]
    assert len(calls) == compiled_first  # the second value: no compilation
    with CaptureQueriesContext(connection) as queries:
        list(projects_on(projects["energy"].pk))
    assert len(queries) == 1


def test_strings_dates_and_values_lists_are_parameters(projects):
    @compiled
    def titles(slug, since):
        return (
            ModelProject.objects.filter(slug=slug, created_at__gte=since)
            .values_list("title", flat=True)
            .order_by("title")
        )

    first = projects["first"]
    assert list(titles(first.slug, first.created_at)) == ["Erstes"]
    later = first.created_at + datetime.timedelta(seconds=1)
    assert list(titles(first.slug, later)) == []
    assert list(titles("gibt-es-nicht", first.created_at)) == []


def test_the_current_moment_is_read_each_time_the_query_runs():
    date = offer_factories.event_date(days=2, hours=1)

    @compiled
    def upcoming():
        return EventDate.objects.upcoming()  # a Moment: now, when it runs

    assert len(upcoming()) == 1
    with time_machine.travel(date.ends_at + datetime.timedelta(minutes=1)):
        assert len(upcoming()) == 0  # compiled before, still the moment of this run
    assert len(upcoming()) == 1


def test_a_query_that_can_have_no_rows_runs_none(projects):
    @compiled
    def nothing(topic):
        return ModelProject.objects.filter(topics=topic, pk__in=[])

    with CaptureQueriesContext(connection) as queries:
        assert list(nothing(projects["mobility"].pk)) == []
        assert list(nothing(projects["energy"].pk)) == []
    assert len(queries) == 0


def test_a_subclass_of_a_kind_is_that_kind(projects):
    first = projects["first"]
    assert first_or_404(project_by_slug(mark_safe(first.slug))) == first  # noqa: S308
    assert first_or_404(project_by_slug(first.slug)) == first


@compiled
def project_by_slug(slug):
    return ModelProject.objects.filter(slug=slug)


@pytest.mark.parametrize("value", [None, True, ["a"], [1, None], [True], (1, 2), 1.5])
def test_values_that_would_change_the_sql_are_refused(value):
    with pytest.raises(TypeError):
        measures_on(value, editor=False)


def test_a_compiled_queryset_cannot_be_changed(projects):
    rows = measures_on(projects["mobility"].pk, editor=False)
    with pytest.raises(TypeError, match="cannot be changed"):
        rows.filter(title="x")
    with pytest.raises(TypeError, match="cannot be changed"):
        rows.count()


def test_a_param_outside_a_compiled_query_is_an_error(projects):
    with pytest.raises(TypeError, match="only has a value in a compiled query"):
        list(ModelProject.objects.filter(pk=Param(0, ModelProject._meta.pk)))


def test_prefetches_of_the_queryset_still_run(projects):
    @compiled
    def with_topics(project):
        return Measure.objects.filter(project=project).prefetch_related("topics")

    rows = list(with_topics(projects["first"].pk))
    with CaptureQueriesContext(connection) as queries:
        names = sorted(topic.name for row in rows for topic in row.topics.all())
    assert len(queries) == 0
    assert names == ["Energie", "Mobilität", "Mobilität", "Mobilität"]


def test_prefetched_rows_of_one_instance_answer_the_related_manager_without_a_query(projects):
    @compiled
    def topics_of(ids):
        return (
            projects["first"]
            .topics.model.objects.filter(model_projects__in=ids)
            .annotate(owner=F("model_projects"))
        )

    project = ModelProject.objects.get(pk=projects["first"].pk)
    with CaptureQueriesContext(connection) as prefetching:
        prefetch([project], "topics", topics_of)
    with CaptureQueriesContext(connection) as queries:
        names = sorted(topic.name for topic in project.topics.all())
    assert len(queries) == 0
    assert names == ["Energie", "Mobilität"]
    # The one id as a number, not as a list of unknown length: a plan for "IN ($1)" serves
    # every later call on PostgreSQL.
    [query] = prefetching.captured_queries
    assert "unnest" not in query["sql"] and "json_each" not in query["sql"]


def test_a_list_of_ids_is_one_parameter(projects):
    @compiled
    def titles(ids):
        return (
            ModelProject.objects.filter(pk__in=ids)
            .order_by("title")
            .values_list("title", flat=True)
        )

    first, hidden = projects["first"], projects["hidden"]
    assert list(titles([first.pk, hidden.pk])) == ["Entwurf", "Erstes"]
    assert list(titles([first.pk])) == ["Erstes"]
    assert list(titles([])) == []
    with CaptureQueriesContext(connection) as queries:
        list(titles([first.pk, hidden.pk, 10**12]))
    assert len(queries) == 1 and queries[0]["sql"].count("%s") <= 1


def test_prefetch_gives_each_row_its_related_rows(projects):
    @compiled
    def topics_of(ids):
        return (
            projects["mobility"]
            .__class__.objects.filter(model_projects__in=ids)
            .annotate(owner=F("model_projects"))
        )

    rows = list(ModelProject.objects.order_by("title"))
    prefetch(rows, "topics", topics_of)
    with CaptureQueriesContext(connection) as queries:
        names = {row.title: [topic.name for topic in row.topics.all()] for row in rows}
        assert [row.topics.count() for row in rows] == [1, 2, 1]
    assert len(queries) == 0
    assert names == {
        "Entwurf": ["Mobilität"],
        "Erstes": ["Mobilität", "Energie"],  # in the topics' order
        "Zweites": ["Mobilität"],
    }
    prefetch([], "topics", topics_of)  # no rows, no query


def test_first_or_404(projects):
    @compiled
    def project(slug):
        return ModelProject.objects.filter(slug=slug)

    assert first_or_404(project(projects["first"].slug)) == projects["first"]
    with pytest.raises(Http404):
        first_or_404(project("gibt-es-nicht"))


def test_grouped_values(projects):
    @compiled
    def count_on(topic):
        return (
            Measure.objects.filter(topics=topic)
            .values("project")
            .annotate(n=Count("pk"))
            .values_list("n", flat=True)
            .order_by("n")
        )

    assert list(count_on(projects["mobility"].pk)) == [3, 3, 3]
    assert list(count_on(projects["energy"].pk)) == [1]
