"""The stored public counts of each topic (TopicCount) stay what counting now would give,
whatever editors do, and the topic pages show them."""

import pytest
from django.db import connection, transaction
from django.db.models import Q
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from projects.models import Insight, Measure, ModelProject, Topic, TopicCount, TopicProject
from projects.topic_counts import counted_once
from tests import factories
from transfer_portal.lib.admin_actions import set_published

pytestmark = pytest.mark.django_db


def counted_now():
    """What the public sees of each topic, counted the long way."""
    result = {}
    for topic in Topic.objects.all():
        # Linked to the topic, or with a published measure on it (issue 19, 5).
        projects = set(
            ModelProject.objects.published()
            .filter(
                Q(topics=topic) | Q(measures__in=Measure.objects.published().filter(topics=topic))
            )
            .values_list("pk", flat=True)
        )
        result[topic.pk] = (
            len(projects),
            Measure.objects.published().filter(topics=topic).count(),
            Insight.objects.published().filter(topic=topic).count(),
            projects,
        )
    return result


def stored():
    """The stored counts, with the stored projects of each topic (TopicProject)."""
    projects = {}
    for topic_id, project_id in TopicProject.objects.values_list("topic_id", "project_id"):
        projects.setdefault(topic_id, set()).add(project_id)
    return {
        row.topic_id: (row.projects, row.measures, row.insights, projects.get(row.topic_id, set()))
        for row in TopicCount.objects.all()
    }


@pytest.fixture
def editor_request():
    request = RequestFactory().post("/admin/")
    request.user = factories.editor()
    return request


STEPS = st.lists(
    st.tuples(
        st.sampled_from(
            [
                "new project",
                "new measure",
                "new insight",
                "withdraw project",
                "publish project",
                "withdraw measure in the list",
                "publish measure in the list",
                "link topic",
                "unlink topic",
                "move insight",
                "delete project",
                "delete measure",
                "delete topic",
                "new topic",
                "move measure",
                "delete lessons of a topic",
                "link from the topic",
                "withdraw insight",
            ]
        ),
        st.integers(0, 10),
    ),
    max_size=12,
)


@settings(
    max_examples=40,
    deadline=None,
    # The editor of the list actions is the same for every example; it counts nowhere.
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(steps=STEPS)
def test_stored_counts_are_what_counting_gives_after_any_changes(steps, editor_request):
    with transaction.atomic():  # one example at a time: rolled back at the end
        topics = [factories.topic(), factories.topic()]
        project = factories.project(topics=topics[:1])
        measure = factories.measure(project, topics=topics)
        factories.insight(project, topics[0], measure=measure)
        for step, n in steps:
            topics = list(Topic.objects.all()) or [factories.topic()]
            projects = list(ModelProject.objects.all()) or [factories.project()]
            measures = list(Measure.objects.all())
            topic = topics[n % len(topics)]
            project = projects[n % len(projects)]
            measure = measures[n % len(measures)] if measures else None
            if step == "new project":
                factories.project(topics=[topic], published=n % 3 != 0)
            elif step == "new measure":
                factories.measure(project, topics=[topic], published=n % 4 != 0)
            elif step == "new insight":
                factories.insight(project, topic, measure=measure if n % 2 else None)
            elif step in ("withdraw project", "publish project"):
                project.published = step == "publish project"
                project.save()
            elif step.endswith("in the list"):
                set_published(editor_request, Measure.objects.all(), step.startswith("publish"))
            elif step == "link topic" and measure:
                measure.topics.add(topic)
            elif step == "unlink topic":
                project.topics.remove(topic)
                if measure:
                    measure.topics.clear()
            elif step == "move insight" and (insight := Insight.objects.first()):
                insight.topic = topic
                insight.save()
            elif step == "delete project":
                project.delete()
            elif step == "delete measure" and measure:
                measure.delete()
            elif step == "delete topic" and (
                unused := Topic.objects.filter(insights__isnull=True).first()  # else protected
            ):
                unused.delete()
            elif step == "new topic":
                factories.topic()
            elif step == "move measure" and measure:
                measure.project = project
                measure.save()
            elif step == "delete lessons of a topic":
                Insight.objects.filter(topic=topic).delete()
            elif step == "link from the topic":
                topic.measures.add(*measures[:2])
                topic.model_projects.add(project)
            elif step == "withdraw insight" and (insight := Insight.objects.last()):
                insight.published = False
                insight.save()
            assert stored() == counted_now(), step
        transaction.set_rollback(True)


def _queries_to_delete_a_project_with(measures):
    topic = factories.topic()
    project = factories.project(topics=[topic])
    for _ in range(measures):
        measure = factories.measure(project, topics=[topic])
        factories.insight(project, topic, measure=measure)
    assert stored()[topic.pk][:3] == (1, measures, measures)
    with CaptureQueriesContext(connection) as queries:
        project.delete()
    assert stored()[topic.pk] == (0, 0, 0, set())
    return len(queries)


def test_deleting_a_project_counts_once_not_for_every_measure_and_lesson():
    """The measures and lessons learned deleted with it send their own signals."""
    assert _queries_to_delete_a_project_with(12) == _queries_to_delete_a_project_with(2)


def test_the_topic_overview_shows_the_public_counts_and_editors_see_drafts_counted(client):
    topic = factories.topic(name="Zählthema", slug="zaehlthema")
    project = factories.project(topics=[topic])
    factories.measure(project, topics=[topic])
    factories.measure(project, topics=[topic], published=False)
    page = client.get("/themen/")
    assert page.status_code == 200
    row = page.text.split("Zählthema", 1)[1].split("</li>", 1)[0]
    assert "1 Modellprojekt" in row and "1 Maßnahme" in row
    client.force_login(factories.editor())
    row = client.get("/themen/").text.split("Zählthema", 1)[1].split("</li>", 1)[0]
    assert "2 Maßnahmen" in row


def test_a_topic_page_takes_its_totals_from_the_stored_counts(client):
    """The totals under the first measures and lessons learned are the stored ones (a
    stale count would show here; counting in the page would not)."""
    topic = factories.topic(name="Großes Thema", slug="grosses-thema")
    project = factories.project(topics=[topic])
    for _ in range(31):
        factories.measure(project, topics=[topic])
    TopicCount.objects.filter(topic=topic).update(measures=99)
    page = client.get("/themen/grosses-thema/")
    assert page.status_code == 200
    assert "Alle 99 Maßnahmen zu diesem Thema" in page.text


def test_a_lesson_learned_that_moves_leaves_its_old_topic_one_fewer():
    old, new = factories.topic(), factories.topic()
    insight = factories.insight(factories.project(), old)
    assert (stored()[old.pk][2], stored()[new.pk][2]) == (1, 0)
    insight.topic = new
    insight.save()
    assert (stored()[old.pk][2], stored()[new.pk][2]) == (0, 1)


def test_content_loaded_in_bulk_is_counted_once_at_the_end():
    topic = factories.topic()
    with counted_once():
        project = factories.project(topics=[topic])
        for _ in range(5):
            factories.measure(project, topics=[topic])
        assert stored()[topic.pk][:3] == (0, 0, 0)  # not yet
    assert stored()[topic.pk][:3] == (1, 5, 0)
