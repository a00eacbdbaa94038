"""Keeps ResponseTopic (which topics each submitted response chose) and the surveys'
ResultsSnapshot in step with the answers.

The rows are derived: `rebuild()` recomputes them for some responses from their answers'
options and their state, and then counts their surveys' results again
(surveys.results.refresh_results). It runs where those change:

- saving a response (post_save of Response): surveys.services saves it after writing its
  answers in bulk, without signals; the admin when it submits one or sets it back to draft;
- any other change of an answer's options (admin, shell, test factories): m2m_changed;
- an option linked to another topic, or deleted: post_save / post_delete of Choice;
- a question deleted (its answers go with it): post_delete of Question.

Deleting a response, survey or topic deletes its rows by CASCADE; a deleted response
refreshes its survey's results (post_delete of Response); a new survey starts with empty
results (post_save of Survey). `manage.py
rebuild_response_topics` recomputes all rows and results, for data written around the ORM
(`QuerySet.update()` of options' topics or responses' states).

PublicTopicInterest (since when a municipality's interest in a topic is public) follows
from these rows and the surveys' schedules: it is recomputed for the municipalities whose
rows a rebuild changed or a deleted response took along, and for all municipalities that
answered a survey whose publishing, results visibility, opening or closing changed (saved,
or the list actions publish and withdraw).
"""

from django.db import connection, transaction
from django.db.models import Min
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete

from surveys.models import (
    Answer,
    Choice,
    PublicTopicInterest,
    Question,
    Response,
    ResponseTopic,
    ResultsSnapshot,
    Survey,
    results_public_from,
)
from surveys.results import refresh_all_results, refresh_results
from transfer_portal.lib.admin_actions import published_changed

# The advisory lock of refresh_interest(): any 64-bit number no other part of the portal uses.
INTEREST_LOCK_KEY = 7_310_012


def rebuild(response_ids, *, refresh=True):
    """Recompute the rows of these responses (three queries, however many there are), and
    the results of their surveys (unless the caller counts them itself: refresh=False)."""
    response_ids = list(response_ids)
    if not response_ids:
        return
    responses = Response.objects.filter(pk__in=response_ids)
    survey_ids, municipality_ids = set(), set()
    for survey_id, municipality_id in responses.values_list("survey_id", "municipality_id"):
        survey_ids.add(survey_id)
        municipality_ids.add(municipality_id)
    old = ResponseTopic.objects.filter(response_id__in=response_ids)
    # A response moved to another municipality: the one it leaves counts again too.
    municipality_ids.update(old.values_list("municipality_id", flat=True).distinct())
    old.delete()
    rows = (
        Answer.choices.through.objects.filter(
            answer__response_id__in=response_ids,
            answer__response__state=Response.State.SUBMITTED,
            choice__topic__isnull=False,
        )
        .values_list(
            "answer__response_id",
            "answer__response__survey_id",
            "answer__response__municipality_id",
            "choice__topic_id",
        )
        .distinct()
    )
    ResponseTopic.objects.bulk_create(
        # ignore_conflicts: a concurrent rebuild of the same response may insert first.
        (
            ResponseTopic(
                response_id=response,
                survey_id=survey,
                municipality_id=municipality,
                topic_id=topic,
            )
            for response, survey, municipality, topic in rows
        ),
        ignore_conflicts=True,
    )
    if refresh:
        refresh_results(survey_ids)
        refresh_interest(municipality_ids)


def rebuild_all(batch=2000):
    """Recompute all rows, then the results of every survey once (also of surveys nobody
    has answered) and the public interest; a survey's responses may span several batches."""
    ids = list(Response.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), batch):
        rebuild(ids[start : start + batch], refresh=False)
    refresh_all_results()
    refresh_interest()
    return len(ids)


def refresh_interest(municipality_ids=None):
    """Recompute PublicTopicInterest of these municipalities (None: of all) from their
    ResponseTopic rows and the surveys' schedules: a few queries, however many rows.

    Refreshes take turns (on PostgreSQL a transaction-level advisory lock; SQLite writes one
    transaction at a time anyway): two responses of one municipality submitted at once
    would otherwise both insert its rows. Callers have locked their survey's row first, if
    any (refresh_results, or the survey's own update), never the other way round."""
    if municipality_ids is not None:
        municipality_ids = set(municipality_ids)
        if not municipality_ids:
            return
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [INTEREST_LOCK_KEY])
        stored = PublicTopicInterest.objects.all()
        links = ResponseTopic.objects.order_by()
        if municipality_ids is not None:
            stored = stored.filter(municipality_id__in=municipality_ids)
            links = links.filter(municipality_id__in=municipality_ids)
        stored.delete()
        since = (
            links.values("topic_id", "municipality_id")
            .annotate(public_from=Min(results_public_from("survey__")))
            .filter(public_from__isnull=False)
            .values_list("topic_id", "municipality_id", "public_from")
        )
        PublicTopicInterest.objects.bulk_create(
            PublicTopicInterest(topic_id=topic, municipality_id=municipality, public_from=moment)
            for topic, municipality, moment in since
        )


