"""A survey's results by segment – Landkreis, kind of municipality, size class – with small
numbers protected (issue 20, part 2; surveys/suppression.py hides them).

Only questions with fixed answers are broken down (single and multiple choice, scales);
free texts and numbers never are. Six queries, however many responses and segments.
"""

from dataclasses import dataclass
from typing import NamedTuple

from django.conf import settings
from django.db.models import Case, Count, Exists, F, OuterRef, Q, Subquery, When
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from projects.models import Municipality, SizeClass
from surveys import queries
from surveys.models import SCALE_VALUES, Answer, Question, Response, ResultsSnapshot
from surveys.suppression import PROTECTING, SHOWN, SMALL, protect_together
from transfer_portal.lib.compiled import compiled, prefetch

SUBMITTED = Response.State.SUBMITTED
SEGMENTATIONS = {
    "landkreis": _("Landkreis"),
    "art": _("kind of municipality"),
    "groesse": _("size class"),
}
BROKEN_DOWN = (Question.Kind.SINGLE, Question.Kind.MULTIPLE, Question.Kind.SCALE)
NO_SEGMENT = {
    "landkreis": pgettext_lazy("segment", "without Landkreis (district-free cities)"),
    "art": pgettext_lazy("segment", "kind unknown"),
    "groesse": pgettext_lazy("segment", "size unknown"),
}


def min_group_size():
    return settings.SURVEY_MIN_GROUP_SIZE


class Cell(NamedTuple):
    """A tuple: a page of results by segment shows thousands of them."""

    value: int | None  # None: hidden
    state: str = SHOWN  # SHOWN, SMALL or PROTECTING (surveys/suppression.py)


@dataclass
class SegmentRow:
    label: str
    cells: list  # [Cell], one per column, the answered count last
    is_content: bool  # a name from the directory, not a label of the portal


@dataclass
class SegmentTable:
    question: Question
    columns: list  # [(label, is_content)]
    rows: list  # [SegmentRow]; empty when the table cannot be shown without giving away
    totals: list  # the column totals: the question's overall result
    withheld: bool = False


def segment_key(segmentation, prefix=""):
    """The segment of the municipality at `prefix` (a path ending in "__", or "" for the
    municipality itself) as an SQL expression: a Landkreis's id (the Landkreis itself for a
    Landkreis; NULL for district-free cities), a kind, a size class's id (NULL without a
    population)."""
    if segmentation == "landkreis":
        return Case(
            When(**{f"{prefix}kind": Municipality.Kind.DISTRICT}, then=F(f"{prefix}id")),
            default=F(f"{prefix}district_id"),
        )
    if segmentation == "art":
        return F(f"{prefix}kind")
    if segmentation == "groesse":
        size = SizeClass.objects.containing(OuterRef(f"{prefix}population"))
        return Subquery(size.values("pk")[:1])
    raise ValueError(segmentation)


def segments(segmentation):
    """[(key, label, is_content, number of municipalities)] of the segments that have
    municipalities, in the order a table lists them, the one without a key last: two
    queries."""
    sizes = dict(_segment_sizes(segmentation=segmentation))
    if segmentation == "landkreis":
        named = [(pk, name, True) for pk, name in _districts()]
    elif segmentation == "art":
        named = [(value, label, False) for value, label in Municipality.Kind.choices]
    else:
        named = [(pk, name, False) for pk, name in _size_classes()]
    # A segment without municipalities in the directory has nothing to show (and nothing
    # to protect: everybody can see that it is empty).
    rows = [
        (key, label, is_content, sizes[key]) for key, label, is_content in named if sizes.get(key)
    ]
    if sizes.get(None):
        rows.append((None, NO_SEGMENT[segmentation], False, sizes[None]))
    return rows


