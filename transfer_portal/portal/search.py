"""Portal-wide search over topics, projects, measures, lessons learned, offers, dates and surveys.

PostgreSQL: full-text search with the German configuration (stemming, so inflected forms
find each other), prefix matching for the last word, title weighted above summary above
body, ranked. One statement ranks all types over the stored vectors, a second one reads
the columns of the rows shown, whatever the number of types with hits. SQLite: every word
must occur in one of the fields; titles rank first; one query per type. Snippets are made
in Python for both, escaped, with the matching words marked.
"""

import json
import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property

from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Expression,
    F,
    IntegerField,
    Q,
    Value,
    When,
    Window,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, JSONObject, NullIf
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from offers.models import EventDate, Offer
from projects.models import Insight, Measure, ModelProject, Topic
from surveys.models import Survey
from transfer_portal.lib import public_flags, search_vectors
from transfer_portal.lib.content_language import mark
from transfer_portal.lib.editors import is_editor

MAX_QUERY_LENGTH = 200
MAX_WORDS = 8
RESULTS_PER_TYPE = 10
CANDIDATES = 200  # per type; a word found in more entries is ranked among the first 200
SNIPPET_LENGTH = 220
TEXT = "snippet_text"  # the key of a hit's text among its shown columns (SearchType)
WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class SearchType:
    key: str
    label: str
    queryset: callable
    # (field path, weight) – weight A (title), B (summary), C (body) or D (context).
    fields: tuple
    # The columns a hit's title and address need ("field" or "relation__field").
    shown: tuple
    title: callable
    # The fields its snippet comes from: the first that is not empty.
    text: tuple
    # The model project a hit belongs to, where its title does not say it.
    project: callable = None
    # Whether PostgreSQL stores in each row if the public may see it (lib/public_flags.py):
    # for kinds whose visibility depends on another row's.
    stored_public: bool = False

    @cached_property
    def model(self):
        return self.queryset(True).model

    def shown_json(self):
        """The shown columns of a row and its snippet's text (TEXT) as one JSON object: one
        column of the same type for every type, so that all of them fit in one UNION ALL."""
        *first, last = self.text
        text = (
            Coalesce(*(NullIf(F(name), Value("")) for name in first), F(last)) if first else F(last)
        )
        return JSONObject(**{path: F(path) for path in self.shown}, **{TEXT: text})

    def instance(self, columns):
        """An unsaved instance holding the shown columns (and related instances for the
        columns of a relation), for the hit's title, text and address: the models' own
        rules, no query."""
        own, related = {}, {}
        for path, value in columns.items():
            if path == TEXT:
                continue
            name, _, attribute = path.partition("__")
            if attribute:
                related.setdefault(name, {})[attribute] = value
            else:
                own[name] = value
        obj = self.model(**own)
        for name, values in related.items():
            if any(value is not None for value in values.values()):
                setattr(obj, name, obj._meta.get_field(name).related_model(**values))
        return obj


@dataclass
class Group:
    type: SearchType
    total: int
    hits: list = field(default_factory=list)

    @property
    def capped(self):
        """True when there are more matches than the search ranks (CANDIDATES)."""
        return self.total >= CANDIDATES


@dataclass
class Hit:
    title: str
    url: str
    snippet: str
    project: str = ""


def _marked(title):
    """A hit's title, marked as German content unless it marks its parts itself."""
    return title if isinstance(title, SafeString) else mark(title)


def _dates(editor):
    return EventDate.objects.visible(editor=editor).filter(cancelled=False)


