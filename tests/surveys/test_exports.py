"""Exports of all responses: editors only, CSV (two variants) and XLSX."""

import csv
import datetime
import io

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook

from surveys.models import Question, Response
from tests import factories
from tests.surveys import factories as survey_factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def survey_with_responses(municipality):
    survey, q = survey_factories.full_survey()
    survey_factories.response(
        survey,
        municipality,
        answers={
            q["single"]: [q["single"].choices.first()],
            q["text"]: "=HYPERLINK(1)",
            q["number"]: 42,
        },
    )
    survey_factories.response(survey, state=Response.State.DRAFT, answers={q["scale"]: 3})
    return survey, q


def export_url(survey, kind):
    return reverse("surveys:survey_export", args=[survey.slug, kind])


@pytest.mark.parametrize("kind", ["csv", "csv-excel", "xlsx"])
def test_exports_are_for_editors_only(client, participant, survey_with_responses, kind):
    survey, _q = survey_with_responses
    assert client.get(export_url(survey, kind)).status_code == 403
    client.force_login(participant)
    assert client.get(export_url(survey, kind)).status_code == 403


def test_csv_has_one_row_per_response_and_one_column_per_question(
    editor_client, survey_with_responses
):
    survey, q = survey_with_responses
    response = editor_client.get(export_url(survey, "csv"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8"))))
    assert rows[0][:3] == ["Kommune", "AGS", "Status"]
    assert rows[0][5:] == [question.text for question in q.values()]
    assert len(rows) == 3
    musterstadt = next(row for row in rows if row[0] == "Musterstadt")
    assert musterstadt[2] == "Abgegeben"
    assert musterstadt[5] == "Ja"
    # Formulas are defused for spreadsheet programs.
    assert musterstadt[8] == "'=HYPERLINK(1)"
    assert musterstadt[9] == "42"
    assert sorted(row[2] for row in rows[1:]) == ["Abgegeben", "Entwurf"]


def test_excel_csv_uses_semicolons_and_a_byte_order_mark(editor_client, survey_with_responses):
    survey, _q = survey_with_responses
    content = editor_client.get(export_url(survey, "csv-excel")).content
    assert content.startswith("\ufeff".encode())
    header = content.decode("utf-8-sig").splitlines()[0]
    assert header.startswith("Kommune;AGS;Status;")


def test_xlsx_export_opens_with_the_same_rows(editor_client, survey_with_responses):
    survey, _q = survey_with_responses
    response = editor_client.get(export_url(survey, "xlsx"))
    workbook = load_workbook(io.BytesIO(response.content))
    rows = list(workbook.active.iter_rows(values_only=True))
    assert rows[0][0] == "Kommune"
    assert len(rows) == 3
    assert next(row for row in rows if row[0] == "Musterstadt")[9] == 42


def test_unknown_export_format_is_not_found(editor_client, survey_with_responses):
    survey, _q = survey_with_responses
    assert editor_client.get(export_url(survey, "pdf")).status_code == 404


def test_export_command_writes_the_file(tmp_path, survey_with_responses):
    survey, _q = survey_with_responses
    target = tmp_path / "antworten.csv"
    out = io.StringIO()
    call_command(
        "export_survey_responses", survey.slug, format="csv-excel", output=target, stdout=out
    )
    assert target.read_bytes().startswith("\ufeffKommune;".encode())
    assert str(target) in out.getvalue()


def test_export_command_refuses_an_unknown_survey():
    with pytest.raises(CommandError):
        call_command("export_survey_responses", "gibt-es-nicht")


@pytest.fixture
def pinned_survey(db):
    """Responses with every awkward cell: a formula, a separator, quotes, a line break,
    umlauts, "Other" and an empty answer."""
    moment = datetime.datetime(2026, 3, 2, 9, 30, tzinfo=datetime.UTC)
    with time_machine.travel(moment, tick=False):
        survey = survey_factories.survey(title="Festgehalten", slug="festgehalten")
        single = survey_factories.question(
            survey, Question.Kind.SINGLE, ["Ja", "Nein"], text="Wählen Sie?", position=1
        )
        multiple = survey_factories.question(
            survey,
            Question.Kind.MULTIPLE,
            ["Förderung", "-Beratung"],
            text="Themen",
            position=2,
            allow_other=True,
        )
        text = survey_factories.question(survey, Question.Kind.TEXT, text="Was fehlt?", position=3)
        number = survey_factories.question(
            survey, Question.Kind.NUMBER, text="Wie viele?", position=4
        )
        musterstadt = factories.municipality(name="Musterstadt", ags="12345678")
        answered = survey_factories.response(
            survey,
            musterstadt,
            answers={
                single: [single.choices.get(label="Ja")],
                multiple: list(multiple.choices.all()),
                text: 'Geld; "Zeit"\nund =HYPERLINK(1)',
                number: -3,
            },
        )
        other = answered.answers.get(question=multiple)
        other.other_selected, other.other_text = True, "@Kümmerer"
        other.save()
        survey_factories.response(
            survey,
            factories.municipality(name="+Zossen"),
            state=Response.State.DRAFT,
            answers={text: "- gering"},
        )
    return survey


# What the exports wrote before the shared writer (transfer_portal/lib/spreadsheets.py):
# nothing may change for the editors who open these files. Only a cell with the separator,
# a quote or a line break is quoted; formulas are defused, numbers stay numbers.
PINNED = {
    "csv": (
        "Kommune,AGS,Status,Abgegeben am,Zuletzt geändert am,Wählen Sie?,Themen,Was fehlt?,"
        "Wie viele?\r\n"
        "'+Zossen,,Entwurf,,02.03.2026 10:30,,,'- gering,\r\n"
        "Musterstadt,12345678,Abgegeben,02.03.2026 10:30,02.03.2026 10:30,Ja,"
        'Förderung; -Beratung; Sonstiges: @Kümmerer,"Geld; ""Zeit""\nund =HYPERLINK(1)",-3\r\n'
    ),
    "csv-excel": (
        "\ufeffKommune;AGS;Status;Abgegeben am;Zuletzt geändert am;Wählen Sie?;Themen;"
        "Was fehlt?;Wie viele?\r\n"
        "'+Zossen;;Entwurf;;02.03.2026 10:30;;;'- gering;\r\n"
        "Musterstadt;12345678;Abgegeben;02.03.2026 10:30;02.03.2026 10:30;Ja;"
        '"Förderung; -Beratung; Sonstiges: @Kümmerer";"Geld; ""Zeit""\nund =HYPERLINK(1)";-3\r\n'
    ),
}


@pytest.mark.parametrize("kind", PINNED)
def test_the_csv_exports_are_byte_for_byte_as_before(editor_client, pinned_survey, kind):
    content = editor_client.get(export_url(pinned_survey, kind)).content
    assert content == PINNED[kind].encode()
