"""Query budgets: every page loads what it needs up front, so the count stays fixed."""

from dataclasses import dataclass

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from projects.views import INSIGHTS_PER_PAGE
from tests import factories

# The tests only read what the module fixture measured; the mark is what makes pytest-django
# set up the test database for it.
pytestmark = pytest.mark.django_db

# The text of the insights added to Cottbus: the newest, so the first page lists them.
COTTBUS_INSIGHT = "Erkenntnis aus Cottbus"

# URL -> (queries for an anonymous visitor, what the page shows). Sessions are not touched
# by anonymous GETs, so these are exactly the queries the page itself makes. What the page
# shows is an entry of its list or its own heading: an error page or an empty list could
# keep within any budget.
BUDGETS = {
    # projects + their municipalities, newest measures, topics, next dates (1),
    # survey highlights (open surveys, latest public results with its snapshot, its TOP
    # topics: 3)
    "/": (8, 'href="/modellprojekte/cottbus/"'),
    # form choices (topics, municipalities), page of projects with their total, their
    # municipalities and topics
    "/modellprojekte/": (5, 'href="/modellprojekte/cottbus/"'),
    # project, municipalities(+district), topics, sources, measures + their topics,
    # insights, related projects
    "/modellprojekte/cottbus/": (8, 'href="/massnahmen/cottbus-verkehrszaehlung/"'),
    # form choices (topics, projects, size classes), page of measures with their total,
    # their topics
    "/massnahmen/": (5, 'href="/massnahmen/cottbus-energiemonitoring/"'),
    # plus the lookups that validate the two filter values
    "/massnahmen/?thema=mobilitaet&projekt=cottbus": (
        7,
        'href="/massnahmen/cottbus-verkehrszaehlung/"',
    ),
    # measure with project, topics, sources, prerequisites and size classes (its profile),
    # insights, adoptions with their municipalities and contacts
    "/massnahmen/cottbus-energiemonitoring/": (
        7,
        'href="/massnahmen/cottbus-energiemonitoring/frage/"',
    ),
    # topics with two counts in one query
    "/themen/": (1, 'href="/themen/daten-infrastruktur/"'),
    # all topics (the page's own and their order for ties), projects, measures, insights
    # (4); DABB offers with contacts and their next dates (1, with or without offers);
    # survey interest (2: surveys with the number of interested municipalities, and the
    # editorial rankings of the 2022 survey; also when counted results tie on a topic)
    "/themen/mobilitaet/": (7, "Thema: Mobilität"),
    "/themen/partizipation/": (7, "Thema: Partizipation"),
    # measures with prerequisites and size classes, measures on the same topics to add
    "/massnahmen/vergleich/?m=cottbus-energiemonitoring&m=cottbus-verkehrszaehlung": (
        4,
        "Energiemonitoring",
    ),
    # the measure as on its page without its lessons (6), DABB offers on its topics
    "/massnahmen/cottbus-energiemonitoring/transferplan/": (7, "Checkliste der Voraussetzungen"),
    # municipality with Landkreis, Amt and the name of its size class, its adoptions
    "/kommunen/cottbus/": (2, "Nachgenutzte Maßnahmen"),
}

# Pages whose lists can grow into the thousands, with a budget for a small portal that
# must hold once one project has more entries than its page shows.
LONG_LIST_BUDGETS = {
    # as above; measures and insights are each one capped query with a window total
    "/modellprojekte/cottbus/": (8, COTTBUS_INSIGHT),
    # form choices (topics, projects), count, page of insights with project, measure, topic
    "/erkenntnisse/": (4, COTTBUS_INSIGHT),
    "/erkenntnisse/?seite=2": (4, "Seite 2 von"),
    # plus the lookups that validate the two filter values
    "/erkenntnisse/?thema=mobilitaet&projekt=cottbus&art=tipp": (6, COTTBUS_INSIGHT),
}


@dataclass(frozen=True)
class Visit:
    status: int
    queries: int
    text: str  # the page with its white space collapsed: a reformatted template still matches


