"""The knowledge base pages: content, visibility of drafts, filters and bad input."""

import pytest
from django.test import Client
from django.urls import reverse

from projects.models import Measure, ModelProject
from tests import factories

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = [
    "/",
    "/modellprojekte/",
    "/modellprojekte/cottbus/",
    "/modellprojekte/bad-belzig-wiesenburg-mark/",
    "/modellprojekte/potsdam/",
    "/modellprojekte/guben/",
    "/massnahmen/",
    "/massnahmen/?thema=mobilitaet&projekt=cottbus",
    "/massnahmen/cottbus-energiemonitoring/",
    "/erkenntnisse/",
    "/erkenntnisse/?thema=mobilitaet&projekt=cottbus&art=tipp",
    "/themen/",
    "/themen/partizipation/",
    "/themen/mobilitaet/",
    "/impressum/",
    "/datenschutz/",
    "/barrierefreiheit/",
]


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_every_page_renders_in_german_for_an_anonymous_visitor(client, seeded, url):
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="de">' in html
    assert "Zum Inhalt springen" in html
    assert "Zurück an den Seitenanfang" in html


def test_home_shows_the_four_model_projects_and_the_topics(client, seeded):
    html = client.get("/").content.decode()
    for title in ["Cottbus/Chóśebuz", "Potsdam", "Guben", "Zukunftsschusterei"]:
        assert title in html
    assert 'href="/themen/partizipation/"' in html


def test_project_page_shows_facts_sources_and_measures_grouped_by_topic(client, seeded):
    response = client.get("/modellprojekte/cottbus/")
    html = response.content.decode()
    assert "2019" in html
    assert "Agenda „Digitale Stadt Cottbus“" in html
    assert "geprüft am 28. November 2026" in html  # not 11/28/2026 in English
    measure_groups = response.context["content"]["measure_groups"]
    groups = {topic.slug: [m.title for m in items] for topic, items in measure_groups}
    assert "Verkehrszählung" in groups["mobilitaet"]
    assert "Verkehrszählung" in groups["daten-infrastruktur"]


def test_joint_project_lists_both_municipalities_with_their_district(client, seeded):
    html = client.get("/modellprojekte/bad-belzig-wiesenburg-mark/").content.decode()
    assert "Bad Belzig (Landkreis Potsdam-Mittelmark)" in html
    assert "Wiesenburg/Mark (Landkreis Potsdam-Mittelmark)" in html


def test_project_without_measures_or_contact_reads_well(client, seeded):
    html = client.get("/modellprojekte/guben/").content.decode()
    assert "Zu diesem Modellprojekt sind noch keine Maßnahmen erfasst." in html
    assert "noch keine Ansprechperson erfasst" in html


def test_related_projects_share_topics_and_exclude_the_project_itself(client, db):
    mobility, energy, other = factories.topic(), factories.topic(), factories.topic()
    project = factories.project(topics=[mobility, energy])
    close = factories.project(topics=[mobility, energy])
    far = factories.project(topics=[mobility])
    factories.project(topics=[other])
    related = list(client.get(project.get_absolute_url()).context["content"]["related_projects"])
    assert related == [close, far]
    assert related[0].shared_topics == 2


def test_measure_filters_combine_and_stay_in_the_pagination_links(client, db):
    topic = factories.topic(slug="verkehr")
    project = factories.project(slug="alpha")
    for n in range(25):
        factories.measure(project, topics=[topic], title=f"M {n:02}", status=Measure.Status.PLANNED)
    factories.measure(project, topics=[topic], status=Measure.Status.COMPLETED)
    factories.measure(factories.project(), topics=[topic], status=Measure.Status.PLANNED)

    response = client.get(
        "/massnahmen/", {"thema": "verkehr", "projekt": "alpha", "status": "geplant"}
    )
    assert response.context["listing"]["page"].paginator.count == 25
    assert len(response.context["listing"]["page"].object_list) == 20
    assert (
        "thema=verkehr&amp;projekt=alpha&amp;status=geplant&amp;seite=2"
        in response.content.decode()
    )
    second = client.get(
        "/massnahmen/", {"thema": "verkehr", "projekt": "alpha", "status": "geplant", "seite": 2}
    )
    assert len(second.context["listing"]["page"].object_list) == 5