def _answering(survey_ids):
    """The municipalities with rows in these surveys."""
    rows = ResponseTopic.objects.filter(survey__in=survey_ids).order_by()
    return set(rows.values_list("municipality_id", flat=True).distinct())


def _responses_choosing(choice_id):
    return Answer.objects.filter(choices=choice_id).values_list("response_id", flat=True)


def _answer_options_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if not reverse:  # answer.choices.add(…), .remove(…), .clear(), .set(…)
        if action in ("post_add", "post_remove", "post_clear"):
            rebuild([instance.response_id])
    elif action == "pre_clear":  # choice.answers.clear(): note whose answers lose it
        instance.affected_responses = set(_responses_choosing(instance.pk))
    elif action == "post_clear":
        rebuild(getattr(instance, "affected_responses", ()))
    elif action in ("post_add", "post_remove"):  # choice.answers.add(…), .remove(…)
        rebuild(set(Answer.objects.filter(pk__in=pk_set).values_list("response_id", flat=True)))


def _choice_saved(sender, instance, created, raw=False, **kwargs):
    if raw or created:
        return  # loading fixtures, or a new option that nobody has chosen yet
    # Choice.from_db() notes the stored topic; an instance made otherwise counts as changed.
    if instance.topic_id != getattr(instance, "stored_topic_id", ...):
        rebuild(set(_responses_choosing(instance.pk)))
    instance.stored_topic_id = instance.topic_id


def _response_saved(sender, instance, created, raw=False, update_fields=None, **kwargs):
    # A new response has no answers yet; fixtures are loaded without (then run the command).
    if created or raw:
        return
    if update_fields is not None and not {"state", "survey"} & set(update_fields):
        return
    # Whether state or survey changed cannot be told from the instance (another copy may
    # have been saved in between), and surveys.services relies on it: always three queries.
    rebuild([instance.pk])


def _survey_saved(sender, instance, created, raw=False, **kwargs):
    if created and not raw:  # nobody has answered yet: the results are known
        ResultsSnapshot.objects.get_or_create(
            survey=instance,
            defaults={"numbers": {"choices": {}, "questions": {}, "assessment": {}}},
        )
    elif not raw and instance.schedule_changed():
        refresh_interest(_answering([instance.pk]))
    instance.stored_schedule = instance.schedule()


def _surveys_published_changed(sender, objects, **kwargs):
    # The list actions publish and withdraw: one UPDATE, no post_save.
    refresh_interest(_answering([survey.pk for survey in objects]))


def _response_deleted(sender, instance, **kwargs):
    # Only an existing snapshot: the survey may be being deleted along with its responses.
    refresh_results([instance.survey_id], create=False)
    refresh_interest([instance.municipality_id])  # its rows went with it


def _choice_deleting(sender, instance, **kwargs):
    if instance.topic_id is not None:
        instance.affected_responses = set(_responses_choosing(instance.pk))


def _choice_deleted(sender, instance, **kwargs):
    rebuild(getattr(instance, "affected_responses", ()))


def _question_deleting(sender, instance, **kwargs):
    instance.affected_responses = set(instance.answers.values_list("response_id", flat=True))


def _question_deleted(sender, instance, **kwargs):
    rebuild(getattr(instance, "affected_responses", ()))


def connect_signals():
    m2m_changed.connect(
        _answer_options_changed,
        sender=Answer.choices.through,
        dispatch_uid="response-topics-answer-options",
    )
    post_save.connect(_response_saved, sender=Response, dispatch_uid="response-topics-response")
    post_save.connect(_survey_saved, sender=Survey, dispatch_uid="results-survey-created")
    published_changed.connect(
        _surveys_published_changed, sender=Survey, dispatch_uid="interest-survey-published"
    )
    post_delete.connect(
        _response_deleted, sender=Response, dispatch_uid="response-topics-response-deleted"
    )
    post_save.connect(_choice_saved, sender=Choice, dispatch_uid="response-topics-choice-saved")
    pre_delete.connect(
        _choice_deleting, sender=Choice, dispatch_uid="response-topics-choice-deleting"
    )
    post_delete.connect(
        _choice_deleted, sender=Choice, dispatch_uid="response-topics-choice-deleted"
    )
    pre_delete.connect(
        _question_deleting, sender=Question, dispatch_uid="response-topics-question-deleting"
    )
    post_delete.connect(
        _question_deleted, sender=Question, dispatch_uid="response-topics-question-deleted"
    )
