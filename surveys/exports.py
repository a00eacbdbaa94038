"""Exports of all responses of a survey: one row per response, one column per question."""

from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from surveys.models import Answer, AssessmentRating, Question, Response
from transfer_portal.lib.spreadsheets import csv_text, xlsx_bytes

KINDS = {
    "csv": ("csv", "text/csv; charset=utf-8"),
    "csv-excel": ("csv", "text/csv; charset=utf-8"),
    "xlsx": ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}


def _answer_value(answer):
    question = answer.question
    if question.is_choice:
        labels = [choice.label for choice in answer.choices.all()]
        if answer.other_text:
            labels.append(_("Other: %(text)s") % {"text": answer.other_text})
        elif answer.other_selected:  # a draft's "Other" without its text yet
            labels.append(_("Other"))
        return "; ".join(labels)
    if question.kind == Question.Kind.TEXT:
        return answer.text
    if question.is_self_assessment:
        steps = question.steps
        return "; ".join(
            _("%(dimension)s: today %(today)s, target %(target)s")
            % {
                "dimension": rating.dimension.name,
                "today": steps.get(rating.today, "–"),
                "target": steps.get(rating.target, "–"),
            }
            for rating in answer.ratings.all()
        )
    return answer.number


def rows(survey):
    """The header row, then one row per response (drafts included, marked by their state)."""
    questions = list(survey.questions.all())
    yield [
        _("Municipality"),
        _("AGS"),
        _("State"),
        _("Submitted at"),
        _("Last changed at"),
        *[question.text for question in questions],
    ]
    responses = (
        Response.objects.filter(survey=survey)
        .select_related("municipality")
        .prefetch_related(
            Prefetch(
                "answers",
                queryset=Answer.objects.select_related("question").prefetch_related(
                    "choices",
                    Prefetch(
                        "ratings", queryset=AssessmentRating.objects.select_related("dimension")
                    ),
                    "question__choices",
                ),
            )
        )
        .order_by("municipality__name", "pk")
    )
    for response in responses:
        values = {answer.question_id: _answer_value(answer) for answer in response.answers.all()}
        local = timezone.localtime
        yield [
            response.municipality.name,
            response.municipality.ags or "",
            response.get_state_display(),
            local(response.submitted_at).strftime("%d.%m.%Y %H:%M")
            if response.submitted_at
            else "",
            local(response.updated_at).strftime("%d.%m.%Y %H:%M"),
            *[values.get(question.pk, "") for question in questions],
        ]


def render(survey, kind):
    """The export as (content bytes, file name, content type); kind is one of KINDS."""
    return render_rows(rows(survey), kind, f"{survey.slug}-antworten", _("Responses"))


def render_rows(table, kind, stem, sheet_title):
    """Rows as a file of `kind` (one of KINDS): (content bytes, file name, content type)."""
    extension, content_type = KINDS[kind]
    suffix = "-excel" if kind == "csv-excel" else ""
    if kind == "xlsx":
        content = xlsx_bytes(table, sheet_title)
    else:
        content = csv_text(table, excel=kind == "csv-excel").encode("utf-8")
    return content, f"{stem}{suffix}.{extension}", content_type


def attachment(content, filename, content_type):
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def export_response(survey, kind):
    if kind not in KINDS:
        raise Http404
    return attachment(*render(survey, kind))
