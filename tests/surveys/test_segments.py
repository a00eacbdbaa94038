"""Survey results by Landkreis, kind of municipality and size class, small numbers
protected (issue 20, part 2), from the outside: the page, its downloads and its limits."""

import csv
import io
import re

import pytest
from django.db.models import F
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from projects.models import Municipality, SizeClass
from surveys.models import Choice, Question, Survey
from surveys.segments import segment_counts, segmented_results
from surveys.segments import segments as segments_of
from surveys.suppression import SHOWN, SMALL
from tests import factories
from tests.checkers import assert_valid_html
from tests.surveys import factories as survey_factories
from tests.surveys.test_suppression import derivable

pytestmark = pytest.mark.django_db

K = 5


def district(name):
    return factories.municipality(name=name, kind=Municipality.Kind.DISTRICT)


@pytest.fixture
def answered():
    """A survey answered in three Landkreise (12, 7 and 3 municipalities) and by a
    district-free city; "Nein" is rare everywhere, "Newsletter" chosen twice."""
    survey, questions = survey_factories.full_survey()
    single, multiple = questions["single"], questions["multiple"]
    yes, no, unsure = single.choices.all()
    topic_a, _topic_b, newsletter = multiple.choices.all()
    plan = {"Barnim": (9, 2, 1), "Havelland": (4, 1, 2), "Prignitz": (2, 0, 1)}
    for name, (n_yes, n_no, n_unsure) in plan.items():
        landkreis = district(name)
        for position, choice in enumerate([yes] * n_yes + [no] * n_no + [unsure] * n_unsure):
            member = factories.municipality(district=landkreis, population=1_000 + position)
            survey_factories.response(
                survey,
                member,
                answers={
                    single: [choice],
                    multiple: [newsletter] if position < 2 and name == "Barnim" else [topic_a],
                    questions["scale"]: 1 + position % 5,
                    questions["text"]: f"Geheimer Freitext {name} {position}",
                },
            )
    city = factories.municipality(kind=Municipality.Kind.DISTRICT_FREE_CITY, population=99_000)
    survey_factories.response(survey, city, answers={single: [yes], multiple: [topic_a]})
    return survey, questions


def url(survey, **params):
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return reverse("surveys:survey_segments", args=[survey.slug]) + ("?" + query if query else "")


def body_cells(html):
    """The numbers in the table bodies (the totals below them are the overall result)."""
    bodies = re.findall(r"<tbody>(.*?)</tbody>", html, re.S)
    return [int(n) for body in bodies for n in re.findall(r'<td class="text-end">(\d+)</td>', body)]


def grid(table):
    return [[cell.value for cell in row.cells] for row in table.rows], [
        [cell.state for cell in row.cells] for row in table.rows
    ]


@pytest.mark.parametrize("segmentation", ["landkreis", "art", "groesse"])
def test_no_count_under_k_is_shown_and_no_hidden_one_can_be_worked_out(
    client, answered, segmentation
):
    survey, questions = answered
    response = client.get(url(survey, nach=segmentation))
    assert response.status_code == 200
    html = response.content.decode()
    assert all(n >= K for n in body_cells(html))
    for table in segmented_results(survey, segmentation):
        if table.withheld:
            continue
        # The true counts, to attack the table with what the page publishes.
        true_rows = _true_rows(survey, table, segmentation)
        states = [[cell.state for cell in row.cells] for row in table.rows]
        single = table.question.kind != Question.Kind.MULTIPLE
        assert derivable(true_rows, states, single_choice=single) == [], table.question
        for row, true_row in zip(table.rows, true_rows, strict=True):
            for cell, value in zip(row.cells, true_row, strict=True):
                assert (cell.state == SMALL) == (value < K)
                assert cell.value == (value if cell.state == SHOWN else None)


def _true_rows(survey, table, segmentation):
    """The table's counts before protection."""
    return next(
        grid
        for question, grid in segment_counts(survey, segmentation)
        if question == table.question
    )