# The queries of segments(), compiled once (transfer_portal/lib/compiled.py).
_segment_sizes = compiled(
    lambda *, segmentation: (
        Municipality.objects.order_by()
        .values(key=segment_key(segmentation))
        .annotate(n=Count("pk"))
        .values_list("key", "n")
    )
)
_districts = compiled(
    lambda: (
        Municipality.objects.filter(kind=Municipality.Kind.DISTRICT)
        .order_by("name")
        .values_list("pk", "name")
    )
)
_size_classes = compiled(lambda: SizeClass.objects.values_list("pk", "name"))
_stored_segments = compiled(
    lambda survey: ResultsSnapshot.objects.filter(survey=survey).values_list("segments", flat=True)
)


def segmented_results(survey, segmentation, *, k=None):
    """[SegmentTable] of each question of `survey` that can be broken down: from the
    survey's ResultsSnapshot, which stores them protected when its responses change (six
    queries); counted and protected here when the directory or k changed since."""
    k = k or min_group_size()
    questions = _questions(survey)
    if not questions:
        return []
    rows = segments(segmentation)
    stored = _stored(survey, segmentation, rows, k, questions)
    if stored is None:
        stored = protected(survey, segmentation, rows, questions, k)
    tables = []
    for question in questions:
        columns, _keys = _columns(question)
        numbers = stored["tables"][str(question.pk)]
        grid, states = numbers["grid"], numbers["states"]
        totals = [sum(column) for column in zip(*grid, strict=True)] if grid else []
        table = SegmentTable(question, columns, [], totals, withheld=states is None)
        if states is not None:
            table.rows = [
                SegmentRow(
                    label,
                    [
                        Cell(None if state != SHOWN else value, state)
                        for value, state in zip(values, row_states, strict=True)
                    ],
                    is_content,
                )
                for (_key, label, is_content, _size), values, row_states in zip(
                    rows, grid, states, strict=True
                )
            ]
        tables.append(table)
    return tables


def _stored(survey, segmentation, rows, k, questions):
    """The survey's stored numbers by `segmentation`, if counted for these segments (the
    directory today), this k and these questions with these options; else None."""
    stored = next(iter(_stored_segments(survey.pk)), None) or {}
    stored = stored.get(segmentation)
    if (
        stored is None
        or stored["k"] != k
        or stored["keys"] != [key for key, *_rest in rows]
        or stored["limits"] != [size for *_rest, size in rows]
        or stored.get("columns") != _column_keys(questions)
    ):
        return None
    return stored


def _column_keys(questions):
    """{question id: [its columns' keys]}: what stored numbers were counted for."""
    return {str(question.pk): [str(key) for key in _columns(question)[1]] for question in questions}


def protected(survey, segmentation, rows, questions, k):
    """The numbers by `segmentation` as ResultsSnapshot.segments stores them: each
    question's grid of counts and the state of each cell (None: not to be shown)."""
    limits = [size for *_rest, size in rows]
    counted = segment_counts(survey, segmentation, rows, questions)
    protected_states = protect_together(
        [(grid, question.kind != Question.Kind.MULTIPLE) for question, grid in counted],
        k,
        limits=limits,
    )
    tables = {}
    for (question, grid), states in zip(counted, protected_states, strict=True):
        # A table that is not shown keeps no counts either.
        tables[str(question.pk)] = {"grid": grid if states else [], "states": states}
    keys = [key for key, *_rest in rows]
    return {
        "k": k,
        "keys": keys,
        "limits": limits,
        "columns": _column_keys(questions),
        "tables": tables,
    }


def refresh(survey_id):
    """The numbers of every segmentation of the survey, to store (surveys/results.py)."""
    questions = _questions(survey_id)
    k = min_group_size()
    return (
        {
            segmentation: protected(survey_id, segmentation, segments(segmentation), questions, k)
            for segmentation in SEGMENTATIONS
        }
        if questions
        else {}
    )


def _questions(survey):
    questions = [
        question
        for question in queries.questions_of_survey(getattr(survey, "pk", survey))
        if question.kind in BROKEN_DOWN
    ]
    prefetch(questions, "choices", queries.choices_of_questions)
    return questions