@pytest.mark.parametrize(
    "query",
    [
        {"thema": "gibt-es-nicht"},
        {"projekt": "<script>alert(1)</script>"},
        {"status": "'; DROP TABLE projects_measure; --"},
    ],
)
def test_unknown_filter_values_give_a_clear_400_not_an_error(client, seeded, query):
    response = client.get("/massnahmen/", query)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Diesen Filterwert gibt es nicht (mehr)" in html
    assert "<script>alert(1)</script>" not in html
    assert Measure.objects.count() > 0


def test_unknown_project_filter_gives_400(client, seeded):
    assert client.get("/modellprojekte/", {"kommune": "atlantis"}).status_code == 400


def test_page_number_out_of_range_shows_the_last_page(client, seeded):
    response = client.get("/massnahmen/", {"seite": "9999"})
    assert response.status_code == 200
    assert client.get("/massnahmen/", {"seite": "abc"}).status_code == 200


def test_project_filter_by_topic_and_municipality(client, seeded):
    def shown(**filters):
        page = client.get("/modellprojekte/", filters).context["listing"]["page"]
        return {project.slug for project in page.object_list}

    assert shown(thema="sicherheit") == {"guben"}
    assert shown(kommune="wiesenburgmark") == {"bad-belzig-wiesenburg-mark"}


def test_project_list_is_paged_and_keeps_the_filter(client, db):
    topic = factories.topic(slug="daten")
    for n in range(23):
        factories.project(title=f"Projekt {n:02}", topics=[topic])
    first = client.get("/modellprojekte/", {"thema": "daten"})
    assert len(first.context["listing"]["page"].object_list) == 20
    assert "?thema=daten&amp;seite=2" in first.content.decode()
    second = client.get("/modellprojekte/", {"thema": "daten", "seite": "2"})
    assert [p.title for p in second.context["listing"]["page"].object_list] == [
        "Projekt 20",
        "Projekt 21",
        "Projekt 22",
    ]


def test_topic_page_lists_projects_measures_and_insights_on_the_topic(client, db):
    topic = factories.topic()
    project = factories.project(topics=[topic])
    measure = factories.measure(project, topics=[topic])
    insight = factories.insight(project, topic, text="Früh mit der Kämmerei sprechen.")
    off_topic = factories.measure(project)
    response = client.get(topic.get_absolute_url())
    html = response.content.decode()
    assert project.title in html
    assert measure.title in html
    assert insight.text in html
    assert off_topic.title not in html


def test_a_project_with_a_measure_on_the_topic_is_listed_as_working_on_it(client, db):
    """Issue 19, 5: "Partizipation" said no model project works on it while a Cottbus
    measure on it was listed below."""
    topic = factories.topic()
    project = factories.project(title="Projekt mit einer Maßnahme")
    measure = factories.measure(project, topics=[topic])
    factories.measure(factories.project(title="Projekt ohne das Thema"))
    factories.measure(
        factories.project(title="Projekt mit einem Entwurf"), topics=[topic], published=False
    )
    linked = factories.project(title="Projekt mit dem Schwerpunkt", topics=[topic])
    response = client.get(topic.get_absolute_url())
    content = response.context["content"]
    assert [p.title for p in content["projects"]] == [linked.title]  # as a card
    assert [p.title for p in content["projects_with_measures"]] == [project.title]
    html = " ".join(response.content.decode().split())
    assert measure.title in html
    link = f'<a href="{project.get_absolute_url()}"'
    assert f"Weitere Modellprojekte mit Maßnahmen zu diesem Thema: {link}" in html
    assert "Diesem Thema ist noch kein Modellprojekt zugeordnet." not in html
    counted = next(t for t in client.get("/themen/").context["topics"] if t.pk == topic.pk)
    assert counted.project_count == 2
    empty = client.get(factories.topic().get_absolute_url()).content.decode()
    assert "Diesem Thema ist noch kein Modellprojekt zugeordnet." in empty