def test_the_landkreis_table_shows_large_counts_and_hides_the_rest(client, answered):
    survey, questions = answered
    html = client.get(url(survey, nach="landkreis")).content.decode()
    assert "Barnim" in html and "Havelland" in html and "Prignitz" in html
    assert "ohne Landkreis (kreisfreie Städte)" in html
    assert "weniger als 5" in html
    assert "ausgeblendet" in html
    assert 9 in body_cells(html) or 12 in body_cells(html)  # Barnim's "Ja" or its answers


def test_free_texts_and_numbers_are_never_broken_down(client, answered):
    survey, questions = answered
    html = client.get(url(survey, nach="landkreis")).content.decode()
    assert questions["single"].text in html
    assert questions["text"].text not in html
    assert questions["number"].text not in html
    assert "Geheimer Freitext" not in html


def test_the_results_page_links_to_the_breakdown(client, answered):
    survey, _questions = answered
    html = client.get(reverse("surveys:survey_results", args=[survey.slug])).content.decode()
    assert url(survey) in html


@pytest.mark.parametrize(
    "params", [{"nach": "gemeinde"}, {"nach": "landkreis", "format": "pdf"}, {"nach": ""}]
)
def test_an_unknown_breakdown_or_format_is_a_400_with_a_message(client, answered, params):
    survey, _questions = answered
    response = client.get(url(survey, **params))
    assert response.status_code == 400
    html = response.content.decode()
    if "format" in params:
        assert "Diesen Download gibt es nicht" in html
    else:
        assert "Aufschlüsseln nach: " in html  # the field and what is wrong with it
    assert "<tbody>" not in html


def test_results_that_are_not_public_are_not_broken_down_either(editor_client):
    survey = survey_factories.survey(results_visibility=Survey.ResultsVisibility.AFTER_CLOSING)
    survey_factories.question(survey, Question.Kind.SINGLE, ["Ja", "Nein"])
    draft = survey_factories.survey(published=False)
    visitor = Client()
    assert visitor.get(url(survey)).status_code == 403
    assert visitor.get(url(survey, format="csv")).status_code == 403
    assert visitor.get(url(draft)).status_code == 404
    assert editor_client.get(url(survey)).status_code == 200
    assert editor_client.get(url(draft)).status_code == 200


