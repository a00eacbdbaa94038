"""Keeps TopicCount current: after every change that could alter what the public sees of a
topic, the topics it touches are counted again, in the same transaction.

What a change touches: a lesson learned its topic (and the one it had before); a measure
its topics and those of its lessons learned; a project its topics and those of its
measures and lessons learned, which its publishing or withdrawal shows or hides with it.

Changes to what is counted take one lock first, before they write anything (on PostgreSQL
a transaction-level advisory lock; SQLite writes one transaction at a time anyway): so of
two editors' changes the second counts after the first has committed and cannot store an
older count last, and no transaction waits for another while holding what that one needs
(locking topic rows instead deadlocked with every insert that points at a topic).
"""

import threading
from contextlib import contextmanager

from django.db import connection, transaction
from django.db.models import Count, QuerySet
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save

from projects.models import Insight, Measure, ModelProject, Topic, TopicCount, TopicProject
from transfer_portal.lib.admin_actions import published_changed, publishing

ProjectTopics = ModelProject.topics.through
MeasureTopics = Measure.topics.through
# The advisory lock's number: any 64-bit number no other part of the portal uses.
LOCK_KEY = 7_310_011


def lock():
    """Wait until no other transaction is changing what topics count; held to the end of
    this transaction (outside one, only for this statement: the count after it locks again).
    Asking again in the same transaction returns at once."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])


_deferred = threading.local()


@contextmanager
def counted_once():
    """Changes made inside count their topics once, at the end – for loading content in
    bulk, where counting after each object would count the same topics hundreds of times."""
    if getattr(_deferred, "topics", None) is not None:  # inside another: that one counts
        yield
        return
    _deferred.topics = set()
    try:
        yield
    except BaseException:
        _deferred.topics = None  # rolled back with the caller's transaction
        raise
    topics, _deferred.topics = _deferred.topics, None
    refresh(topics)


def refresh(topic_ids=None):
    """Count the given topics (None: all) again and store their counts."""
    if topic_ids is not None and not topic_ids:
        return
    if (waiting := getattr(_deferred, "topics", None)) is not None:
        waiting.update(
            Topic.objects.values_list("pk", flat=True) if topic_ids is None else topic_ids
        )
        return
    with transaction.atomic():
        lock()
        topics = Topic.objects.order_by("pk")
        if topic_ids is not None:
            topics = topics.filter(pk__in=topic_ids)
        topic_ids = list(topics.values_list("pk", flat=True))
        pairs = project_pairs(topic_ids, published=True)
        projects = _projects_per_topic(pairs)
        TopicProject.objects.filter(topic_id__in=topic_ids).delete()
        TopicProject.objects.bulk_create(
            TopicProject(topic_id=topic_id, project_id=project_id) for topic_id, project_id in pairs
        )
        measures = _per_topic(
            MeasureTopics.objects.filter(measure__published=True, measure__project__published=True),
            topic_ids,
        )
        insights = _per_topic(Insight.objects.published(), topic_ids)
        TopicCount.objects.bulk_create(
            [
                TopicCount(
                    topic_id=pk,
                    projects=projects.get(pk, 0),
                    measures=measures.get(pk, 0),
                    insights=insights.get(pk, 0),
                )
                for pk in topic_ids
            ],
            update_conflicts=True,
            unique_fields=["topic"],
            update_fields=["projects", "measures", "insights"],
        )


def projects_per_topic(topic_ids=None, *, published):
    """{topic id: number of projects} of the projects linked to a topic or with a measure on
    it (only published ones, or drafts too), each project once per topic."""
    return _projects_per_topic(project_pairs(topic_ids, published=published))


def _projects_per_topic(pairs):
    counts = {}
    for topic_id, _project_id in pairs:
        counts[topic_id] = counts.get(topic_id, 0) + 1
    return counts


def project_pairs(topic_ids=None, *, published):
    """{(topic id, project id)} of the projects linked to a topic or with a measure on it
    (only published ones, or drafts too)."""
    linked = ProjectTopics.objects.values_list("topic_id", "modelproject_id")
    through_measures = MeasureTopics.objects.values_list("topic_id", "measure__project_id")
    if published:
        linked = linked.filter(modelproject__published=True)
        through_measures = through_measures.filter(
            measure__published=True, measure__project__published=True
        )
    if topic_ids is not None:
        linked = linked.filter(topic_id__in=topic_ids)
        through_measures = through_measures.filter(topic_id__in=topic_ids)
    return set(linked.order_by().union(through_measures.order_by()))


def _per_topic(rows, topic_ids):
    grouped = rows.filter(topic_id__in=topic_ids).order_by().values("topic_id")
    return dict(grouped.annotate(n=Count("pk")).values_list("topic_id", "n"))


def touched_topics(model, pks):
    """The topics whose counts objects of `model` take part in."""
    pks = list(pks)
    if model is Topic:
        return set(pks)
    if model is ModelProject:
        linked = ProjectTopics.objects.filter(modelproject__in=pks)
        measures = MeasureTopics.objects.filter(measure__project__in=pks)
        insights = Insight.objects.filter(project__in=pks)
    elif model is Measure:
        linked = ProjectTopics.objects.none()
        measures = MeasureTopics.objects.filter(measure__in=pks)
        insights = Insight.objects.filter(measure__in=pks)
    else:
        return set(Insight.objects.filter(pk__in=pks).values_list("topic_id", flat=True))
    union = (
        linked.order_by()
        .values_list("topic_id")
        .union(
            measures.order_by().values_list("topic_id"), insights.order_by().values_list("topic_id")
        )
    )
    return {topic_id for (topic_id,) in union}


def _before_change(sender, **kwargs):
    lock()


def _insight_before_save(sender, instance, **kwargs):
    lock()
    # A lesson learned that moves to another topic leaves its old topic one fewer.
    if instance.pk is not None and not instance._state.adding:
        instance._counted_topic = (
            Insight.objects.filter(pk=instance.pk).values_list("topic_id", flat=True).first()
        )


def _saved(sender, instance, **kwargs):
    topics = touched_topics(sender, [instance.pk])
    if (old := instance.__dict__.pop("_counted_topic", None)) is not None:
        topics.add(old)
    refresh(topics)


def _started_here(sender, instance, origin):
    """Deleting a project deletes its measures and lessons learned with it, each with its
    own signals: count once, for the object the deletion started from (`origin`). Taken
    along by anything else, each object counts for itself."""
    if isinstance(origin, QuerySet):
        return sender is origin.model
    return origin is None or instance is origin or type(origin) not in COUNTED


def _before_delete(sender, instance, origin=None, **kwargs):
    # Django sends every pre_delete of a deletion before it deletes any row: locking at the
    # object it started from is in time, and saves a lock query per object taken along.
    if _started_here(sender, instance, origin):
        lock()
        instance._counted_topics = touched_topics(sender, [instance.pk])  # gone afterwards


def _deleted(sender, instance, origin=None, **kwargs):
    if _started_here(sender, instance, origin):
        refresh(instance.__dict__.pop("_counted_topics", set()))


def _links_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action.startswith("pre_"):
        lock()
    if reverse:  # topic.measures.add(…) and the like: only this topic
        if action in ("post_add", "post_remove", "post_clear"):
            refresh([instance.pk])
    elif action == "pre_clear":
        instance._counted_topics = set(instance.topics.values_list("pk", flat=True))
    elif action == "post_clear":
        refresh(instance.__dict__.pop("_counted_topics", set()))
    elif action in ("post_add", "post_remove"):
        refresh(pk_set)


def _published_changed(sender, objects, **kwargs):
    refresh(touched_topics(sender, [obj.pk for obj in objects]))


COUNTED = (Topic, ModelProject, Measure, Insight)


def connect_signals():
    for model in COUNTED:
        uid = f"topic-counts-{model.__name__}"
        if model is not Insight:
            pre_save.connect(_before_change, sender=model, dispatch_uid=uid)
        post_save.connect(_saved, sender=model, dispatch_uid=uid)
        pre_delete.connect(_before_delete, sender=model, dispatch_uid=uid)
        post_delete.connect(_deleted, sender=model, dispatch_uid=uid)
    pre_save.connect(_insight_before_save, sender=Insight, dispatch_uid="topic-counts")
    for links in (ProjectTopics, MeasureTopics):
        m2m_changed.connect(_links_changed, sender=links, dispatch_uid="topic-counts")
    for model in (ModelProject, Measure, Insight):
        publishing.connect(_before_change, sender=model, dispatch_uid="topic-counts")
        published_changed.connect(_published_changed, sender=model, dispatch_uid="topic-counts")
