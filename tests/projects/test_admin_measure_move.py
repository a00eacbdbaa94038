"""A measure moved to another model project takes its lessons learned along."""

import pytest

from projects.models import Insight
from tests import factories
from tests.transfer_portal.test_admin_site import form_data

pytestmark = pytest.mark.django_db


def test_a_measure_with_lessons_learned_moves_to_another_project(editor_client):
    old, new = factories.project(), factories.project()
    measure = factories.measure(old)
    edited = factories.insight(old, measure=measure, text="Vorher")
    untouched = factories.insight(old, measure=measure)
    url = f"/admin/projects/measure/{measure.pk}/change/"
    data = form_data(editor_client, url, project=str(new.pk), **{"insights-0-text": "Nachher"})
    assert data["insights-0-id"] == str(edited.pk)
    response = editor_client.post(url, data)
    assert response.status_code == 302, response.context["errors"]
    measure.refresh_from_db()
    assert measure.project == new
    assert measure.project_title == new.title  # its place in the topic pages' order
    moved = Insight.objects.filter(pk__in=[edited.pk, untouched.pk])
    assert {(i.project_id, i.measure_id) for i in moved} == {(new.pk, measure.pk)}
    assert Insight.objects.get(pk=edited.pk).text == "Nachher"


def test_a_lesson_learned_added_on_a_measure_belongs_to_its_project(editor_client):
    project = factories.project()
    measure = factories.measure(project)
    url = f"/admin/projects/measure/{measure.pk}/change/"
    data = form_data(editor_client, url)
    data.update(
        {
            "insights-TOTAL_FORMS": "1",
            "insights-0-kind": Insight.Kind.TIP,
            "insights-0-topic": str(factories.topic().pk),
            "insights-0-text": "Früh beginnen",
        }
    )
    assert editor_client.post(url, data).status_code == 302
    assert Insight.objects.get(text="Früh beginnen").project == project
