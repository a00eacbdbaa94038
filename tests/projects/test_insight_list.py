"""The list of all lessons learned: filters, pagination, bad input and drafts."""

import pytest
from django.test import Client

from projects.models import Insight
from tests import factories

pytestmark = pytest.mark.django_db


def _texts(response):
    return {insight.text for insight in response.context["listing"]["page"].object_list}


@pytest.fixture
def insights(db):
    """Two projects, two topics, one insight per combination, kinds alternating."""
    mobility = factories.topic(slug="verkehr")
    energy = factories.topic(slug="energie")
    alpha = factories.project(slug="alpha", title="Projekt Alpha")
    beta = factories.project(slug="beta")
    measure = factories.measure(alpha, title="Bürgerbus")
    return {
        "alpha-verkehr": factories.insight(
            alpha, mobility, measure=measure, kind=Insight.Kind.PITFALL, text="alpha-verkehr"
        ),
        "alpha-energie": factories.insight(alpha, energy, text="alpha-energie"),
        "beta-verkehr": factories.insight(beta, mobility, text="beta-verkehr"),
        "beta-energie": factories.insight(
            beta, energy, kind=Insight.Kind.SUCCESS_FACTOR, text="beta-energie"
        ),
    }


def test_list_shows_kind_topic_origin_and_text_newest_first(client, insights):
    response = client.get("/erkenntnisse/")
    assert response.status_code == 200
    assert [i.text for i in response.context["listing"]["page"].object_list] == [
        "beta-energie",
        "beta-verkehr",
        "alpha-energie",
        "alpha-verkehr",
    ]
    html = response.content.decode()
    assert "<title>Erkenntnisse" in html
    assert "4 Erkenntnisse" in html
    assert "<strong>Stolperstein</strong>" in html
    assert 'href="/themen/verkehr/"' in html
    assert '<a href="/massnahmen/' in html and "Bürgerbus</a>" in html
    assert '<a href="/modellprojekte/alpha/">Projekt Alpha</a>' in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"thema": "verkehr"}, {"alpha-verkehr", "beta-verkehr"}),
        ({"projekt": "alpha"}, {"alpha-verkehr", "alpha-energie"}),
        ({"art": "erfolgsfaktor"}, {"beta-energie"}),
        ({"thema": "energie", "projekt": "alpha"}, {"alpha-energie"}),
        ({"thema": "verkehr", "art": "erfolgsfaktor"}, set()),
    ],
)
def test_each_filter_narrows_the_list(client, insights, query, expected):
    response = client.get("/erkenntnisse/", query)
    assert response.status_code == 200
    assert _texts(response) == expected


def test_a_filter_without_results_says_so(client, insights):
    html = client.get("/erkenntnisse/", {"art": "stolperstein", "projekt": "beta"}).content.decode()
    assert "Keine Erkenntnis passt zu diesem Filter." in html


def test_empty_portal_says_that_nothing_is_published_yet(client, db):
    html = client.get("/erkenntnisse/").content.decode()
    assert "Es sind noch keine Erkenntnisse der Modellprojekte veröffentlicht." in html


@pytest.mark.parametrize(
    "query",
    [
        {"thema": "gibt-es-nicht"},
        {"projekt": "<script>alert(1)</script>"},
        {"art": "'; DROP TABLE projects_insight; --"},
    ],
)
def test_unknown_filter_values_give_a_clear_400_not_an_error(client, insights, query):
    response = client.get("/erkenntnisse/", query)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Diesen Filterwert gibt es nicht (mehr)" in html
    assert "<script>alert(1)</script>" not in html
    assert _texts(response) == set()
    assert Insight.objects.count() == 4


def test_unpublished_project_is_not_a_valid_filter_for_the_public(editor_client, db):
    draft = factories.project(published=False, slug="entwurf")
    factories.insight(draft, text="Aus dem Entwurf")
    assert Client().get("/erkenntnisse/", {"projekt": "entwurf"}).status_code == 400
    # Editors reach this list from the draft project's page.
    response = editor_client.get("/erkenntnisse/", {"projekt": "entwurf"})
    assert response.status_code == 200
    assert _texts(response) == {"Aus dem Entwurf"}


def test_pages_of_twenty_keep_the_filters_in_their_links(client, db):
    topic = factories.topic(slug="verkehr")
    project = factories.project()
    for n in range(25):
        factories.insight(project, topic, text=f"Erkenntnis {n:02}")
    factories.insight(project, text="Anderes Thema")

    response = client.get("/erkenntnisse/", {"thema": "verkehr"})
    assert response.context["listing"]["page"].paginator.count == 25
    assert len(response.context["listing"]["page"].object_list) == 20
    assert "Erkenntnis 24" in _texts(response)
    assert "thema=verkehr&amp;seite=2" in response.content.decode()

    second = client.get("/erkenntnisse/", {"thema": "verkehr", "seite": 2})
    assert _texts(second) == {f"Erkenntnis {n:02}" for n in range(5)}


@pytest.mark.parametrize("number", ["9999", "abc", "-1"])
def test_page_number_out_of_range_or_not_a_number_still_shows_a_page(client, insights, number):
    response = client.get("/erkenntnisse/", {"seite": number})
    assert response.status_code == 200
    assert len(response.context["listing"]["page"].object_list) == 4


class TestDrafts:
    @pytest.fixture
    def drafts(self, db):
        topic = factories.topic()
        public_project = factories.project()
        draft_measure = factories.measure(public_project, published=False)
        return {
            "public": factories.insight(public_project, topic, text="Öffentlich"),
            "draft": factories.insight(public_project, topic, published=False, text="Entwurf"),
            "of_draft_project": factories.insight(
                factories.project(published=False), topic, text="Aus Projektentwurf"
            ),
            "of_draft_measure": factories.insight(
                public_project, topic, measure=draft_measure, text="Aus Maßnahmenentwurf"
            ),
        }

    def test_anonymous_visitors_see_only_published_lessons_learned(self, client, drafts):
        response = client.get("/erkenntnisse/")
        assert _texts(response) == {"Öffentlich"}
        assert "Entwurf</span>" not in response.content.decode()

    def test_logged_in_members_see_only_published_lessons_learned(self, member_client, drafts):
        assert _texts(member_client.get("/erkenntnisse/")) == {"Öffentlich"}

    def test_editors_see_drafts_with_a_badge(self, editor_client, drafts):
        response = editor_client.get("/erkenntnisse/")
        assert _texts(response) == {insight.text for insight in drafts.values()}
        html = response.content.decode()
        assert '<span class="badge text-bg-warning">Entwurf</span>' in html
