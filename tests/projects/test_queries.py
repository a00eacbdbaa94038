"""Query budgets: every page loads what it needs up front, so the count stays fixed."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import factories

pytestmark = pytest.mark.django_db

# URL -> queries for an anonymous visitor. Sessions are not touched by anonymous GETs,
# so these are exactly the queries the page itself makes.
BUDGETS = {
    # projects + their municipalities, newest measures, topics, next dates (1),
    # survey highlights (open surveys, latest public results and its TOP topics: 4)
    "/": 9,
    # form choices (topics, municipalities), page of projects with their total, their
    # municipalities and topics
    "/modellprojekte/": 5,
    # project, municipalities(+district), topics, sources, measures + their topics,
    # insights, related projects
    "/modellprojekte/cottbus/": 8,
    # form choices (topics, projects), page of measures with their total, their topics
    "/massnahmen/": 4,
    # plus the lookups that validate the two filter values
    "/massnahmen/?thema=mobilitaet&projekt=cottbus": 6,
    # measure with project, topics, sources, insights
    "/massnahmen/cottbus-energiemonitoring/": 4,
    # topics with two counts in one query
    "/themen/": 1,
    # topic, projects, measures, insights (4); DABB offers with contacts and their next
    # dates (1, with or without offers); survey interest (3)
    "/themen/mobilitaet/": 8,
    "/themen/partizipation/": 8,
}


def _count(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def _grow_tenfold():
    """Ten times the projects, measures and topics – linked to the pages under test too."""
    from projects.models import Municipality, Topic

    seeded_topics = list(Topic.objects.filter(slug__in=["mobilitaet", "partizipation"]))
    topics = [factories.topic() for _ in range(120)] + seeded_topics
    cottbus = Municipality.objects.get(name="Cottbus")
    for n in range(40):
        project = factories.project(
            topics=[*topics[n % 12 : n % 12 + 3], *seeded_topics], municipalities=[cottbus]
        )
        for m in range(12):
            measure = factories.measure(
                project, topics=[*topics[m % 5 : m % 5 + 2], *seeded_topics]
            )
            factories.insight(project, seeded_topics[m % 2], measure=measure)
            factories.insight(project, topics[m])


@pytest.mark.parametrize("url", BUDGETS)
def test_page_stays_within_its_query_budget_with_ten_times_more_data(client, seeded, url):
    """A fixed budget, and the same count after adding ten times more content."""
    assert _count(client, url) == BUDGETS[url]
    _grow_tenfold()
    assert _count(client, url) == BUDGETS[url]


# Pages whose lists can grow into the thousands, with a budget for a small portal that
# must hold once one project has more entries than its page shows.
LONG_LIST_BUDGETS = {
    # as above; measures and insights are each one capped query with a window total
    "/modellprojekte/cottbus/": 8,
    # form choices (topics, projects), count, page of insights with project, measure, topic
    "/erkenntnisse/": 4,
    "/erkenntnisse/?seite=2": 4,
    # plus the lookups that validate the two filter values
    "/erkenntnisse/?thema=mobilitaet&projekt=cottbus&art=tipp": 6,
}


def _add_to_cottbus(measures, insights):
    from projects.models import Measure, ModelProject, Topic

    cottbus = ModelProject.objects.get(slug="cottbus")
    topics = list(Topic.objects.filter(slug__in=["mobilitaet", "energie-klima"]))
    for _ in range(measures):
        factories.measure(cottbus, topics=topics)
    measure = Measure.objects.filter(project=cottbus).first()
    for n in range(insights):
        factories.insight(cottbus, topics[n % 2], measure=measure if n % 3 else None)


@pytest.mark.parametrize("url", LONG_LIST_BUDGETS)
def test_long_lists_stay_within_their_query_budget_however_long_they_get(client, seeded, url):
    """Capped and paginated lists cost the same few queries for 3 or 300 entries."""
    _add_to_cottbus(measures=0, insights=3)
    assert _count(client, url) == LONG_LIST_BUDGETS[url]
    _grow_tenfold()
    _add_to_cottbus(measures=40, insights=60)
    assert _count(client, url) == LONG_LIST_BUDGETS[url]