def test_editors_see_projects_with_draft_measures_on_the_topic(editor_client, db):
    topic = factories.topic()
    project = factories.project(title="Projekt mit einem Entwurf")
    factories.measure(project, topics=[topic], published=False)
    response = editor_client.get(topic.get_absolute_url())
    assert [p.title for p in response.context["content"]["projects_with_measures"]] == [
        project.title
    ]
    counted = next(t for t in editor_client.get("/themen/").context["topics"] if t.pk == topic.pk)
    assert counted.project_count == 1


def test_topic_page_links_to_all_its_lessons_learned_when_it_shows_only_the_newest(client, db):
    topic = factories.topic(slug="verkehr")
    project = factories.project()
    for _ in range(12):
        factories.insight(project, topic)
    link = '<a href="/erkenntnisse/?thema=verkehr">'
    assert link not in client.get(topic.get_absolute_url()).content.decode()

    factories.insight(project, topic)
    html = client.get(topic.get_absolute_url()).content.decode()
    assert "Die 12 neuesten von 13 Erkenntnissen zu diesem Thema." in html
    assert f"{link}Alle 13 Erkenntnisse zu diesem Thema</a>" in html


def test_topic_page_shows_six_offers_with_their_next_date_and_links_to_all(client, db):
    from tests.offers import factories as offer_factories

    topic = factories.topic(slug="verkehr", name="Verkehr")
    offers = [offer_factories.offer(topics=[topic], title=f"Angebot {n}") for n in range(6)]
    later = offer_factories.event_date(offers[0], days=30, title="Späterer Termin")
    sooner = offer_factories.event_date(offers[0], days=5, title="Nächster Termin")
    link = '<a href="/angebote/?thema=verkehr">'
    html = client.get(topic.get_absolute_url()).content.decode()
    assert link not in html
    assert sooner.title in html and later.title not in html  # only the next date

    offer_factories.offer(topics=[topic], title="Angebot 6")
    response = client.get(topic.get_absolute_url())
    html = response.content.decode()
    assert len(response.context["content"]["offers"]) == 6
    assert "Angebot 6" not in html
    assert f"{link}Alle 7 Angebote zum Thema „Verkehr“</a>" in html
    listing = client.get("/angebote/", {"thema": "verkehr"}).context["listing"]
    assert listing["page"].paginator.count == 7


def test_home_shows_at_most_eight_model_projects_and_links_to_all(client, db):
    for n in range(8):
        factories.project(title=f"Projekt {n}")
    html = client.get("/").content.decode()
    assert "Projekt 7" in html and "Alle 8 Modellprojekte" not in html
    factories.project(title="Projekt 8")
    html = client.get("/").content.decode()
    assert "Projekt 8" not in html
    assert '<a href="/modellprojekte/">Alle 9 Modellprojekte</a>' in html


