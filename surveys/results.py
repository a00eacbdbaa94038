"""Survey results, aggregated in the database with a fixed number of queries.

Only submitted responses count; drafts never show up in any number here.
"""

from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.db.models import (
    Avg,
    Count,
    Exists,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.utils import timezone

from projects.models import Topic
from surveys import queries, segments
from surveys.models import (
    Answer,
    AssessmentRating,
    PublicTopicInterest,
    Question,
    Response,
    ResponseTopic,
    ResultsSnapshot,
    Survey,
    SurveyTopTopic,
    wording_key,
)
from transfer_portal.lib.compiled import compiled, prefetch

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
    # A self-assessment: [DimensionResult] in the dimensions' order.
    dimensions: list = field(default_factory=list)
    change: object = None  # WaveChange, for a question asked in the earlier wave too


@dataclass
class DimensionResult:
    name: str
    rated: int  # municipalities that rated it today
    today: float | None  # the median step (1 = the scale's first), None without ratings
    target: float | None
    today_label: str = ""
    target_label: str = ""


def median_step(counts):
    """The median of {step: count} (the mean of the two middle ones for an even number)."""
    values = sorted((int(step), n) for step, n in counts.items() if n)
    total = sum(n for _step, n in values)
    if not total:
        return None
    middle = []
    seen = 0
    for step, n in values:
        for position in ((total - 1) // 2, total // 2):
            if seen <= position < seen + n:
                middle.append(step)
        seen += n
    return sum(middle) / len(middle)


def step_label(steps, value):
    """The label of a (median) step: the step's option, or between two."""
    if value is None:
        return ""
    if value == int(value):
        return steps.get(int(value), str(int(value)))
    low, high = steps.get(int(value), ""), steps.get(int(value) + 1, "")
    return f"{low} – {high}"


@dataclass
class WaveRow:
    label: str
    is_content: bool
    earlier: object  # a share in percent, or a median's label; None: not asked then
    now: object

    @property
    def change(self):
        """The change in percentage points (shares only)."""
        if isinstance(self.earlier, float) and isinstance(self.now, float):
            return round(self.now - self.earlier, 1)
        return None


@dataclass
class WaveChange:
    """How a question's results changed since the same question in the earlier wave."""

    earlier_survey: Survey
    rows: list  # [WaveRow]
    earlier_mean: float | None = None
    now_mean: float | None = None


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


def survey_results(survey, *, include_texts=False, compare=True, user=None, snapshot=None):
    """Everything the results page shows; free texts only when asked (editors).

    The numbers come from the survey's ResultsSnapshot (one row, refreshed on every
    change of its responses; `snapshot` when it came along with the survey,
    loaded_snapshot()): five queries with the questions, options, dimensions of a
    self-assessment and TOP topics, however many responses there are.
    """
    questions = list(queries.questions_of_survey(survey.pk))
    prefetch(questions, "choices", queries.choices_of_questions)
    # The dimensions of a self-assessment: asked for every survey, so that a page costs as
    # many queries with one as without (issue 18's budget, independent of the data).
    prefetch(questions, "dimensions", queries.dimensions_of_questions)
    snapshot = snapshot or results_snapshot(survey)
    participants = snapshot.participants
    choice_counts = snapshot.numbers.get("choices", {})
    stats = snapshot.numbers.get("questions", {})
    texts = {}
    if include_texts:
        submitted = Answer.objects.filter(response__survey=survey, response__state=SUBMITTED)
        for answer in (
            submitted.filter(Q(question__kind=Question.Kind.TEXT) | ~Q(other_text=""))
            .select_related("response__municipality")
            .order_by("question_id", "response__municipality__name")
        ):
            texts.setdefault(answer.question_id, []).append(answer)

    results = []
    for question in questions:
        row = stats.get(str(question.pk), {})
        result = QuestionResult(question, answered=row.get("answered", 0))
        if question.is_choice:
            for choice in question.choices.all():
                count = choice_counts.get(str(choice.pk), 0)
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
            distribution = row.get("scale", {})
            for value in range(1, 6):
                count = distribution.get(str(value), 0)
                labelled = bool(form_labels.get(value))
                label = f"{value} – {form_labels[value]}" if labelled else str(value)
                result.options.append(
                    OptionResult(label, count, _percent(count, participants), is_content=labelled)
                )
        elif question.is_self_assessment:
            ratings = snapshot.numbers.get("assessment", {})
            steps = question.steps
            for dimension in question.dimensions.all():
                counts = ratings.get(str(dimension.pk), {})
                today = median_step(counts.get("today", {}))
                target = median_step(counts.get("target", {}))
                result.dimensions.append(
                    DimensionResult(
                        dimension.name,
                        sum(counts.get("today", {}).values()),
                        today,
                        target,
                        step_label(steps, today),
                        step_label(steps, target),
                    )
                )
        if question.kind in (Question.Kind.SCALE, Question.Kind.NUMBER):
            result.mean = row.get("mean")
            result.minimum = row.get("minimum")
            result.maximum = row.get("maximum")
        result.texts = texts.get(question.pk, [])
        results.append(result)

    if compare:
        _compare_with_earlier_wave(survey, results, user)
    ranking = _ranked(snapshot.topic_counts, _topics_counted(snapshot)) if participants else []
    if not ranking:
        ranking = _editorial_top_topics(survey)
    return SurveyResults(survey, participants, results, ranking)


def _compare_with_earlier_wave(survey, results, user):
    """Set `change` on the results of questions mapped to the earlier wave, if `user` may
    see its results: options and dimensions matched by their wording. Five more queries,
    only for a later wave."""
    mapped = [result for result in results if result.question.previous_question_id]
    if not mapped or survey.previous_wave_id is None:
        return
    earlier_survey = Survey.objects.get(pk=survey.previous_wave_id)
    if not earlier_survey.results_visible_to(user or AnonymousUser()):
        return
    earlier = {
        result.question.pk: result
        for result in survey_results(earlier_survey, compare=False).questions
    }
    for result in mapped:
        before = earlier.get(result.question.previous_question_id)
        if before is None:
            continue
        rows = []
        if result.options:
            shares = {
                (option.is_other, wording_key(option.label)): option for option in before.options
            }
            for option in result.options:
                then = shares.get((option.is_other, wording_key(option.label)))
                rows.append(
                    WaveRow(
                        option.label,
                        option.is_content,
                        then.percent if then else None,
                        option.percent,
                    )
                )
        for dimension in result.dimensions:
            then = next(
                (
                    d
                    for d in before.dimensions
                    if wording_key(d.name) == wording_key(dimension.name)
                ),
                None,
            )
            rows.append(
                WaveRow(
                    dimension.name,
                    True,
                    (then.today_label or None) if then else None,
                    dimension.today_label or None,
                )
            )
        result.change = WaveChange(earlier_survey, rows, before.mean, result.mean)


def results_snapshot(survey):
    """The survey's ResultsSnapshot; counted and stored first should it be missing (a
    survey nobody has answered yet, or data written around the ORM)."""
    # Without the numbers by segment: only their own page reads them (surveys/segments.py).
    for snapshot in queries.snapshot_of_survey(survey.pk):
        return snapshot
    refresh_results([survey.pk])
    return ResultsSnapshot.objects.defer("segments").get(survey=survey)


def refresh_results(survey_ids, *, create=True):
    """Count the results of these surveys again and store them (ResultsSnapshot).

    Runs in the transaction of the change. Refreshes of one survey take turns (a lock on
    the survey's row that foreign keys pointing at it do not wait for), so that of two
    responses submitted at once the later count includes both. `create=False` refreshes
    only snapshots that exist: a response deleted along with its survey must not leave
    a new snapshot behind.
    """
    with transaction.atomic():
        surveys = Survey.objects.select_for_update(no_key=True).filter(pk__in=set(survey_ids))
        if not create:
            surveys = surveys.filter(results_snapshot__isnull=False)
        for survey_id in surveys.order_by("pk").values_list("pk", flat=True):
            participants, topic_counts, numbers = count_results(survey_id)
            ResultsSnapshot.objects.update_or_create(
                survey_id=survey_id,
                defaults={
                    "participants": participants,
                    "topic_counts": topic_counts,
                    "numbers": numbers,
                    "segments": segments.refresh(survey_id),
                },
            )


def refresh_all_results():
    ids = list(Survey.objects.values_list("pk", flat=True))
    refresh_results(ids)
    return len(ids)


def count_results(survey_id):
    """(participants, [[topic, count], …], numbers) of one survey: six queries."""
    submitted = Answer.objects.filter(response__survey=survey_id, response__state=SUBMITTED)
    participants = Response.objects.filter(survey=survey_id, state=SUBMITTED).count()
    choices = {
        str(choice_id): n
        for choice_id, n in Answer.choices.through.objects.filter(
            answer__response__survey=survey_id, answer__response__state=SUBMITTED
        )
        .values("choice_id")
        .annotate(n=Count("id"))
        .values_list("choice_id", "n")
    }
    questions = {
        str(row.pop("question_id")): row
        for row in submitted.values("question_id").annotate(
            answered=Count("id"),
            other=Count("id", filter=~Q(other_text="")),
            mean=Avg("number"),
            minimum=Min("number"),
            maximum=Max("number"),
        )
    }
    for row in (
        submitted.filter(question__kind=Question.Kind.SCALE)
        .values("question_id", "number")
        .annotate(n=Count("id"))
    ):
        question = questions.setdefault(str(row["question_id"]), {})
        question.setdefault("scale", {})[str(row["number"])] = row["n"]
    assessment = {}
    for dimension, today, target, n in (
        AssessmentRating.objects.filter(
            answer__response__survey=survey_id, answer__response__state=SUBMITTED
        )
        .values("dimension_id", "today", "target")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("dimension_id", "today", "target", "n")
    ):
        counts = assessment.setdefault(str(dimension), {"today": {}, "target": {}})
        for moment, step in (("today", today), ("target", target)):
            if step is not None:
                counts[moment][str(step)] = counts[moment].get(str(step), 0) + n
    topic_counts = [
        list(row)
        for row in ResponseTopic.objects.filter(survey=survey_id)
        .values("topic_id")
        .annotate(n=Count("id"))
        .order_by("topic_id")
        .values_list("topic_id", "n")
    ]
    numbers = {"choices": choices, "questions": questions, "assessment": assessment}
    return participants, topic_counts, numbers


def _topics_counted(snapshot):
    """The topics the snapshot counts, in their order (one compiled query)."""
    return list(queries.topics_by_ids([topic_id for topic_id, _count in snapshot.topic_counts]))


def _ranked(topic_counts, topics, limit=TOP_TOPIC_COUNT):
    """TopicRanks from [[topic id, count], …]: most chosen first, ties in the topics' order
    (as top_topics() ranks them). `topics`: a queryset in that order, or the topics so."""
    counts = dict(topic_counts)
    if not counts:
        return []
    if isinstance(topics, QuerySet):
        topics = topics.filter(pk__in=counts)
    ordered = sorted((t for t in topics if t.pk in counts), key=lambda t: -counts[t.pk])
    return [
        TopicRank(topic, number, counts[topic.pk])
        for number, topic in enumerate(ordered[:limit], 1)
    ]


def _editorial_top_topics(survey, limit=TOP_TOPIC_COUNT):
    links = SurveyTopTopic.objects.filter(survey=survey).select_related("topic")[:limit]
    return [TopicRank(link.topic, number, None) for number, link in enumerate(links, 1)]


def top_topics(survey, snapshot=None, *, topics=None, limit=TOP_TOPIC_COUNT):
    """The survey's TOP topics: counted from submitted responses, else the published findings.

    Each topic counts the municipalities that chose at least one option linked to it, as
    the survey's ResultsSnapshot holds them (kept current with every submission; pass it
    when it was loaded along with the survey; `topics`: all topics in their order, when the
    caller has them). Two queries at most, one more without the snapshot.
    """
    snapshot = snapshot or results_snapshot(survey)
    ranking = _ranked(
        snapshot.topic_counts, Topic.objects.all() if topics is None else topics, limit
    )
    if snapshot.participants and ranking:
        return ranking
    return _editorial_top_topics(survey, limit)


def loaded_snapshot(survey):
    """The snapshot that came along with the survey (select_related; surveys/queries.py,
    survey_by_slug), or None."""
    try:
        return survey.results_snapshot
    except ResultsSnapshot.DoesNotExist:
        return None


@dataclass
class TopMention:
    survey: Survey
    position: int | None  # None: a survey's numbers for a topic outside its TOP list
    count: int | None  # None: the published findings rank it without numbers
    participants: int | None = None  # municipalities that took part, if known


@dataclass
class TopicInterest:
    topic: Topic
    top_in: list[TopMention]
    municipality_count: int
    # Of each counted survey that was answered: how many chose the topic, of how many.
    per_survey: list = field(default_factory=list)

    @property
    def has_data(self):
        return bool(self.top_in or self.municipality_count or self.per_survey)

    @property
    def several_counted(self):
        """Whether more than one survey counted answers: then a total across them helps."""
        return len(self.per_survey) + sum(m.count is not None for m in self.top_in) > 1


@compiled
def _public_surveys(topic, now):
    """The surveys whose results are public, newest first, with their snapshots and, on
    each, how many municipalities chose an option linked to `topic` in any of them (one
    uncorrelated subquery, run once, over the stored PublicTopicInterest). Only the columns
    the topic page shows."""
    public = Survey.objects.results_public(now)
    interested = (
        PublicTopicInterest.objects.filter(topic=topic, public_from__lte=now)
        .values(one=Value(1))
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        public.select_related("results_snapshot")
        .only(
            "title",
            "slug",
            "closes_at",
            "reported_participants",
            "results_snapshot__participants",
            "results_snapshot__topic_counts",
        )
        .annotate(interested_municipalities=Subquery(interested))
        .order_by("-closes_at")
    )


@compiled
def _public_top_topics(now):
    public = Survey.objects.results_public(now).values("pk")
    return SurveyTopTopic.objects.filter(survey__in=public).values_list("survey_id", "topic_id")


def topic_interest(topic, *, now=None, topics=None):
    """Survey interest in one topic, from surveys whose results are public: one query, and
    one more when some of them are ranked by their published findings (not counted).

    `top_in` lists the surveys that rank the topic among their TOP topics, read from their
    ResultsSnapshot; `municipality_count` counts the municipalities that chose an option
    linked to it. `topics`: all topics in their order, when the caller has them loaded
    (the topic page), which saves the query for the order of ties.
    """
    now = now or timezone.now()
    surveys = list(_public_surveys(topic.pk, now))
    if missing := [survey.pk for survey in surveys if not loaded_snapshot(survey)]:
        refresh_results(missing)  # once: a survey nobody has answered since it was made
        surveys = list(_public_surveys(topic.pk, now))
    counted = {
        survey.pk: survey.results_snapshot.topic_counts
        for survey in surveys
        if survey.results_snapshot.participants and survey.results_snapshot.topic_counts
    }
    editorial = {}
    if any(survey.pk not in counted for survey in surveys):
        for survey_id, topic_id in _public_top_topics(now):  # by position
            if survey_id not in counted:
                editorial.setdefault(survey_id, []).append((topic_id, None))
    if counted and topics is None:  # ties in the topics' order, as top_topics() ranks them
        topics = list(Topic.objects.all())

    mentions, per_survey = [], []
    for survey in surveys:
        if survey.pk in counted:
            chosen = dict(counted[survey.pk]).get(topic.pk, 0)
            per_survey.append(
                TopMention(survey, None, chosen, survey.results_snapshot.participants)
            )
            ranks = _ranked(counted[survey.pk], topics)
            ranking = [(rank.topic.pk, rank.count) for rank in ranks]
        else:
            ranking = editorial.get(survey.pk, [])
        for position, (topic_id, count) in enumerate(ranking[:TOP_TOPIC_COUNT], 1):
            if topic_id == topic.pk:
                participants = (
                    survey.results_snapshot.participants
                    if survey.pk in counted
                    else survey.reported_participants
                )
                mentions.append(TopMention(survey, position, count, participants))
    if not surveys:
        return TopicInterest(topic, mentions, 0)
    ranked = {mention.survey.pk for mention in mentions}
    return TopicInterest(
        topic,
        mentions,
        surveys[0].interested_municipalities or 0,
        [row for row in per_survey if row.survey.pk not in ranked],
    )


@dataclass
class HomeHighlights:
    open_surveys: list[Survey]
    top_survey: Survey | None
    top_topics: list[TopicRank]

    @property
    def has_data(self):
        return bool(self.open_surveys or self.top_topics)


@compiled
def _open_surveys(now):
    return Survey.objects.published().open(now).order_by("closes_at")[:3]


@compiled
def _latest_results(now):
    """The survey with the latest public results that has something to rank."""
    submitted = Response.objects.filter(survey=OuterRef("pk"), state=SUBMITTED)
    ranked = SurveyTopTopic.objects.filter(survey=OuterRef("pk"))
    return (
        Survey.objects.results_public(now)
        .filter(Exists(submitted) | Exists(ranked))
        .select_related("results_snapshot")
        .defer("results_snapshot__numbers", "results_snapshot__segments")
        .order_by("-closes_at", "pk")[:1]
    )


def home_highlights(*, now=None, topics=None):
    """Open surveys to take part in, and the TOP topics of the latest public results.

    Three queries at most: the TOP topics come from the latest survey's ResultsSnapshot,
    loaded along, and from `topics` (all topics in their order) when the caller has them.
    """
    now = now or timezone.now()
    open_surveys = list(_open_surveys(now))
    top_survey = next(iter(_latest_results(now)), None)
    ranking = []
    if top_survey:
        ranking = top_topics(top_survey, loaded_snapshot(top_survey), topics=topics)
    return HomeHighlights(open_surveys, top_survey, ranking)
