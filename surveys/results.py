"""Survey results, aggregated in the database with a fixed number of queries.

Only submitted responses count; drafts never show up in any number here.
"""

from dataclasses import dataclass, field

from django.db import connection
from django.db.models import (
    Avg,
    CharField,
    Count,
    Exists,
    Max,
    Min,
    OuterRef,
    Q,
    StringAgg,
    Subquery,
    Value,
)
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from projects.models import Topic
from surveys.models import Answer, Question, Response, ResponseTopic, Survey, SurveyTopTopic

TOP_TOPIC_COUNT = 3
SUBMITTED = Response.State.SUBMITTED


@dataclass
class OptionResult:
    label: str
    count: int
    percent: float
    is_other: bool = False
    # Worded by an editor (German), not "Other" or a bare scale value: the template marks
    # its language on pages in another language (WCAG 3.1.2).
    is_content: bool = True


@dataclass
class QuestionResult:
    question: Question
    answered: int = 0
    options: list[OptionResult] = field(default_factory=list)
    mean: float | None = None
    minimum: int | None = None
    maximum: int | None = None
    texts: list = field(default_factory=list)


@dataclass
class TopicRank:
    topic: Topic
    position: int
    count: int | None  # None: ranked by the published findings, not by recorded responses


@dataclass
class SurveyResults:
    survey: Survey
    participants: int
    questions: list[QuestionResult]
    top_topics: list[TopicRank]

    @property
    def has_responses(self):
        return self.participants > 0


def _percent(count, total):
    return round(100 * count / total, 1) if total else 0.0


def survey_results(survey, *, include_texts=False):
    """Everything the results page shows; free texts only when asked (editors)."""
    questions = list(survey.questions.prefetch_related("choices"))
    submitted = Answer.objects.filter(response__survey=survey, response__state=SUBMITTED)
    participants = Response.objects.filter(survey=survey, state=SUBMITTED).count()

    choice_counts = dict(
        Answer.choices.through.objects.filter(
            answer__response__survey=survey, answer__response__state=SUBMITTED
        )
        .values("choice_id")
        .annotate(n=Count("id"))
        .values_list("choice_id", "n")
    )
    stats = {
        row["question_id"]: row
        for row in submitted.values("question_id").annotate(
            answered=Count("id"),
            other=Count("id", filter=~Q(other_text="")),
            mean=Avg("number"),
            minimum=Min("number"),
            maximum=Max("number"),
        )
    }
    distribution = {
        (row["question_id"], row["number"]): row["n"]
        for row in submitted.filter(question__kind=Question.Kind.SCALE)
        .values("question_id", "number")
        .annotate(n=Count("id"))
    }
    texts = {}
    if include_texts:
        for answer in (
            submitted.filter(Q(question__kind=Question.Kind.TEXT) | ~Q(other_text=""))
            .select_related("response__municipality")
            .order_by("question_id", "response__municipality__name")
        ):
            texts.setdefault(answer.question_id, []).append(answer)

    results = []
    for question in questions:
        row = stats.get(question.pk, {})
        result = QuestionResult(question, answered=row.get("answered", 0))
        if question.is_choice:
            for choice in question.choices.all():
                count = choice_counts.get(choice.pk, 0)
                result.options.append(
                    OptionResult(choice.label, count, _percent(count, participants))
                )
            if question.allow_other:
                count = row.get("other", 0)
                result.options.append(
                    OptionResult(
                        "", count, _percent(count, participants), is_other=True, is_content=False
                    )
                )
        elif question.kind == Question.Kind.SCALE:
            form_labels = {1: question.scale_min_label, 5: question.scale_max_label}
            for value in range(1, 6):
                count = distribution.get((question.pk, value), 0)
                labelled = bool(form_labels.get(value))
                label = f"{value} – {form_labels[value]}" if labelled else str(value)
                result.options.append(
                    OptionResult(label, count, _percent(count, participants), is_content=labelled)
                )
        if question.kind in (Question.Kind.SCALE, Question.Kind.NUMBER):
            result.mean = row.get("mean")
            result.minimum = row.get("minimum")
            result.maximum = row.get("maximum")
        result.texts = texts.get(question.pk, [])
        results.append(result)

    return SurveyResults(survey, participants, results, top_topics(survey, participants))


def top_topics(survey, participants=None, *, limit=TOP_TOPIC_COUNT):
    """The survey's TOP topics: counted from submitted responses, else the published findings.

    Each topic counts the municipalities that chose at least one option linked to it.
    Two queries at most (one when `participants` is given and positive).
    """
    if participants is None or participants:
        ranked = (
            Topic.objects.filter(response_links__survey=survey)  # submitted responses only
            .annotate(n=Count("response_links"))
            .order_by("-n", "position", "name")[:limit]
        )
        ranking = [TopicRank(topic, number, topic.n) for number, topic in enumerate(ranked, 1)]
        if ranking:
            return ranking
    links = SurveyTopTopic.objects.filter(survey=survey).select_related("topic")[:limit]
    return [TopicRank(link.topic, number, None) for number, link in enumerate(links, 1)]