class TestLargeProject:
    """A project page shows the first 30 measures and the 10 newest lessons learned."""

    @pytest.fixture
    def project(self, db):
        return factories.project(slug="gross")

    def _add_measures(self, project, count, topic):
        for n in range(count):
            factories.measure(project, topics=[topic], title=f"Maßnahme {n:02}")

    def test_at_most_thirty_measures_grouped_by_topic_and_a_link_to_all(self, client, project):
        topic, other = factories.topic(), factories.topic()
        self._add_measures(project, 35, topic)
        factories.measure(project, topics=[other], title="Maßnahme 99")
        factories.measure(project, title="Ohne Thema")
        response = client.get(project.get_absolute_url())
        measure_groups = response.context["content"]["measure_groups"]
        shown = [m.title for _, items in measure_groups for m in items]
        # The first 30 by title, grouped by topic; later titles are left out.
        assert shown == [f"Maßnahme {n:02}" for n in range(30)]
        assert response.context["content"]["measures_without_topic"] == []
        html = response.content.decode()
        assert "Hier sehen Sie 30 von 37 Maßnahmen, alphabetisch geordnet." in html
        assert (
            '<a href="/massnahmen/?projekt=gross">Alle 37 Maßnahmen dieses Modellprojekts</a>'
            in html
        )

    def test_no_link_to_all_measures_when_all_are_shown(self, client, project):
        self._add_measures(project, 30, factories.topic())
        html = client.get(project.get_absolute_url()).content.decode()
        assert html.count('class="list-group-item"') == 30
        assert "/massnahmen/?projekt=gross" not in html

    def test_draft_measures_count_only_for_editors(self, client, editor, project):
        topic = factories.topic()
        self._add_measures(project, 30, topic)
        factories.measure(project, topics=[topic], published=False, title="Maßnahme 00a")
        url = project.get_absolute_url()
        assert "/massnahmen/?projekt=gross" not in client.get(url).content.decode()
        client.force_login(editor)
        html = client.get(url).content.decode()
        assert "Alle 31 Maßnahmen dieses Modellprojekts" in html

    def test_ten_newest_lessons_learned_and_a_link_to_all(self, client, project):
        for n in range(13):
            factories.insight(project, text=f"Erkenntnis {n:02}")
        response = client.get(project.get_absolute_url())
        assert [i.text for i in response.context["content"]["insights"]] == [
            f"Erkenntnis {n:02}" for n in range(12, 2, -1)
        ]
        html = response.content.decode()
        assert 'id="erkenntnisse"' in html
        assert "Erkenntnis 02" not in html
        assert "Die 10 neuesten von 13 Erkenntnissen." in html
        assert (
            '<a href="/erkenntnisse/?projekt=gross">Alle 13 Erkenntnisse dieses Modellprojekts</a>'
            in html
        )

    def test_no_link_to_all_lessons_learned_when_all_are_shown(self, client, project):
        for _ in range(10):
            factories.insight(project)
        response = client.get(project.get_absolute_url())
        assert len(response.context["content"]["insights"]) == 10
        assert "/erkenntnisse/?projekt=gross" not in response.content.decode()

    def test_draft_project_links_editors_to_lists_they_can_open(self, editor_client, db):
        draft = factories.project(published=False, slug="entwurf")
        topic = factories.topic()
        self._add_measures(draft, 31, topic)
        for _ in range(11):
            factories.insight(draft, topic)
        html = editor_client.get(draft.get_absolute_url()).content.decode()
        assert "/massnahmen/?projekt=entwurf" in html
        assert "/erkenntnisse/?projekt=entwurf" in html
        assert editor_client.get("/massnahmen/", {"projekt": "entwurf"}).status_code == 200
        assert editor_client.get("/erkenntnisse/", {"projekt": "entwurf"}).status_code == 200


class TestDrafts:
    @pytest.fixture
    def drafts(self, db):
        topic = factories.topic()
        hidden_project = factories.project(published=False, topics=[topic])
        public_project = factories.project(topics=[topic])
        return {
            "topic": topic,
            "project": hidden_project,
            "measure_of_draft_project": factories.measure(hidden_project, topics=[topic]),
            "draft_measure": factories.measure(public_project, published=False, topics=[topic]),
            "draft_insight": factories.insight(public_project, topic, published=False),
            "public_project": public_project,
        }

    def test_unpublished_content_is_404_for_the_public(self, client, drafts):
        assert client.get(drafts["project"].get_absolute_url()).status_code == 404
        assert client.get(drafts["draft_measure"].get_absolute_url()).status_code == 404
        # A published measure of an unpublished project is not public either.
        assert client.get(drafts["measure_of_draft_project"].get_absolute_url()).status_code == 404

    def test_unpublished_content_is_404_for_a_logged_in_member(self, member_client, drafts):
        assert member_client.get(drafts["project"].get_absolute_url()).status_code == 404

    def test_drafts_do_not_appear_in_public_lists(self, client, drafts):
        topic_html = client.get(drafts["topic"].get_absolute_url()).content.decode()
        for key in ["project", "draft_measure", "measure_of_draft_project"]:
            assert str(drafts[key]) not in topic_html
        assert drafts["draft_insight"].text not in topic_html
        assert str(drafts["project"]) not in client.get("/modellprojekte/").content.decode()
        assert str(drafts["draft_measure"]) not in client.get("/massnahmen/").content.decode()
        topics = client.get("/themen/").context["topics"]
        counted = next(t for t in topics if t.pk == drafts["topic"].pk)
        assert counted.project_count == 1
        assert counted.measure_count == 0

    def test_editors_see_drafts_with_a_badge(self, editor_client, drafts):
        response = editor_client.get(drafts["project"].get_absolute_url())
        assert response.status_code == 200
        assert '<span class="badge text-bg-warning">Entwurf</span>' in response.content.decode()
        html = editor_client.get(drafts["public_project"].get_absolute_url()).content.decode()
        assert drafts["draft_measure"].title in html
        assert drafts["draft_insight"].text in html


