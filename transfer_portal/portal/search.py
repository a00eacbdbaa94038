"""Portal-wide search over topics, projects, measures, lessons learned, offers, dates and surveys.

PostgreSQL: full-text search with the German configuration (stemming, so inflected forms
find each other), prefix matching for the last word, title weighted above summary above
body, ranked. SQLite: every word must occur in one of the fields; titles rank first.
Snippets are made in Python for both, escaped, with the matching words marked.
"""

import re
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import (
    Case,
    Count,
    Expression,
    Func,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
    Window,
)
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from offers.models import EventDate, Offer
from projects.models import Insight, Measure, ModelProject, Topic
from surveys.models import Survey
from transfer_portal.lib import search_vectors
from transfer_portal.lib.content_language import mark

MAX_QUERY_LENGTH = 200
MAX_WORDS = 8
RESULTS_PER_TYPE = 10
CANDIDATES = 500
SNIPPET_LENGTH = 220
WORD = re.compile(r"\w+", re.UNICODE)
# Models with a stored, indexed search vector on PostgreSQL, declared with the model
# (search_weights) and added by its app's migration (transfer_portal/lib/search_vectors.py).
STORED_VECTOR_MODELS = (ModelProject, Measure, Insight, Offer)
# A date's vector holds its own fields; its offer's title is added from the offer's stored
# vector (the part weighted A), as a generated column cannot read another table.
DATE_OWN_FIELDS = EventDate.search_weights


@dataclass(frozen=True)
class SearchType:
    key: str
    label: str
    queryset: callable
    # (field path, weight) – weight A (title), B (summary), C (body) or D (context).
    fields: tuple
    title: callable
    text: callable
    # The model project a hit belongs to, where its title does not say it.
    project: callable = None


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


def _dates(user):
    return EventDate.objects.visible_to(user).filter(cancelled=False).select_related("offer")


TYPES = [
    # Topics first: a topic page gathers projects, measures, survey interest and offers.
    SearchType(
        "topics",
        _("Topics"),
        lambda user: Topic.objects.all(),
        Topic.search_weights,
        lambda obj: obj.name,
        lambda obj: obj.description,
    ),
    SearchType(
        "projects",
        _("Model projects"),
        lambda user: ModelProject.objects.visible_to(user),
        ModelProject.search_weights,
        lambda obj: obj.title,
        lambda obj: obj.summary or obj.description or obj.motto,
    ),
    SearchType(
        "measures",
        _("Measures"),
        lambda user: Measure.objects.visible_to(user).select_related("project"),
        Measure.search_weights,
        lambda obj: obj.title,
        lambda obj: obj.summary or obj.description or obj.transfer_notes,
        project=lambda obj: obj.project.title,
    ),
    SearchType(
        "insights",
        _("Lessons learned"),
        lambda user: Insight.objects.visible_to(user).select_related("project", "measure"),
        Insight.search_weights,
        lambda obj: format_html("{}: {}", obj.get_kind_display(), mark(obj.project.title)),
        lambda obj: obj.text,
    ),
    SearchType(
        "offers",
        _("Offers of the DigitalAgentur"),
        lambda user: Offer.objects.visible_to(user),
        Offer.search_weights,
        lambda obj: obj.title,
        lambda obj: obj.summary or obj.description,
    ),
    SearchType(
        "dates",
        _("Dates"),
        _dates,
        (*DATE_OWN_FIELDS, ("offer__title", "A")),
        lambda obj: f"{obj.offer.title} – {obj.title}",
        lambda obj: obj.location,
    ),
    SearchType(
        "surveys",
        _("Surveys"),
        lambda user: Survey.objects.visible_to(user),
        Survey.search_weights,
        lambda obj: obj.title,
        lambda obj: obj.summary or obj.intro,
    ),
]


def words_of(query: str) -> list[str]:
    """The searchable words of a query: letters and digits only, bounded in number."""
    return [word for word in WORD.findall(query[:MAX_QUERY_LENGTH]) if len(word) <= 50][:MAX_WORDS]


