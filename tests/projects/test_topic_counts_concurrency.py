"""Editors changing the same topics at the same moment: no deadlock, and the stored counts
are what counting gives afterwards (PostgreSQL; SQLite writes one transaction at a time)."""

import pytest
from django.db import transaction

from projects.models import Topic
from tests import factories
from tests.projects.test_topic_counts import counted_now, stored
from tests.threads import run_at_once

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("postgres_only")]


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

    def change(n):
        with transaction.atomic():
            work(n)()

    assert [r for r in run_at_once(6, change) if isinstance(r, Exception)] == []
    assert stored() == counted_now()
    assert stored()[first.pk][:3] == (6, 6, 6)
    assert Topic.objects.count() >= 2
