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
"""

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete

from surveys.models import (
    Answer,
    Choice,
    Question,
    Response,
    ResponseTopic,
    ResultsSnapshot,
    Survey,
)
from surveys.results import refresh_all_results, refresh_results


def rebuild(response_ids, *, refresh=True):
    """Recompute the rows of these responses (three queries, however many there are), and
    the results of their surveys (unless the caller counts them itself: refresh=False)."""
    response_ids = list(response_ids)
    if not response_ids:
        return
    survey_ids = set(
        Response.objects.filter(pk__in=response_ids).values_list("survey_id", flat=True)
    )
    ResponseTopic.objects.filter(response_id__in=response_ids).delete()
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


def rebuild_all(batch=2000):
    """Recompute all rows, then the results of every survey once (also of surveys nobody
    has answered); a survey's responses may span several batches."""
    ids = list(Response.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), batch):
        rebuild(ids[start : start + batch], refresh=False)
    refresh_all_results()
    return len(ids)


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


def _response_deleted(sender, instance, **kwargs):
    # Only an existing snapshot: the survey may be being deleted along with its responses.
    refresh_results([instance.survey_id], create=False)


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