@dataclass
class TopMention:
    survey: Survey
    position: int
    count: int | None


@dataclass
class TopicInterest:
    topic: Topic
    top_in: list[TopMention]
    municipality_count: int

    @property
    def has_data(self):
        return bool(self.top_in or self.municipality_count)


def topic_interest(topic, *, now=None):
    """Survey interest in one topic, from surveys whose results are public: three queries.

    `top_in` lists the surveys that rank the topic among their TOP topics;
    `municipality_count` counts the municipalities that chose an option linked to it.
    """
    now = now or timezone.now()
    # The editorial TOP topics of each survey come along in the same query, as
    # "position:pk:topic_id,…" (not every database can order inside an aggregate).
    link = Concat(
        Cast("position", CharField()),
        Value(":"),
        Cast("pk", CharField()),
        Value(":"),
        Cast("topic_id", CharField()),
        output_field=CharField(),
    )
    editorial_ids = (
        SurveyTopTopic.objects.filter(survey=OuterRef("pk"))
        .values("survey")
        .annotate(ids=StringAgg(link, Value(",")))
        .values("ids")
    )
    surveys = list(
        Survey.objects.results_public(now)
        .annotate(
            submitted=Count("responses", filter=Q(responses__state=SUBMITTED)),
            editorial_ids=Subquery(editorial_ids),
        )
        .order_by("-closes_at")
    )
    ids = [survey.pk for survey in surveys]
    counted = {}
    for survey_id, topic_id, count in _topic_counts(ids):
        counted.setdefault(survey_id, []).append((topic_id, count))
    editorial = {
        survey.pk: [
            (topic_id, None)
            for _position, _pk, topic_id in sorted(
                tuple(int(part) for part in entry.split(":"))
                for entry in survey.editorial_ids.split(",")
            )
        ]
        for survey in surveys
        if survey.editorial_ids
    }

    mentions = []
    for survey in surveys:
        ranking = counted.get(survey.pk) if survey.submitted else None
        ranking = (ranking or editorial.get(survey.pk, []))[:TOP_TOPIC_COUNT]
        for position, (topic_id, count) in enumerate(ranking, 1):
            if topic_id == topic.pk:
                mentions.append(TopMention(survey, position, count))
    municipality_count = (
        ResponseTopic.objects.filter(topic=topic, survey__in=ids)
        .values("response__municipality_id")
        .distinct()
        .count()
    )
    return TopicInterest(topic, mentions, municipality_count)


def _topic_counts(survey_ids):
    """(survey, topic, submitted responses that chose it) for the surveys, most chosen first,
    ties in the topics' order.

    In SQL of its own because the ORM joins the topics (for the order) before grouping: on
    the sample data PostgreSQL then joined and grouped 40,000 rows (17 ms) instead of
    counting them from the (survey, topic) index first and joining the result (5 ms).
    Table names come from the models, values are parameters.
    """
    if not survey_ids:
        return []
    placeholders = ", ".join(["%s"] * len(survey_ids))
    sql = (
        "SELECT counted.survey_id, counted.topic_id, counted.n FROM ("  # noqa: S608
        "  SELECT survey_id, topic_id, COUNT(*) AS n"
        f"  FROM {ResponseTopic._meta.db_table}"
        f"  WHERE survey_id IN ({placeholders}) GROUP BY survey_id, topic_id"
        f") counted JOIN {Topic._meta.db_table} topic ON topic.id = counted.topic_id"
        " ORDER BY counted.n DESC, topic.position, topic.name"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, list(survey_ids))
        return cursor.fetchall()


@dataclass
class HomeHighlights:
    open_surveys: list[Survey]
    top_survey: Survey | None
    top_topics: list[TopicRank]

    @property
    def has_data(self):
        return bool(self.open_surveys or self.top_topics)


def home_highlights(*, now=None):
    """Open surveys to take part in, and the TOP topics of the latest public results.

    At most four queries.
    """
    now = now or timezone.now()
    open_surveys = list(Survey.objects.published().open(now).order_by("closes_at")[:3])
    submitted = Response.objects.filter(survey=OuterRef("pk"), state=SUBMITTED)
    ranked = SurveyTopTopic.objects.filter(survey=OuterRef("pk"))
    top_survey = (
        Survey.objects.results_public(now)
        .filter(Exists(submitted) | Exists(ranked))
        .order_by("-closes_at")
        .first()
    )
    ranking = top_topics(top_survey) if top_survey else []
    return HomeHighlights(open_surveys, top_survey, ranking)