def segment_counts(survey, segmentation, rows=None, questions=None):
    """[(question, grid)] of each question that can be broken down: in the grid a row of
    counts per segment (`rows`: segments()), the answered count last – unprotected."""
    questions = _questions(survey) if questions is None else questions
    if not questions:
        return []
    rows = segments(segmentation) if rows is None else rows
    counts = _counts(survey, segmentation, questions)
    counted = []
    for question in questions:
        _columns_, keys = _columns(question)
        grid = [
            [counts.get((key, question.pk, column), 0) for column in [*keys, "answered"]]
            for key, *_rest in rows
        ]
        counted.append((question, grid))
    return counted


def _columns(question):
    """[(label, is_content)] and the key of each column's count (before the answered one)."""
    if question.kind == Question.Kind.SCALE:
        labels = {1: question.scale_min_label, 5: question.scale_max_label}
        columns = [
            (f"{value} – {labels[value]}" if labels.get(value) else str(value), False)
            for value in SCALE_VALUES
        ]
        return [*columns, (_("answered"), False)], [f"scale:{v}" for v in SCALE_VALUES]
    choices = list(question.choices.all())
    columns = [(choice.label, True) for choice in choices]
    keys = [choice.pk for choice in choices]
    if question.allow_other:
        columns.append((_("Other"), False))
        keys.append("other")
    return [*columns, (_("answered"), False)], keys


def _counts(survey, segmentation, questions):
    """{(segment key, question id, choice id | "other" | "scale:n" | "answered"): count}
    of the submitted responses: three queries."""
    ids = [question.pk for question in questions]
    counts = {}
    chosen = (
        Answer.choices.through.objects.filter(
            answer__response__survey=survey,
            answer__response__state=SUBMITTED,
            answer__question__in=ids,
        )
        .order_by()
        .values(
            "answer__question_id",
            "choice_id",
            key=segment_key(segmentation, "answer__response__municipality__"),
        )
        .annotate(n=Count("pk"))
        .values_list("key", "answer__question_id", "choice_id", "n")
    )
    for key, question, choice, n in chosen:
        counts[(key, question, choice)] = n
    answers = Answer.objects.filter(
        response__survey=survey, response__state=SUBMITTED, question__in=ids
    ).order_by()
    has_choice = Exists(Answer.choices.through.objects.filter(answer=OuterRef("pk")))
    for key, question, answered, other in (
        answers.values("question_id", key=segment_key(segmentation, "response__municipality__"))
        .annotate(
            answered=Count(
                "pk",
                filter=Q(has_choice)
                | ~Q(other_text="")
                | Q(question__kind=Question.Kind.SCALE, number__isnull=False),
            ),
            other=Count("pk", filter=~Q(other_text="")),
        )
        .values_list("key", "question_id", "answered", "other")
    ):
        counts[(key, question, "answered")] = answered
        counts[(key, question, "other")] = other
    for key, question, number, n in (
        answers.filter(question__kind=Question.Kind.SCALE, number__isnull=False)
        .values("question_id", "number", key=segment_key(segmentation, "response__municipality__"))
        .annotate(n=Count("pk"))
        .values_list("key", "question_id", "number", "n")
    ):
        counts[(key, question, f"scale:{number}")] = n
    return counts


def export_rows(tables, segmentation):
    """The tables as rows of a spreadsheet: question, segment, option, count – a hidden
    count as its note, never its number; the overall result of each question below."""
    small = _("fewer than %(k)s") % {"k": min_group_size()}
    rows = [
        [
            str(pgettext_lazy("export column", "question")),
            str(SEGMENTATIONS[segmentation]),
            str(pgettext_lazy("export column", "option")),
            str(pgettext_lazy("export column", "municipalities")),
        ]
    ]
    for table in tables:
        text = table.question.text
        if table.withheld:
            rows.append([text, "", "", str(_("not broken down, to protect small numbers"))])
            continue
        labels = [str(label) for label, _is_content in table.columns]
        for row in table.rows:
            for label, cell in zip(labels, row.cells, strict=True):
                value = cell.value
                if cell.state == SMALL:
                    value = small
                elif cell.state == PROTECTING:
                    value = str(_("hidden to protect small numbers"))
                rows.append([text, str(row.label), label, value])
        for label, total in zip(labels, table.totals, strict=True):
            rows.append([text, str(_("all")), label, total])
    return rows
