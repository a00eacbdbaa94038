"""Measure.project_title, the stored order of a topic's measures, follows its project's
title (projects/search_context.py), and the topic page lists by it."""

import re

import pytest

from projects.models import Measure
from tests import factories

pytestmark = pytest.mark.django_db


def titles(*measures):
    return [Measure.objects.get(pk=m.pk).project_title for m in measures]


def test_a_measure_takes_its_projects_title_and_follows_a_rename():
    project, other = factories.project(title="Altname"), factories.project(title="Andere")
    measure, elsewhere = factories.measure(project), factories.measure(other)
    assert titles(measure, elsewhere) == ["Altname", "Andere"]
    project.title = "Neuer Name"
    project.save()
    assert titles(measure, elsewhere) == ["Neuer Name", "Andere"]


def test_a_measure_moved_to_another_project_takes_its_title():
    first, second = factories.project(title="Erstes"), factories.project(title="Zweites")
    measure = factories.measure(first)
    measure.project = second
    measure.save()
    assert titles(measure) == ["Zweites"]


def test_the_topic_page_lists_measures_by_project_title_after_a_rename(client):
    topic = factories.topic(name="Mobilität")
    beta, alpha = factories.project(title="Beta"), factories.project(title="Alpha")
    factories.measure(beta, topics=[topic], title="B-Maßnahme")
    factories.measure(alpha, topics=[topic], title="A-Maßnahme")

    def listed():
        page = client.get(topic.get_absolute_url()).content.decode()
        return re.findall(r'<h3 class="h5 mt-3">([^<]+)</h3>|([AB]-Maßnahme)', page)

    assert listed() == [("Alpha", ""), ("", "A-Maßnahme"), ("Beta", ""), ("", "B-Maßnahme")]
    beta.title = "Aaa zuerst"
    beta.save()
    assert listed() == [("Aaa zuerst", ""), ("", "B-Maßnahme"), ("Alpha", ""), ("", "A-Maßnahme")]
