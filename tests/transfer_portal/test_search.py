"""Portal search: German inflection and prefixes on PostgreSQL, a fallback on SQLite."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import factories

pytestmark = pytest.mark.django_db

on_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="full-text search needs PostgreSQL"
)


def _titles(client, query):
    response = client.get("/suche/", {"q": query})
    assert response.status_code == 200
    return {
        group.type.key: [hit.title for hit in group.hits]
        for group in response.context["results"]["groups"]
        if group.total
    }


@pytest.mark.parametrize(
    ("query", "kind", "expected_first"),
    [
        ("LoRaWAN", "measures", "LoRaWAN-Netz"),
        ("Energiemonitoring", "measures", "Energiemonitoring"),
        ("Schreibwerkstatt", "offers", "Schreibwerkstatt Digitalstrategien"),
        ("Zukunftsschusterei", "projects", "Bad Belzig & Wiesenburg/Mark – Zukunftsschusterei"),
    ],
)
def test_simple_one_word_queries_find_the_same_top_result_on_every_database(
    client, seeded, query, kind, expected_first
):
    assert _titles(client, query)[kind][0] == expected_first


def test_results_are_grouped_with_counts_and_words_are_marked(client, seeded):
    response = client.get("/suche/", {"q": "Mobilität"})
    html = response.content.decode()
    assert "<mark>Mobilität</mark>" in html
    projects = next(g for g in response.context["results"]["groups"] if g.type.key == "projects")
    assert projects.total == len(projects.hits) >= 3


@on_postgres
def test_inflected_forms_find_each_other_on_postgres(client, db):
    project = factories.project()
    factories.measure(project, title="Bürgerhaushalt", summary="Eine digitale Beteiligung.")
    assert _titles(client, "Beteiligungen")["measures"] == ["Bürgerhaushalt"]


@on_postgres
def test_the_last_word_is_a_prefix_on_postgres(client, db):
    factories.measure(title="Mobilitätsstationen im Quartier")
    factories.measure(title="Quartiersgarage")
    assert _titles(client, "Quartier Mobil")["measures"] == ["Mobilitätsstationen im Quartier"]


@on_postgres
def test_the_best_ten_are_shown_with_the_number_of_all_ties_by_age_on_postgres(client, db):
    """Equal ranks keep the order in which the entries were made; a type shows its best
    RESULTS_PER_TYPE and counts every match."""
    from transfer_portal.portal.search import RESULTS_PER_TYPE

    title = factories.measure(summary="Ein Sensornetz", title="Sensornetz")
    body = [factories.measure(title=f"Messung {n}", summary="Ein Sensornetz") for n in range(12)]
    response = client.get("/suche/", {"q": "Sensornetz"})
    assert _totals(response)["measures"] == 13
    expected = [title.title] + [measure.title for measure in body][: RESULTS_PER_TYPE - 1]
    assert _titles(client, "Sensornetz")["measures"] == expected


@on_postgres
def test_title_ranks_above_summary_above_body_on_postgres(client, db):
    body = factories.measure(title="C", description="Sensornetz für die Stadt")
    summary = factories.measure(title="B", summary="Ein Sensornetz")
    title = factories.measure(title="Sensornetz")
    assert _titles(client, "Sensornetz")["measures"] == [title.title, summary.title, body.title]


def test_umlauts_and_sharp_s_are_found(client, db):
    factories.measure(title="Straßenbeleuchtung in Großräschen")
    assert _titles(client, "Straßenbeleuchtung")["measures"] == [
        "Straßenbeleuchtung in Großräschen"
    ]
    assert _titles(client, "Großräschen")["measures"] == ["Straßenbeleuchtung in Großräschen"]


def test_words_typed_without_umlauts_find_the_umlaut_spelling(client, db):
    """A keyboard without umlauts: "Mobilitaet" (PostgreSQL's German stemmer does not
    fold ae to ä; it found nothing there, while SQLite's substring search did)."""
    factories.measure(title="Mobilitätsstation am Bahnhof")
    factories.measure(title="Grüne Dächer", summary="Begrünung öffentlicher Gebäude")
    assert _titles(client, "Mobilitaetsstation")["measures"] == ["Mobilitätsstation am Bahnhof"]
    assert _titles(client, "Gruene Daecher")["measures"] == ["Grüne Dächer"]
    assert _titles(client, "oeffentlicher")["measures"] == ["Grüne Dächer"]
    html = client.get("/suche/", {"q": "oeffentlicher"}).content.decode()
    assert "<mark>öffentlicher</mark>" in html  # marked in the umlaut spelling too


def test_drafts_are_not_found_by_the_public_but_by_editors(editor_client, db):
    from django.test import Client

    factories.measure(title="Geheime Entwurfsmaßnahme", published=False)
    assert "measures" not in _titles(Client(), "Entwurfsmaßnahme")
    assert _titles(editor_client, "Entwurfsmaßnahme")["measures"] == ["Geheime Entwurfsmaßnahme"]


@pytest.mark.parametrize(
    "query",
    [
        "",
        "   ",
        "x" * 100_000,
        "<script>alert('x')</script>",
        "'; DROP TABLE projects_measure; --",
        "a & b | !c <-> d:*",
        "🙂 ünïcödé ßß",
        "%_%_\\",
    ],
)
def test_empty_long_and_hostile_queries_give_a_normal_page(client, seeded, query):
    response = client.get("/suche/", {"q": query})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>alert('x')</script>" not in html


@pytest.mark.parametrize("query", ["%%%", "🙂", "x" * 51])
def test_a_query_without_searchable_words_says_so(client, seeded, query):
    html = client.get("/suche/", {"q": query}).content.decode()
    assert "enthält kein Wort, nach dem sich suchen lässt" in html


def test_an_empty_query_shows_only_the_introduction(client, seeded):
    html = client.get("/suche/", {"q": "  "}).content.decode()
    assert "nach dem sich suchen lässt" not in html
    assert "Auch gebeugte Formen werden gefunden" in html


def test_topics_are_found_by_name_and_description(client, seeded):
    html = client.get("/suche/", {"q": "Partizipation"}).content.decode()
    assert '<h2 id="treffer-topics" class="h4">Themen' in html
    assert '<a href="/themen/partizipation/" class="fw-semibold">Partizipation</a>' in html


def test_search_field_is_in_the_header_of_every_page(client, seeded):
    for url in ["/", "/modellprojekte/", "/themen/mobilitaet/"]:
        assert 'role="search"' in client.get(url).content.decode()


def test_search_has_a_fixed_query_budget(client, seeded):
    """However many hits and types with hits: on PostgreSQL one statement ranks every type,
    one reads the rows shown; on SQLite one query per type (hits and total via a window
    function)."""
    from transfer_portal.portal import search

    def queries():
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/suche/", {"q": "Mobilität"})
        assert response.status_code == 200
        return response, len(captured)

    few, first = queries()
    assert 'href="/themen/mobilitaet/"' in few.text
    for n in range(30):
        project = factories.project(title=f"Mobilitätsprojekt {n}")
        factories.measure(project, title=f"Mobilität {n}", summary="Mobilität")
        factories.insight(project, text="Mobilität im ländlichen Raum")
    rufbus = factories.measure(title="Rufbus")
    factories.insight(rufbus.project, text="Mobilität per Rufbus", measure=rufbus)
    many, second = queries()
    assert _totals(many)["measures"] == _totals(few)["measures"] + 30
    assert _types_with_hits(many) > _types_with_hits(few)
    # A lesson learned of a measure leads to the measure's page, with its project named.
    rufbus_hits = client.get("/suche/", {"q": "Rufbus"}).text
    assert f'href="{rufbus.get_absolute_url()}#erkenntnisse"' in rufbus_hits
    assert f"Modellprojekt: {rufbus.project.title}" in rufbus_hits
    if connection.vendor == "postgresql":
        assert first == second == 2
    else:
        assert first == second == len(search.TYPES)


def _computed_vector(search_type):
    """The weighted German vector of a type's fields as the search would compute it; the
    migrations' stored vectors must equal it."""
    from django.contrib.postgres.search import SearchVector

    vector = None
    for path, weight in search_type.fields:
        part = SearchVector(path, weight=weight, config="german")
        vector = part if vector is None else vector + part
    return vector


def _types_with_hits(response):
    return {key for key, total in _totals(response).items() if total}


def _totals(response):
    return {group.type.key: group.total for group in response.context["results"]["groups"]}


def _latest_stored_weights():
    """{table: (app, weights)} as the migrations last wrote them (StoredSearchVector): in
    each app's own order, the app's migrations being numbered."""
    from django.db.migrations.loader import MigrationLoader

    from transfer_portal.lib.search_vectors import StoredSearchVector

    loader = MigrationLoader(None, ignore_no_migrations=True)
    weights = {}
    for (app, _name), migration in sorted(loader.graph.nodes.items()):
        for operation in migration.operations:
            if isinstance(operation, StoredSearchVector):
                weights[operation.table] = (app, operation.weights)
    return weights


def test_each_stored_vector_is_declared_with_its_model_and_frozen_in_its_apps_migration(db):
    """A model's search_weights and its app's latest StoredSearchVector agree; a change of
    the weights needs a migration (lib/search_vectors.py)."""
    from transfer_portal.portal import search

    frozen = _latest_stored_weights()
    models = search.STORED_VECTOR_MODELS
    assert set(frozen) == {model._meta.db_table for model in models}
    for model in models:
        # In the model's own app, not on another app's tables.
        assert frozen[model._meta.db_table] == (model._meta.app_label, model.search_weights)


@on_postgres
def test_every_searched_table_has_its_stored_vector_and_index_on_postgres(db):
    from transfer_portal.lib import search_vectors
    from transfer_portal.portal import search

    with connection.cursor() as cursor:
        for model in search.STORED_VECTOR_MODELS:
            table = model._meta.db_table
            cursor.execute(
                "SELECT is_generated FROM information_schema.columns "
                "WHERE table_name = %s AND column_name = %s",
                [table, search_vectors.COLUMN],
            )
            assert cursor.fetchone() == ("ALWAYS",), table
            cursor.execute(
                "SELECT indexdef FROM pg_indexes WHERE indexname = %s",
                [search_vectors.index_name(table)],
            )
            assert "gin (search_vector)" in cursor.fetchone()[0], table
            # Kept in the row (MAIN), not moved to the TOAST table with long texts.
            cursor.execute(
                "SELECT attstorage FROM pg_attribute "
                "WHERE attrelid = %s::regclass AND attname = %s",
                [table, search_vectors.COLUMN],
            )
            assert cursor.fetchone() == ("m",), table


@on_postgres
def test_an_edited_entry_is_found_by_its_new_words_at_once_on_postgres(client, db):
    measure = factories.measure(title="Parkraumsensorik")
    assert _titles(client, "Parkraumsensorik")["measures"] == ["Parkraumsensorik"]
    measure.title = "Ladesäulenkataster"
    measure.save()
    assert "measures" not in _titles(client, "Parkraumsensorik")
    assert _titles(client, "Ladesäulenkataster")["measures"] == ["Ladesäulenkataster"]


@on_postgres
def test_dates_are_found_by_their_own_words_and_their_offers_title_on_postgres(client, db):
    from tests.offers import factories as offer_factories

    offer = offer_factories.offer(
        title="Schreibwerkstatt Förderanträge", summary="Mit Haushaltsplanung"
    )
    date = offer_factories.event_date(offer, title="Auftakttreffen", location="Cottbus")
    shown = f"{offer.title} – {date.title}"
    for query in ["Auftakttreffen", "Förderanträge", "Cottbus", "Förderantrag Auftakt"]:
        assert _titles(client, query).get("dates") == [shown], query
    # The offer's summary belongs to the offer, not to its dates.
    assert "dates" not in _titles(client, "Haushaltsplanung")
    offer.title = "Vergabewerkstatt"
    offer.save()
    assert _titles(client, "Vergabewerkstatt")["dates"] == [f"Vergabewerkstatt – {date.title}"]
    assert "dates" not in _titles(client, "Förderanträge")


def test_a_dates_search_context_follows_its_offers_title(db):
    """The date's stored vector cannot read the offer's table: it reads a copy of the
    offer's title, kept current on every save of date and offer (offers/search_context.py)."""
    from offers.models import EventDate
    from tests.offers import factories as offer_factories

    offer = offer_factories.offer(title="Schreibwerkstatt")
    date = offer_factories.event_date(offer)
    other = offer_factories.event_date(offer_factories.offer(title="Anderes Angebot"))

    def contexts():
        return [EventDate.objects.get(pk=d.pk).search_context for d in (date, other)]

    assert contexts() == ["Schreibwerkstatt", "Anderes Angebot"]
    offer.title = "Vergabewerkstatt"
    offer.save()
    assert contexts() == ["Vergabewerkstatt", "Anderes Angebot"]
    date.offer = other.offer
    date.save()
    assert contexts() == ["Anderes Angebot", "Anderes Angebot"]


@on_postgres
def test_the_stored_date_vector_is_what_the_search_computes_for_its_fields(db):
    """offers 0008 writes the weights out; the stored vector is what the search computes."""
    from offers.models import EventDate
    from tests.offers import factories as offer_factories
    from transfer_portal.portal import search

    offer = offer_factories.offer(title="Schreibwerkstatt Vergabe")
    date = offer_factories.event_date(
        offer, title="Auftakt: Förderanträge", location="Cottbus, Rathaus"
    )
    dates = next(t for t in search.TYPES if t.key == "dates")
    row = (
        EventDate.objects.filter(pk=date.pk)
        .annotate(stored=search.stored_vector(EventDate), computed=_computed_vector(dates))
        .values("stored", "computed")
        .get()
    )
    assert row["stored"] == row["computed"] != ""
    assert "'vergab':" in row["stored"]  # the offer's title is in it


@on_postgres
def test_the_stored_vectors_are_what_the_search_computes(db):
    """The apps' migrations write the weights out; the search's must match."""
    from django.contrib.auth.models import AnonymousUser

    from tests.offers import factories as offer_factories
    from transfer_portal.portal import search

    words = {
        "title": "Förderanträge: Titel",
        "motto": "Motto-Wort",
        "summary": "Zusammenfassung über Ladesäulen",
        "description": "Beschreibung <b>mit</b> Rathaus",
        "fields_of_action": "Mobilität, Verwaltung",
        "transfer_preconditions": "Voraussetzungen",
        "transfer_effort": "Aufwand",
        "transfer_notes": "Hinweise",
    }
    project = factories.project(**{k: words[k] for k in ("motto", "summary", "fields_of_action")})
    factories.measure(
        project, **{k: v for k, v in words.items() if k not in {"motto", "fields_of_action"}}
    )
    factories.insight(project, text="Erkenntnis über Bürgerbeteiligung")
    offer_factories.offer(summary=words["summary"], description=words["description"])
    factories.topic(name="Förderanträge", description=words["summary"])
    for key in ("topics", "projects", "measures", "insights", "offers"):
        search_type = next(t for t in search.TYPES if t.key == key)
        model = search_type.queryset(AnonymousUser()).model
        rows = list(
            model.objects.annotate(
                stored=search.stored_vector(model), computed=_computed_vector(search_type)
            ).values_list("stored", "computed")
        )
        assert rows, key
        for stored, computed in rows:
            assert stored == computed != "", key


class TestSnippet:
    TEXT = (
        " ".join(f"Wort{n:03}" for n in range(200))
        + " Beteiligungsportal "
        + " ".join(f"Rest{n:03}" for n in range(200))
    )

    def test_cuts_between_words_and_marks_the_match(self):
        from transfer_portal.portal.search import snippet

        html = str(snippet(self.TEXT, ["Beteiligung"]))
        assert html.startswith("… Wort") and html.endswith(" …")
        inner = html.removeprefix("… ").removesuffix(" …")
        assert all(len(word) == 7 for word in inner.split() if "mark" not in word), inner
        assert "<mark>Beteiligungsportal</mark>" in html

    def test_a_text_of_very_long_words_is_still_cut(self):
        from transfer_portal.portal.search import SNIPPET_LENGTH, snippet

        html = str(snippet("x" * 1000 + " Treffer " + "y" * 1000, ["Treffer"]))
        assert "<mark>Treffer</mark>" in html
        assert len(html) < SNIPPET_LENGTH + 40
        assert len(str(snippet("x" * 1000, ["x"]))) < SNIPPET_LENGTH + 40

    def test_a_short_text_is_shown_whole(self):
        from transfer_portal.portal.search import snippet

        assert str(snippet("Die Beteiligung vor Ort.", ["Beteiligung"])) == (
            "Die <mark>Beteiligung</mark> vor Ort."
        )


def test_measures_and_lessons_are_found_with_their_projects_title_and_municipalities(client, db):
    spremberg = factories.municipality(name="Spremberg")
    project = factories.project(title="Lausitzer Datenraum", municipalities=[spremberg])
    measure = factories.measure(project, title="Parkraumsensorik")
    factories.insight(project, text="Bürgersprechstunde früh ankündigen.")
    found = _titles(client, "Spremberg Parkraumsensorik")
    assert found["measures"] == ["Parkraumsensorik"]
    assert _titles(client, "Datenraum Parkraumsensorik")["measures"] == ["Parkraumsensorik"]
    assert _titles(client, "Spremberg Bürgersprechstunde")["insights"] == [
        "Tipp: Lausitzer Datenraum"
    ]
    # Words of neither the entry nor its project still find nothing.
    assert "measures" not in _titles(client, "Cottbus Parkraumsensorik")
    # The project's own fields are not part of it, only its title and places.
    assert measure.search_context == "Lausitzer Datenraum Spremberg"
    # A measure's hit says which project it belongs to.
    html = client.get("/suche/", {"q": "Spremberg"}).content.decode()
    assert "Modellprojekt: Lausitzer Datenraum</p>" in html


def test_the_search_context_follows_every_change_of_project_and_places(db):
    from projects.models import Insight, Measure, ModelProject
    from projects.search_context import refresh

    spremberg, welzow = (
        factories.municipality(name="Spremberg"),
        factories.municipality(name="Welzow"),
    )
    project = factories.project(title="Datenraum", municipalities=[spremberg])
    other = factories.project(title="Anderes Projekt", municipalities=[])
    measure = factories.measure(project)
    insight = factories.insight(project)

    def contexts():
        return (
            Measure.objects.get(pk=measure.pk).search_context,
            Insight.objects.get(pk=insight.pk).search_context,
        )

    assert contexts() == ("Datenraum Spremberg",) * 2
    project.title = "Lausitzer Datenraum"
    project.save()
    assert contexts() == ("Lausitzer Datenraum Spremberg",) * 2
    project.municipalities.add(welzow)
    assert contexts() == ("Lausitzer Datenraum Spremberg Welzow",) * 2
    spremberg.name = "Spremberg/Grodk"
    spremberg.save()
    assert contexts() == ("Lausitzer Datenraum Spremberg/Grodk Welzow",) * 2
    welzow.model_projects.remove(project)
    assert contexts() == ("Lausitzer Datenraum Spremberg/Grodk",) * 2
    spremberg.model_projects.clear()
    assert contexts() == ("Lausitzer Datenraum",) * 2
    welzow.model_projects.add(project)
    assert contexts() == ("Lausitzer Datenraum Welzow",) * 2
    # A place already named in the title is not repeated.
    ModelProject.objects.filter(pk=project.pk).update(title="Datenraum Welzow")
    refresh([ModelProject.objects.get(pk=project.pk)])
    assert contexts() == ("Datenraum Welzow",) * 2
    measure.project = other
    measure.save()
    assert contexts() == ("Anderes Projekt", "Datenraum Welzow")


def test_the_search_context_can_be_rebuilt_after_writes_around_the_orm(db):
    from django.core.management import call_command

    from projects.models import Measure, ModelProject

    project = factories.project(title="Datenraum", municipalities=[])
    measure = factories.measure(project)
    ModelProject.objects.filter(pk=project.pk).update(title="Umbenannt")  # no signal
    assert Measure.objects.get(pk=measure.pk).search_context == "Datenraum"
    call_command("rebuild_search_context", verbosity=0)
    assert Measure.objects.get(pk=measure.pk).search_context == "Umbenannt"


@on_postgres
def test_the_ranking_is_planned_for_its_words_and_other_queries_stay_prepared(client, seeded):
    """A generic plan of the ranking statement, made without the words, was slower than one
    made for them (search._planned_for_its_words); the rest of the page keeps its prepared
    statements (settings: DJANGO_DB_PREPARE_THRESHOLD)."""
    threshold = connection.connection.prepare_threshold
    for _ in range(4):
        assert client.get("/suche/", {"q": "Beteiligung"}).status_code == 200
    assert connection.connection.prepare_threshold == threshold is not None
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [statement for (statement,) in cursor.fetchall()]
    assert prepared, "the page's other queries are prepared"
    assert not [statement for statement in prepared if "ts_rank" in statement]


@on_postgres
def test_the_rows_shown_are_read_only_where_the_audience_may_see_them_on_postgres(db):
    """The second statement asks for visibility again: a measure withdrawn between the
    ranking and the reading of its row is not shown to the public."""
    from transfer_portal.portal import search

    draft = factories.measure(title="Entwurf", published=False)
    measures = next(i for i, t in enumerate(search.TYPES) if t.key == "measures")

    def shown(editor):
        sql, params = search._shown_statement(editor)
        values = [[draft.pk] if p == ("ids", measures) else p for p in params]
        with connection.cursor() as cursor:
            cursor.execute(sql, [[] if isinstance(p, tuple) else p for p in values])
            return [(index, pk) for index, pk, _columns in cursor.fetchall()]

    assert shown(editor=False) == []
    assert shown(editor=True) == [(measures, draft.pk)]


def test_measures_are_found_by_their_profile(client, db):
    """Goal, funding sources and licence of a measure's profile (issue 19) are searched."""
    factories.measure(
        title="Digitale Bauakte",
        goal="Bauanträge medienbruchfrei bearbeiten",
        funding_sources="Landesprogramm Kommunalinvest",
        licence="EUPL-1.2",
    )
    for query in ["medienbruchfrei", "Kommunalinvest", "EUPL"]:
        assert _titles(client, query).get("measures") == ["Digitale Bauakte"], query


def test_the_kinds_that_read_a_stored_public_flag_are_those_whose_tables_have_one():
    """SearchType.stored_public says that the public ranking filters by the row's flag: a
    kind that says so without a flag would fail on PostgreSQL; one whose table has a flag
    (a StoredPublicFlag in its app's migrations) but does not say so joins its parents."""
    from django.db.migrations.loader import MigrationLoader

    from transfer_portal.lib.public_flags import StoredPublicFlag
    from transfer_portal.portal.search import TYPES

    loader = MigrationLoader(None, ignore_no_migrations=True)
    flagged = {
        operation.table
        for migration in loader.graph.nodes.values()
        for operation in migration.operations
        if isinstance(operation, StoredPublicFlag)
    }
    declared = {kind.model._meta.db_table for kind in TYPES if kind.stored_public}
    assert declared == flagged == {"projects_measure", "projects_insight", "offers_eventdate"}