def test_unknown_page_is_a_german_404(client, db):
    response = client.get("/gibt-es-nicht/")
    assert response.status_code == 404
    assert "Seite nicht gefunden" in response.content.decode()


def test_legal_pages_say_honestly_what_is_missing(client, seeded):
    html = client.get(reverse("legal_impressum")).content.decode()
    assert "ergänzt die Redaktion der DABB" in html


def test_healthz_reports_the_database(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "mail": "ok"}


def test_seed_content_has_a_source_for_every_project_and_measure(seeded):
    for project in ModelProject.objects.all():
        assert project.sources.exists(), project
    for measure in Measure.objects.all():
        assert measure.sources.exists(), measure


def test_project_list_filters_never_repeat_a_project(client, db):
    topics = [factories.topic(), factories.topic()]
    places = [factories.municipality(), factories.municipality()]
    project = factories.project(topics=topics, municipalities=places)
    factories.project(topics=topics)
    for filters in (
        {},
        {"thema": topics[0].slug},
        {"kommune": places[1].slug},
        {"thema": topics[1].slug, "kommune": places[0].slug},
    ):
        page = client.get("/modellprojekte/", filters).context["listing"]["page"]
        slugs = [shown.slug for shown in page.object_list]
        assert slugs.count(project.slug) == 1, filters
        assert page.paginator.count == len(slugs), filters


def _title(response):
    html = response.content.decode()
    return html[html.index("<title>") + 7 : html.index("</title>")]


def test_list_titles_name_the_filters_and_the_page(client, editor):
    """Each filtered page of a list has its own title (WCAG 2.4.2), for every visitor."""
    topic = factories.topic(slug="verkehr", name="Verkehr")
    project = factories.project(slug="alpha", title="Projekt Alpha")
    for n in range(25):
        factories.measure(project, topics=[topic], title=f"M {n:02}", status=Measure.Status.PLANNED)
    query = {"thema": "verkehr", "projekt": "alpha", "status": "geplant"}
    suffix = " – Smart-City-Transferportal Brandenburg"

    editor_client = Client()
    editor_client.force_login(editor)
    for visitor in (client, editor_client):
        assert _title(visitor.get("/massnahmen/", query)) == (
            "Maßnahmen – Thema: Verkehr, Modellprojekt: Projekt Alpha, Stand: geplant"
            " – Seite 1 von 2" + suffix
        )
        assert _title(visitor.get("/massnahmen/", {**query, "seite": "2"})) == (
            "Maßnahmen – Thema: Verkehr, Modellprojekt: Projekt Alpha, Stand: geplant"
            " – Seite 2 von 2" + suffix
        )
    assert _title(client.get("/massnahmen/", {"thema": "verkehr", "status": "abgeschlossen"})) == (
        "Maßnahmen – Thema: Verkehr, Stand: abgeschlossen" + suffix
    )
    assert _title(client.get("/massnahmen/")) == "Maßnahmen – Seite 1 von 2" + suffix
    assert _title(client.get("/modellprojekte/", {"thema": "verkehr"})) == (
        "Modellprojekte – Thema: Verkehr" + suffix
    )
    assert _title(client.get("/erkenntnisse/", {"projekt": "alpha"})) == (
        "Erkenntnisse – Modellprojekt: Projekt Alpha" + suffix
    )
    # A filter value that does not exist: an error page, and its title says so first.
    for _ in range(2):
        response = client.get("/massnahmen/", {"thema": "gibt-es-nicht"})
        assert response.status_code == 400
        assert _title(response) == "Fehler: Maßnahmen" + suffix
