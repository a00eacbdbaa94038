"""The one writer of files for spreadsheet programs (transfer_portal/lib/spreadsheets.py)."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from surveys.models import Question
from tests.surveys import factories as survey_factories
from transfer_portal.lib.spreadsheets import csv_text, defuse_formula, write_csv, xlsx_bytes


@pytest.mark.parametrize("text", ["=1+1", "+49 30 1234", "-gering", "@SUM(A1)", "\tx", "\rx"])
def test_text_that_a_spreadsheet_would_run_gets_an_apostrophe(text):
    assert defuse_formula(text) == "'" + text


@pytest.mark.parametrize("value", ["Text", "", " =1", "'=1", 42, -3, 2.5, None])
def test_everything_else_is_left_alone(value):
    assert defuse_formula(value) == value


def test_plain_csv_has_commas_quotes_where_needed_and_no_byte_order_mark():
    text = csv_text([["a", "b"], ['x, "y"', "z\nw"], [1, None]])
    assert text == 'a,b\r\n"x, ""y""","z\nw"\r\n1,\r\n'


def test_csv_for_excel_has_semicolons_after_a_byte_order_mark():
    text = csv_text([["Maßnahme", "Stand"], ["Bürger;App", -1]], excel=True)
    assert text == '\ufeffMaßnahme;Stand\r\n"Bürger;App";-1\r\n'


def test_csv_for_excel_writes_decimal_numbers_with_a_comma_and_plain_csv_with_a_point():
    rows = [["Anteil", "Wert", "Zahl", "Text"], [12.5, Decimal("-0.25"), 3, "12.5"]]
    assert csv_text(rows, excel=True) == "\ufeffAnteil;Wert;Zahl;Text\r\n12,5;-0,25;3;12.5\r\n"
    assert csv_text(rows) == "Anteil,Wert,Zahl,Text\r\n12.5,-0.25,3,12.5\r\n"


def test_every_cell_is_defused_the_header_too():
    rows = list(csv.reader(io.StringIO(csv_text([["=Kopf"], ["-1"], [-1]]))))
    assert rows == [["'=Kopf"], ["'-1"], ["-1"]]


def test_the_writer_writes_to_anything_with_write():
    class Sink:
        def __init__(self):
            self.parts = []

        def write(self, text):
            self.parts.append(text)

    sink = Sink()
    write_csv(sink, iter([["a"], ["=b"]]), excel=True)  # rows may be a generator
    assert "".join(sink.parts) == "\ufeffa\r\n'=b\r\n"


def test_xlsx_keeps_numbers_and_dates_and_stores_no_formula():
    moment = datetime.datetime(2026, 3, 2, 9, 30)
    content = xlsx_bytes([["=Kopf", "Zahl"], ["=HYPERLINK(1)", 42], ["x", moment]], "A" * 40)
    workbook = load_workbook(io.BytesIO(content))
    sheet = workbook.active
    assert sheet.title == "A" * 31
    assert [[cell.data_type for cell in row] for row in sheet.iter_rows()] == [
        ["s", "s"],
        ["s", "n"],
        ["s", "d"],
    ]
    assert list(sheet.iter_rows(values_only=True)) == [
        ("'=Kopf", "Zahl"),
        ("'=HYPERLINK(1)", 42),
        ("x", moment),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["csv", "csv-excel", "xlsx"])
def test_a_question_starting_like_a_formula_is_defused_in_the_exports_header(editor_client, kind):
    survey = survey_factories.survey()
    survey_factories.question(survey, Question.Kind.TEXT, text="=Was fehlt?")
    survey_factories.question(survey, Question.Kind.TEXT, text="-Wer hilft?")
    content = editor_client.get(f"/umfragen/{survey.slug}/export/{kind}/").content
    if kind == "xlsx":
        header = next(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))
    else:
        text = content.decode("utf-8-sig")
        header = next(csv.reader(io.StringIO(text), delimiter=";" if kind == "csv-excel" else ","))
    assert list(header[-2:]) == ["'=Was fehlt?", "'-Wer hilft?"]
