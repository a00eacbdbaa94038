"""Valid HTML (Nu Html Checker) on every page of the knowledge base and the shared pages."""

import pytest
from django.template.loader import render_to_string

from tests import factories
from tests.checkers import assert_valid_html
from tests.projects.test_views import PUBLIC_PAGES

pytestmark = pytest.mark.django_db

SHARED_PAGES = [
    "/gibt-es-nicht/",
    "/konto/login/",
    "/konto/signup/",
    "/konto/password/reset/",
    "/massnahmen/?thema=gibt-es-nicht",
    "/erkenntnisse/?art=gibt-es-nicht",
]


def test_all_public_pages_are_valid_html(client, seeded):
    documents = {url: client.get(url).content.decode() for url in PUBLIC_PAGES + SHARED_PAGES}
    documents["500.html"] = render_to_string("500.html")
    assert_valid_html(documents)


def test_pages_for_editors_with_drafts_are_valid_html(editor_client, seeded):
    from projects.models import ModelProject

    ModelProject.objects.filter(slug="potsdam").update(published=False)
    urls = ["/", "/modellprojekte/potsdam/", "/massnahmen/", "/konto/email/"]
    assert_valid_html({url: editor_client.get(url).content.decode() for url in urls})


def test_long_lists_with_their_links_to_all_entries_are_valid_html(editor_client, seeded):
    """Capped project and topic pages, and the paginated list they link to, with drafts."""
    from projects.models import Insight, Measure, ModelProject, Topic

    cottbus = ModelProject.objects.get(slug="cottbus")
    mobility = Topic.objects.get(slug="mobilitaet")
    measure = Measure.objects.filter(project=cottbus).first()
    for n in range(31):
        factories.measure(cottbus, topics=[mobility], published=n % 2 == 0)
    for n in range(25):
        factories.insight(
            cottbus,
            mobility,
            measure=measure if n % 2 else None,
            kind=Insight.Kind.choices[n % 3][0],
            published=n % 4 != 0,
        )
    urls = [
        "/modellprojekte/cottbus/",
        "/themen/mobilitaet/",
        "/erkenntnisse/",
        "/erkenntnisse/?thema=mobilitaet&projekt=cottbus&seite=2",
    ]
    assert_valid_html({url: editor_client.get(url).content.decode() for url in urls})


def test_project_cards_do_not_repeat_the_municipality_the_title_names(client, seeded):
    import re

    html = client.get("/modellprojekte/").content.decode()
    card = re.search(r'<a href="/modellprojekte/guben/">Guben</a>.*?</p>', html, re.S).group(0)
    lines = [line.strip() for line in re.sub(r"<[^>]+>", "\n", card).splitlines()]
    assert [line for line in lines if line] == ["Guben", "Förderstaffel 2021"]
