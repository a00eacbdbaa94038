"""Editors changing the same topics at the same moment: no deadlock, and the stored counts
are what counting gives afterwards (PostgreSQL; SQLite writes one transaction at a time)."""

import threading

import pytest
from django.db import connection, transaction

from projects.models import Topic
from tests import factories
from tests.projects.test_topic_counts import counted_now, stored

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("postgres_only")]


def _at_once(works):
    barrier = threading.Barrier(len(works))
    errors = []

    def run(work):
        try:
            barrier.wait()
            with transaction.atomic():
                work()
        except Exception as error:  # noqa: BLE001 - the test reports every failure
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(work,)) for work in works]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


def test_editors_adding_lessons_and_links_at_once_neither_deadlock_nor_miscount():
    """Each transaction first inserts rows that point at both topics, then counts: locking
    the topic rows for the count deadlocked here."""
    first, second = factories.topic(), factories.topic()
    projects = [factories.project(topics=[]) for _ in range(6)]

    def work(n):
        project = projects[n]
        topics = [first, second] if n % 2 else [second, first]

        def change():
            for topic in topics:
                factories.insight(project, topic)
            project.topics.add(*topics)
            factories.measure(project, topics=topics[::-1])

        return change

    assert _at_once([work(n) for n in range(6)]) == []
    assert stored() == counted_now()
    assert stored()[first.pk] == (6, 6, 6)
    assert Topic.objects.count() >= 2