TYPES = [
    # Topics first: a topic page gathers projects, measures, survey interest and offers.
    SearchType(
        "topics",
        _("Topics"),
        lambda editor: Topic.objects.all(),
        Topic.search_weights,
        ("name", "slug"),
        lambda obj: obj.name,
        ("description",),
    ),
    SearchType(
        "projects",
        _("Model projects"),
        lambda editor: ModelProject.objects.visible(editor=editor),
        ModelProject.search_weights,
        ("title", "slug"),
        lambda obj: obj.title,
        ("summary", "description", "motto"),
    ),
    SearchType(
        "measures",
        _("Measures"),
        lambda editor: Measure.objects.visible(editor=editor),
        Measure.search_weights,
        ("title", "slug", "project_title"),
        lambda obj: obj.title,
        ("summary", "description", "transfer_notes"),
        project=lambda obj: obj.project_title,
        stored_public=True,
    ),
    SearchType(
        "insights",
        _("Lessons learned"),
        lambda editor: Insight.objects.visible(editor=editor),
        Insight.search_weights,
        ("kind", "project__title", "project__slug", "measure__id", "measure__slug"),
        lambda obj: format_html("{}: {}", obj.get_kind_display(), mark(obj.project.title)),
        ("text",),
        stored_public=True,
    ),
    SearchType(
        "offers",
        _("Offers of the DigitalAgentur"),
        lambda editor: Offer.objects.visible(editor=editor),
        Offer.search_weights,
        ("title", "slug"),
        lambda obj: obj.title,
        ("summary", "description"),
    ),
    SearchType(
        "dates",
        _("Dates"),
        _dates,
        EventDate.search_weights,
        ("id", "title", "offer__title"),
        lambda obj: f"{obj.offer.title} – {obj.title}",
        ("location",),
        stored_public=True,
    ),
    SearchType(
        "surveys",
        _("Surveys"),
        lambda editor: Survey.objects.visible(editor=editor),
        Survey.search_weights,
        ("title", "slug"),
        lambda obj: obj.title,
        ("summary", "intro"),
    ),
]


# Every searched model has a stored, indexed search vector on PostgreSQL, declared with the
# model (search_weights) and added by its app's migration (lib/search_vectors.py).
STORED_VECTOR_MODELS = tuple(search_type.model for search_type in TYPES)


def words_of(query: str) -> list[str]:
    """The searchable words of a query: letters and digits only, bounded in number."""
    return [word for word in WORD.findall(query[:MAX_QUERY_LENGTH]) if len(word) <= 50][:MAX_WORDS]


class StoredColumn(Expression):
    """A column of a model's table that is not a model field – the stored search vector
    (lib/search_vectors.py), the public flag (lib/public_flags.py) – named here, qualified
    with the table's own name: valid where the table is not aliased, as in a top-level query
    (the search compiles each type's candidates as one, _candidates), not inside a Django
    subquery."""

    def __init__(self, model, column, output_field):
        super().__init__(output_field=output_field)
        self.table, self.column = model._meta.db_table, column

    def as_sql(self, compiler, connection):
        quote = connection.ops.quote_name
        return f"{quote(self.table)}.{quote(self.column)}", []


def stored_vector(model):
    """The stored search vector of a model's table (PostgreSQL)."""
    from django.contrib.postgres.search import SearchVectorField

    return StoredColumn(model, search_vectors.COLUMN, SearchVectorField())


def stored_public(model):
    """Whether the public may see a row, as its table stores it (PostgreSQL)."""
    return StoredColumn(model, public_flags.COLUMN, BooleanField())


UMLAUT_SPELLINGS = (("ae", "ä"), ("oe", "ö"), ("ue", "ü"))


def umlaut_spelling(word):
    """The word with ae/oe/ue as umlauts ("Mobilitaet" → "mobilität"), None if it has none:
    a keyboard without umlauts writes ä as ae, and no stemmer folds that."""
    folded = word.lower()
    for typed, umlaut in UMLAUT_SPELLINGS:
        folded = folded.replace(typed, umlaut)
    return None if folded == word.lower() else folded


def _spellings(word, *, prefix):
    """One tsquery term for a word: "(mobilitaet | mobilität)", each a prefix for the last
    word."""
    suffix = ":*" if prefix else ""
    folded = umlaut_spelling(word)
    if folded is None:
        return f"{word}{suffix}"
    return f"({word}{suffix} | {folded}{suffix})"


def _tsquery(words):
    """The raw tsquery of the words: all of them, the last one a prefix. Words are \\w+ only,
    so they cannot carry tsquery operators. A word typed without umlauts ("Mobilitaet")
    also matches the umlaut spelling."""
    return " & ".join(
        _spellings(word, prefix=position == len(words) - 1) for position, word in enumerate(words)
    )