def _visit(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return Visit(response.status_code, len(queries), " ".join(response.content.decode().split()))


def _grow_tenfold():
    """Ten times the projects, measures and topics – linked to the pages under test too."""
    from projects.models import Municipality, Topic
    from projects.topic_counts import counted_once

    with counted_once():  # as content loaded in bulk is counted
        _build_tenfold(Municipality, Topic)


def _build_tenfold(Municipality, Topic):
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
    # Adoptions: of the measure under test by forty municipalities, and by Cottbus of forty
    # measures.
    from projects.models import Adoption, Measure

    measure = Measure.objects.get(slug="cottbus-energiemonitoring")
    for n, other in enumerate(Measure.objects.exclude(pk=measure.pk)[:40]):
        stage = Adoption.Stage.values[n % 4]
        Adoption.objects.create(municipality=factories.municipality(), measure=measure, stage=stage)
        Adoption.objects.create(municipality=cottbus, measure=other, stage=stage)


def _add_to_cottbus(measures, insights):
    from projects.models import Measure, ModelProject, Topic

    cottbus = ModelProject.objects.get(slug="cottbus")
    topics = list(Topic.objects.filter(slug__in=["mobilitaet", "energie-klima"]))
    for _ in range(measures):
        factories.measure(cottbus, topics=topics)
    measure = Measure.objects.filter(project=cottbus).first()
    for n in range(insights):
        factories.insight(
            cottbus, topics[n % 2], measure=measure if n % 3 else None, text=COTTBUS_INSIGHT
        )


@pytest.fixture(scope="module")
def visits(module_transaction):
    """Every page seen on the seeded portal and again with ten times more content; the
    content is built once for all pages, and rolled back afterwards."""
    client = Client()
    with module_transaction():
        call_command("load_initial_content", verbosity=0)
        small = {url: _visit(client, url) for url in BUDGETS}
        # More than one page of insights, so that page 2 is really page 2.
        _add_to_cottbus(measures=0, insights=INSIGHTS_PER_PAGE + 5)
        short_lists = {url: _visit(client, url) for url in LONG_LIST_BUDGETS}
        _grow_tenfold()
        tenfold = {url: _visit(client, url) for url in BUDGETS}
        _add_to_cottbus(measures=40, insights=60)
        long_lists = {url: _visit(client, url) for url in LONG_LIST_BUDGETS}
    return {
        "small": small,
        "short lists": short_lists,
        "tenfold": tenfold,
        "long lists": long_lists,
    }


def _assert_within_budget(visits, stage, url, budget):
    visit, (queries, shows) = visits[stage][url], budget
    assert visit.status == 200, f"{url} ({stage})"
    assert shows in visit.text, f"{url} ({stage})"
    assert visit.queries == queries, f"{url} ({stage})"


@pytest.mark.parametrize("url", BUDGETS)
def test_page_stays_within_its_query_budget_with_ten_times_more_data(visits, url):
    """A fixed budget, and the same count after adding ten times more content."""
    _assert_within_budget(visits, "small", url, BUDGETS[url])
    _assert_within_budget(visits, "tenfold", url, BUDGETS[url])


@pytest.mark.parametrize("url", LONG_LIST_BUDGETS)
def test_long_lists_stay_within_their_query_budget_however_long_they_get(visits, url):
    """Capped and paginated lists cost the same few queries for 25 or 1000 entries."""
    _assert_within_budget(visits, "short lists", url, LONG_LIST_BUDGETS[url])
    _assert_within_budget(visits, "long lists", url, LONG_LIST_BUDGETS[url])


@pytest.mark.parametrize("url", ["/", "/massnahmen/?projekt=cottbus", "/modellprojekte/cottbus/"])
def test_measure_items_load_neither_long_texts_nor_the_whole_project(seeded, url):
    """A list shows a measure's title, status and summary and its project's title (which
    the measure keeps): its rows do not carry the description or the project's texts."""
    with CaptureQueriesContext(connection) as queries:
        response = Client().get(url)
    assert response.status_code == 200
    assert "Cottbus" in response.content.decode()
    measure_rows = [
        q["sql"] for q in queries if q["sql"].startswith('SELECT "projects_measure"."id"')
    ]
    assert measure_rows, url
    for sql in measure_rows:
        selected = sql.split(" FROM ", 1)[0]
        assert '"projects_measure"."description"' not in selected, url
        assert '"projects_modelproject"."description"' not in selected, url
