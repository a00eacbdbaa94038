"""Paged lists: the page and its total come in one query, and odd page numbers still work."""

import pytest
from django.db import connection
from django.db.models import Count
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from projects.models import Measure
from tests import factories
from transfer_portal.lib.compiled import filtered
from transfer_portal.lib.listing import first_rows_query, paged, paged_compiled, rows_and_total

pytestmark = pytest.mark.django_db


@pytest.fixture
def measures():
    project = factories.project()
    for n in range(45):
        factories.measure(project, title=f"Maßnahme {n:02}")
    return Measure.objects.order_by("title", "pk")


def first_rows(queryset, count, **options):
    return rows_and_total(first_rows_query(queryset, count, **options))


def page_of(queryset, **query):
    request = RequestFactory().get("/liste/", query)
    return paged(request, queryset, 20)["listing"]["page"]


@pytest.mark.parametrize(
    ("number", "expected_number", "first_title"),
    [
        (None, 1, "Maßnahme 00"),
        ("2", 2, "Maßnahme 20"),
        ("3", 3, "Maßnahme 40"),
        ("4", 3, "Maßnahme 40"),  # beyond the last page: the last page
        ("9999", 3, "Maßnahme 40"),
        # Offsets beyond 64 bits would make the database fail (a 500): the last page, too.
        ("461168601842738792", 3, "Maßnahme 40"),
        ("9" * 40, 3, "Maßnahme 40"),
        ("0", 1, "Maßnahme 00"),
        ("-2", 1, "Maßnahme 00"),
        ("abc", 1, "Maßnahme 00"),
        ("2.5", 1, "Maßnahme 00"),
    ],
)
def test_page_numbers(measures, number, expected_number, first_title):
    query = {} if number is None else {"seite": number}
    page = page_of(measures, **query)
    assert page.number == expected_number
    assert page.paginator.count == 45
    assert page.paginator.num_pages == 3
    assert page.object_list[0].title == first_title
    assert len(page.object_list) == (5 if expected_number == 3 else 20)


def measures_titled(*values, lookups):
    """A list for paged_compiled(): the measures, filtered by some lookups."""
    return filtered(Measure.objects.order_by("title", "pk"), lookups, values)


@pytest.mark.parametrize(
    ("number", "expected_number", "first_title"),
    [
        (None, 1, "Maßnahme 00"),
        ("2", 2, "Maßnahme 20"),
        ("3", 3, "Maßnahme 40"),
        ("4", 3, "Maßnahme 40"),  # an empty compiled page: the last page, as get_page()
        ("9", 3, "Maßnahme 40"),  # beyond the compiled pages
        ("9" * 40, 3, "Maßnahme 40"),
        ("abc", 1, "Maßnahme 00"),
        ("-1", 1, "Maßnahme 00"),
    ],
)
def test_compiled_pages_are_the_pages_of_paged(measures, number, expected_number, first_title):
    query = {} if number is None else {"seite": number}
    request = RequestFactory().get("/liste/", query)
    context = paged_compiled(request, measures_titled, 20, lookups=())
    page = context["listing"]["page"]
    assert page.number == expected_number
    assert (page.paginator.count, page.paginator.num_pages) == (45, 3)
    assert page.object_list[0].title == first_title
    assert [m.pk for m in page.object_list] == [m.pk for m in page_of(measures, **query)]
    assert context["filter_query"] == ""


def test_compiled_pages_with_filters_keep_them_in_the_links(measures):
    request = RequestFactory().get("/liste/", {"seite": "1", "q": "7"})
    context = paged_compiled(
        request, measures_titled, 20, "Maßnahme 1", lookups=("title__startswith",)
    )
    assert [m.title for m in context["listing"]["page"].object_list][:2] == [
        "Maßnahme 10",
        "Maßnahme 11",
    ]
    assert context["listing"]["page"].paginator.count == 10
    assert context["filter_query"] == "q=7"
    with CaptureQueriesContext(connection) as queries:
        request = RequestFactory().get("/liste/")
        empty = paged_compiled(request, measures_titled, 20, "X", lookups=("title",))
    assert len(queries) == 1
    assert empty["listing"]["page"].paginator.count == 0