def _candidates(search_type, user, raw):
    """SQL of the visible entries of a type that match, as (id, vector), at most CANDIDATES
    of them: matching uses the GIN index, and a word found in thousands of entries is
    ranked among the first CANDIDATES only. For the public, of a kind that stores whether
    the public may see a row: what an editor sees, of it the rows with that flag – the
    same rows as its published(), without asking another table for each."""
    from django.contrib.postgres.search import SearchQuery

    editor = is_editor(user)
    queryset = search_type.queryset(editor or search_type.stored_public)
    if search_type.stored_public and not editor:
        queryset = queryset.filter(stored_public(queryset.model))
    model = queryset.model
    vector = stored_vector(model)
    query = SearchQuery(raw, search_type="raw", config="german")
    candidates = queryset.annotate(search=vector).filter(search=query).order_by()
    return candidates.values_list("pk", "search")[:CANDIDATES].query.sql_with_params()


# Stands for the words in a compiled ranking statement (_ranking_statement).
WORDS = "\x00words\x00"
_statements = {}


def _ranking_statement(user):
    """The ranking statement, with WORDS where the tsquery goes: one row per type with
    matches – its number of candidates and the ids of the RESULTS_PER_TYPE best of them by
    ts_rank (ties by id), best first, as an array – joined by UNION ALL. An aggregate
    rather than a window count beside a sort: the window kept every candidate with its
    vector for the count, and each row carried its rank to the client only to be sorted
    again there.

    Building and compiling seven querysets cost more CPU than the database needs to answer
    them, so the statement is compiled once per process for each of the two audiences:
    what a user may find depends only on whether they are an editor (visible_to)."""
    editor = is_editor(user)
    if editor not in _statements:
        parts, params = [], []
        for index, search_type in enumerate(TYPES):
            sql, candidate_params = _candidates(search_type, user, WORDS)
            # Only integers and the ORM's own SQL go into the text; the words are parameters.
            parts.append(
                f"(SELECT {index} AS type, count(*) AS total, "  # noqa: S608
                "(array_agg(c.id ORDER BY "
                "ts_rank(c.vector, to_tsquery('german'::regconfig, %s)) DESC, c.id))"
                f"[1:{RESULTS_PER_TYPE}] AS ids "
                f"FROM ({sql}) AS c (id, vector) HAVING count(*) > 0)"
            )
            params += [WORDS, *candidate_params]
        _statements[editor] = (" UNION ALL ".join(parts), params)
    return _statements[editor]


def _shown_statement(editor):
    """The statement that reads the shown columns of the ranked rows, of every type at once:
    (type, id, shown columns as JSON), with ("ids", type) where each type's ids go. Its plan
    does not depend on the words (unlike the ranking's), so PostgreSQL keeps it prepared.
    It asks for visibility again: a row withdrawn since the ranking is not shown."""
    if ("shown", editor) not in _statements:
        parts, params = [], []
        for index, search_type in enumerate(TYPES):
            ids = RawSQL("SELECT unnest(%s::bigint[])", (("ids", index),))
            rows = search_type.queryset(editor).filter(pk__in=ids).order_by()
            shown = rows.values_list(Value(index), "pk", search_type.shown_json())
            sql, shown_params = shown.query.sql_with_params()
            parts.append(f"({sql})")
            params += shown_params
        _statements["shown", editor] = (" UNION ALL ".join(parts), params)
    return _statements["shown", editor]


@contextmanager
def _planned_for_its_words():
    """The ranking statement is not prepared (settings: DJANGO_DB_PREPARE_THRESHOLD): its
    best plan depends on how many entries the words match – a common word is ranked among
    the first CANDIDATES found by walking the table, a rare one is looked up in the GIN
    index – and a prepared statement's generic plan, made without the words, took 20 ms
    where a plan for them takes 13."""
    driver = connection.connection
    threshold = getattr(driver, "prepare_threshold", None)
    if threshold is None:  # SQLite, or prepared statements turned off
        yield
        return
    driver.prepare_threshold = None
    try:
        yield
    finally:
        driver.prepare_threshold = threshold


def _postgres_search(user, words):
    """Rank every type in one statement, then read the rows shown in a second one: two
    queries, whatever the number of types with hits."""
    raw = _tsquery(words)
    sql, params = _ranking_statement(user)
    with connection.cursor() as cursor:
        with _planned_for_its_words():
            cursor.execute(sql, [raw if param == WORDS else param for param in params])
            # type → (number of candidates, ids of the best, best first)
            ranked = {index: (total, ids) for index, total, ids in cursor.fetchall()}
        shown = {}
        if ranked:
            sql, params = _shown_statement(is_editor(user))
            ids = {index: ids for index, (_total, ids) in ranked.items()}
            cursor.execute(sql, [ids.get(p[1], []) if isinstance(p, tuple) else p for p in params])
            # Django reads JSON as text (its JSONField decodes it); so does a raw cursor.
            shown = {(index, pk): json.loads(columns) for index, pk, columns in cursor.fetchall()}
    groups = []
    for index, search_type in enumerate(TYPES):
        total, ids = ranked.get(index, (0, []))
        rows = [shown[index, pk] for pk in ids if (index, pk) in shown]
        groups.append(_group(search_type, total, rows, words))
    return groups