def search_vector(search_type, fields=None):
    """The weighted German text vector of a type (or of some of its fields); the stored
    vectors and their GIN indexes use the same expression."""
    from django.contrib.postgres.search import SearchVector

    vector = None
    for path, weight in fields or search_type.fields:
        part = SearchVector(path, weight=weight, config="german")
        vector = part if vector is None else vector + part
    return vector


class StoredVector(Expression):
    """The stored search vector of the queried table (PostgreSQL; lib/search_vectors.py).

    The column is not a model field, so it is named here, qualified with the alias the
    table has in the query being compiled (its own name, or U0 in a subquery). Django has
    no public way to ask a query for that alias: Query.get_initial_alias() is internal.
    tests/transfer_portal/test_search.py runs the search on PostgreSQL, also inside a
    subquery, and fails should its meaning change."""

    def __init__(self):
        from django.contrib.postgres.search import SearchVectorField

        super().__init__(output_field=SearchVectorField())

    def as_sql(self, compiler, connection):
        alias = compiler.quote_name(compiler.query.get_initial_alias())
        return f"{alias}.{connection.ops.quote_name(search_vectors.COLUMN)}", []


def _date_vector():
    """A date's stored vector and its offer's title: the A-weighted part of the offer's
    stored vector (ts_filter), read in a correlated subquery. Parsing the three texts of
    every date instead took 20 ms for 2,000 dates."""
    from django.contrib.postgres.search import SearchVectorField

    offer_vector = Subquery(
        Offer.objects.filter(pk=OuterRef("offer_id")).annotate(v=StoredVector()).values("v")
    )
    offer_title = Func(
        offer_vector,
        function="ts_filter",
        template="%(function)s(%(expressions)s, '{a}')",
        output_field=SearchVectorField(),
    )
    return Func(
        StoredVector(),
        offer_title,
        template="(%(expressions)s)",
        arg_joiner=" || ",
        output_field=SearchVectorField(),
    )


def _vector(queryset, search_type):
    if queryset.model in STORED_VECTOR_MODELS:
        return StoredVector()
    if queryset.model is EventDate:
        return _date_vector()
    return search_vector(search_type)


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


def _postgres_filter(queryset, search_type, words):
    from django.contrib.postgres.search import SearchQuery, SearchRank

    vector = _vector(queryset, search_type)
    # Words are \w+ only, so they cannot carry tsquery operators. The last one is a prefix.
    # A word typed without umlauts ("Mobilitaet") also matches the umlaut spelling.
    terms = [
        _spellings(word, prefix=position == len(words) - 1) for position, word in enumerate(words)
    ]
    raw = " & ".join(terms)
    query = SearchQuery(raw, search_type="raw", config="german")
    # Matching uses the GIN index; ranking is bounded to the first CANDIDATES matches, so a
    # word found in thousands of entries stays fast.
    candidates = (
        queryset.annotate(search=vector).filter(search=query).order_by().values("pk")[:CANDIDATES]
    )
    return (
        queryset.filter(pk__in=Subquery(candidates))
        .annotate(rank=SearchRank(vector, query))
        .order_by("-rank", "pk")
    )


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


def search(query: str, user) -> list[Group]:
    """One query per type: the best hits with the total count as a window function."""
    words = words_of(query)
    if not words:
        return []
    on_postgres = connection.vendor == "postgresql"
    groups = []
    for search_type in TYPES:
        queryset = search_type.queryset(user)
        if on_postgres:
            queryset = _postgres_filter(queryset, search_type, words)
        else:
            queryset = _simple_filter(queryset, search_type, words)
        rows = list(queryset.annotate(total=Window(Count("pk")))[:RESULTS_PER_TYPE])
        group = Group(type=search_type, total=rows[0].total if rows else 0)
        for obj in rows:
            group.hits.append(
                Hit(
                    # Titles are the German content; an insight's names its kind first.
                    title=_marked(search_type.title(obj)),
                    url=obj.get_absolute_url(),
                    snippet=snippet(search_type.text(obj), words),
                    project=search_type.project(obj) if search_type.project else "",
                )
            )
        groups.append(group)
    return groups