@pytest.mark.parametrize("segmentation", ["landkreis", "art", "groesse"])
def test_the_downloads_follow_the_same_rule(client, answered, segmentation):
    survey, _questions = answered
    response = client.get(url(survey, nach=segmentation, format="csv"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert f"-ergebnisse-{segmentation}.csv" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["Frage", rows[0][1], "Antwort", "Kommunen"]
    segment_rows = [row for row in rows[1:] if row[1] != "alle"]
    counts = [row[3] for row in segment_rows]
    assert all(not value.isdigit() or int(value) >= K for value in counts)
    assert "weniger als 5" in counts
    assert not any("Geheimer Freitext" in cell for row in rows for cell in row)

    excel = client.get(url(survey, nach=segmentation, format="csv-excel"))
    assert excel.status_code == 200
    assert f"-ergebnisse-{segmentation}-excel.csv" in excel["Content-Disposition"]
    workbook = load_workbook(
        io.BytesIO(client.get(url(survey, nach=segmentation, format="xlsx")).content)
    )
    sheet_rows = [list(row) for row in workbook.active.iter_rows(values_only=True)]
    assert [["" if v is None else str(v) for v in row] for row in sheet_rows] == rows


def test_size_classes_group_by_population(answered):
    survey, questions = answered
    segments = segments_of("groesse")
    counted = segment_counts(survey, "groesse")
    single = next(grid for question, grid in counted if question == questions["single"])
    answered_by_class = {
        str(label): row[-1] for (_k, label, *_r), row in zip(segments, single, strict=True)
    }
    small_class = SizeClass.objects.for_population(1_000)
    large_class = SizeClass.objects.for_population(99_000)
    assert answered_by_class[str(small_class)] == 22
    assert answered_by_class[str(large_class)] == 1
    assert answered_by_class["Größe unbekannt"] == 0  # the three Landkreise did not answer
    assert sum(answered_by_class.values()) == 23


def test_queries_do_not_grow_with_the_responses(client, answered, django_assert_max_num_queries):
    survey, questions = answered
    with django_assert_max_num_queries(SEGMENT_PAGE_QUERIES) as before:
        client.get(url(survey, nach="landkreis"))
    for position in range(20):
        survey_factories.response(
            survey,
            factories.municipality(district=district(f"Kreis {position}")),
            answers={questions["single"]: [questions["single"].choices.first()]},
        )
    with django_assert_max_num_queries(SEGMENT_PAGE_QUERIES) as after:
        client.get(url(survey, nach="landkreis"))
    assert len(after.captured_queries) == len(before.captured_queries)


SEGMENT_PAGE_QUERIES = 10


def test_the_page_is_valid_html(client, answered):
    survey, _questions = answered
    documents = {
        segmentation: client.get(url(survey, nach=segmentation)).content.decode()
        for segmentation in ("landkreis", "art", "groesse")
    }
    documents["error"] = client.get(url(survey, nach="x")).content.decode()
    empty = survey_factories.survey()
    survey_factories.question(empty, Question.Kind.TEXT)
    documents["nothing to break down"] = client.get(url(empty)).content.decode()
    assert_valid_html(documents)


def test_stored_numbers_follow_the_directory_and_k(answered, settings):
    survey, questions = answered
    single = questions["single"]

    def cells(segmentation="landkreis"):
        table = next(t for t in segmented_results(survey, segmentation) if t.question == single)
        return {str(row.label): row.cells for row in table.rows}

    assert cells()["Barnim"][-1].value == 12
    # Seven municipalities of Barnim move to a new Landkreis after they answered (as the
    # directory import does, without saving each): the page counts them there.
    barnim = Municipality.objects.get(name="Barnim")
    moved = Municipality.objects.filter(district=barnim).order_by("pk")[:7]
    Municipality.objects.filter(pk__in=list(moved.values_list("pk", flat=True))).update(
        district=district("Uckermark")
    )
    true = dict(
        zip(
            [str(label) for _key, label, *_rest in segments_of("landkreis")],
            next(grid for q, grid in segment_counts(survey, "landkreis") if q == single),
            strict=True,
        )
    )
    assert true["Uckermark"][-1] == 7 and true["Barnim"][-1] == 5
    shown = cells()
    for name, row in shown.items():
        for cell, value in zip(row, true[name], strict=True):
            assert cell.value in (None, value)
            assert (cell.state == SMALL) == (value < K)
    # A smaller minimum group size applies at once: Prignitz's 3 answers are not "small".
    settings.SURVEY_MIN_GROUP_SIZE = 2
    assert cells()["Prignitz"][-1].state != SMALL


def test_the_printed_results_say_where_they_come_from_without_the_controls(client, answered):
    survey, _questions = answered
    for page in (reverse("surveys:survey_results", args=[survey.slug]), url(survey)):
        html = client.get(page).content.decode()
        assert re.search(
            r'<p class="d-none d-print-block small mt-4">Smart-City-Transferportal Brandenburg, '
            rf"http://testserver{re.escape(page)}, Stand: \d+\. \w+ \d{{4}}</p>",
            html,
        ), page
        # The links to the breakdown and the downloads are not printed.
        assert 'class="mt-4 d-print-none"' in html or 'class="d-print-none"' in html


def test_stored_numbers_follow_changed_questions_and_options(client, answered):
    survey, questions = answered
    single = questions["single"]
    # An option added in front and a question added after the last submission.
    Choice.objects.filter(question=single).update(position=F("position") + 1)
    Choice.objects.create(question=single, position=1, label="Vielleicht")
    survey_factories.question(survey, Question.Kind.SINGLE, ["A", "B"], text="Neue Frage?")
    response = client.get(url(survey, nach="landkreis"))
    assert response.status_code == 200
    assert "Neue Frage?" in response.content.decode()
    table = next(t for t in segmented_results(survey, "landkreis") if t.question == single)
    assert [str(label) for label, _c in table.columns][:2] == ["Vielleicht", "Ja"]
    assert table.totals[:2] == [0, 16]  # "Ja" keeps its own count, not another option's
    assert client.get(url(survey, nach="landkreis", format="csv")).status_code == 200