def stem(word: str) -> str:
    """A crude German stem for the SQLite fallback and for marking: the word's first letters."""
    return word[: max(4, len(word) - 3)]


def _simple_filter(queryset, search_type, words):
    spellings = [
        {stem(spelling) for spelling in (word, umlaut_spelling(word)) if spelling} for word in words
    ]
    words = [stem(word) for word in words]
    paths = [path for path, _weight in search_type.fields]
    title_paths = [path for path, weight in search_type.fields if weight == "A"] or paths
    condition = Q()
    for variants in spellings:
        condition &= Q.create(
            [(f"{path}__icontains", variant) for path in paths for variant in sorted(variants)],
            connector=Q.OR,
        )
    starts_title = Q.create(
        [(f"{path}__istartswith", words[0]) for path in title_paths], connector=Q.OR
    )
    in_title = Q.create([(f"{path}__icontains", words[0]) for path in title_paths], connector=Q.OR)
    rank = Case(
        When(starts_title, then=Value(2)),
        When(in_title, then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )
    return queryset.filter(condition).annotate(rank=rank).order_by("-rank", "pk")


def snippet(text: str, words: list[str]) -> str:
    """An escaped excerpt around the first match, with matching words in <mark>."""
    text = " ".join(str(text or "").split())
    if not text:
        return ""
    # A word matches from its first letters on, so inflected forms are marked as well.
    spellings = [
        spelling for word in words for spelling in (word, umlaut_spelling(word)) if spelling
    ]
    stems = [re.escape(stem(spelling)) for spelling in spellings]
    pattern = re.compile(r"\b(?:" + "|".join(stems) + r")\w*", re.IGNORECASE)
    match = pattern.search(text)
    start = max(0, (match.start() if match else 0) - SNIPPET_LENGTH // 3)
    end = start + SNIPPET_LENGTH
    # Cut between words, not inside one ("… line-Umfrage"): the cuts move inwards to the
    # nearest space, unless a single word is longer than the whole excerpt.
    if start > 0:
        space = text.find(" ", start - 1, match.start() if match else end)
        start = space + 1 if space >= 0 else start
    if end < len(text):
        space = text.rfind(" ", start, end + 1)
        end = space if space > start else end
    excerpt = text[start:end]
    prefix = "… " if start > 0 else ""
    suffix = " …" if end < len(text) else ""
    marked = pattern.sub(lambda m: f"\x01{m.group(0)}\x02", excerpt)
    html = escape(marked).replace("\x01", "<mark>").replace("\x02", "</mark>")
    return mark_safe(prefix + html + suffix)  # noqa: S308 - escaped above


def _group(search_type, total, rows, words):
    """The hits of a type from the shown columns of its rows."""
    group = Group(type=search_type, total=total)
    for columns in rows:
        obj = search_type.instance(columns)
        group.hits.append(
            Hit(
                # Titles are the German content; an insight's names its kind first.
                title=_marked(search_type.title(obj)),
                url=obj.get_absolute_url(),
                snippet=snippet(columns[TEXT], words),
                project=search_type.project(obj) if search_type.project else "",
            )
        )
    return group


def search(query: str, user) -> list[Group]:
    """The hits of every type, best first, with the number of matches per type."""
    words = words_of(query)
    if not words:
        return []
    if connection.vendor == "postgresql":
        return _postgres_search(user, words)
    groups = []
    for search_type in TYPES:
        # One query per type: the best hits with the total count as a window function.
        queryset = _simple_filter(search_type.queryset(is_editor(user)), search_type, words)
        rows = list(
            queryset.annotate(total=Window(Count("pk"))).values_list(
                "total", search_type.shown_json()
            )[:RESULTS_PER_TYPE]
        )
        total = rows[0][0] if rows else 0
        groups.append(_group(search_type, total, [columns for _total, columns in rows], words))
    return groups