@pytest.mark.parametrize("number", ["1", "2", "3"])
def test_a_page_and_its_total_cost_one_query(measures, number):
    with CaptureQueriesContext(connection) as queries:
        page = page_of(measures, seite=number)
        assert page.paginator.count == 45 and page.has_previous() == (number != "1")
    assert len(queries) == 1


def test_an_empty_list_costs_one_query_too():
    with CaptureQueriesContext(connection) as queries:
        page = page_of(Measure.objects.order_by("pk"))
        assert page.paginator.count == 0 and list(page.object_list) == []
        assert not page.has_other_pages()
    assert len(queries) == 1


def test_a_filtered_list_counts_only_its_rows(measures):
    page = page_of(measures.filter(title__endswith="7"))
    assert page.paginator.count == 4  # 07, 17, 27, 37
    assert [m.title for m in page.object_list][:2] == ["Maßnahme 07", "Maßnahme 17"]


def test_distinct_lists_are_counted_after_distinct(measures):
    topic_a, topic_b = factories.topic(), factories.topic()
    for measure in measures[:3]:
        measure.topics.add(topic_a, topic_b)
    doubled = measures.filter(topics__in=[topic_a, topic_b])
    assert doubled.count() == 6  # one row per topic
    page = page_of(doubled.distinct())
    assert page.paginator.count == 3
    assert len(page.object_list) == 3


def test_rows_with_an_aggregate_are_counted_as_rows(measures):
    topic = factories.topic()
    for measure in measures[:5]:
        measure.topics.add(topic, factories.topic())
    grouped = measures.annotate(topic_count=Count("topics"))
    page = page_of(grouped)
    assert page.paginator.count == 45
    assert [m.topic_count for m in page.object_list[:6]] == [2, 2, 2, 2, 2, 0]
    rows, total = first_rows(grouped.filter(topics=topic), 3)
    assert total == 5 and len(rows) == 3


def test_first_rows_of_a_joined_filter_count_all_of_them(measures):
    topic = factories.topic()
    for measure in measures[10:17]:
        measure.topics.add(topic)
    with CaptureQueriesContext(connection) as queries:
        rows, total = first_rows(measures.filter(topics=topic), 4)
    assert len(queries) == 1
    assert total == 7
    assert [m.title for m in rows] == [f"Maßnahme {n}" for n in range(10, 14)]
    assert first_rows(measures.filter(topics=topic), None)[1] == 7
    assert first_rows(measures.filter(title="keine"), 4) == ([], 0)


def test_sorting_the_keys_first_gives_the_same_rows_and_total(measures):
    topic = factories.topic()
    for measure in measures[10:17]:
        measure.topics.add(topic)
    by_project = measures.filter(topics=topic).order_by("project__title", "-title")
    with CaptureQueriesContext(connection) as queries:
        rows, total = first_rows(by_project, 4, keys_first=True)
    assert len(queries) == 1
    assert (rows, total) == first_rows(by_project, 4)
    assert total == 7
    assert [m.title for m in rows] == [f"Maßnahme {n}" for n in range(16, 12, -1)]
    assert first_rows(by_project, None, keys_first=True) == first_rows(by_project, None)
    assert first_rows(by_project.filter(title="keine"), 4, keys_first=True) == ([], 0)
    with pytest.raises(ValueError):
        first_rows(measures.annotate(topic_count=Count("topics")), 3, keys_first=True)


def test_a_distinct_queryset_is_refused_instead_of_miscounted(measures):
    with pytest.raises(ValueError):
        first_rows(measures.distinct(), 3)


def test_a_huge_page_number_in_the_address_answers_with_the_last_page(client, measures):
    response = client.get("/massnahmen/", {"seite": "461168601842738792"})
    assert response.status_code == 200
    page = response.context["listing"]["page"]
    assert (page.number, page.paginator.num_pages) == (3, 3)


@pytest.mark.parametrize("path", ["/modellprojekte/", "/termine/", "/erkenntnisse/"])
def test_a_huge_page_number_is_no_error_on_any_list(client, path):
    assert client.get(path, {"seite": "461168601842738792"}).status_code == 200
