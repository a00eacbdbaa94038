"""Paged lists: one page of rows with the total, in one query."""

import functools

from django.core.paginator import Paginator
from django.db.models import Count, Subquery, Value, Window

from transfer_portal.lib.compiled import compiled

PAGE_PARAMETER = "seite"
# Far beyond any list of the portal; a larger number is not turned into an OFFSET, which
# the database rejects beyond 64 bits (it goes the way of get_page(): the last page).
MAX_PAGE_NUMBER = 100_000
# paged_compiled(): the first pages are compiled queries (an OFFSET is part of the SQL, so
# each page number is a query of its own); later ones, seldom asked for, are built anew.
COMPILED_PAGES = 5


def paged(request, queryset, per_page, load=None):
    """The context of a paged list for includes/pagination.html.

    `listing` holds the page and its elided page range. `filter_query` is the query
    string without the page number, which the page links keep. `load(keys)` may fetch the
    page's rows, when the queryset only sorts keys.
    """
    return {
        "listing": _page(queryset, request.GET.get(PAGE_PARAMETER), per_page, load),
        "filter_query": _filter_query(request),
    }


def paged_compiled(request, build, per_page, *values, **shape):
    """paged() for a list written as `build(*values, **shape)`, a queryset, whose first
    pages run as compiled queries (lib/compiled.py). `build` is a module-level function:
    its compiled pages are kept by it."""
    number = _page_number(request.GET.get(PAGE_PARAMETER))
    if number is not None and number <= COMPILED_PAGES:
        page_query = _page_query(build)
        offset = (number - 1) * per_page
        rows = list(page_query(*values, offset=offset, per_page=per_page, **shape))
        if rows or number == 1:
            paginator = Paginator((), per_page)
            return _paged_context(request, paginator, _page_of(paginator, number, rows))
    return paged(request, build(*values, **shape), per_page)


@functools.cache
def _page_query(build):
    return compiled(
        lambda *values, offset, per_page, **shape: _with_total(build(*values, **shape))[
            offset : offset + per_page
        ]
    )


def _paged_context(request, paginator, page):
    return {
        "listing": {"page": page, "page_range": paginator.get_elided_page_range(page.number)},
        "filter_query": _filter_query(request),
    }


def _filter_query(request):
    query = request.GET.copy()
    query.pop(PAGE_PARAMETER, None)
    return query.urlencode()


def first_rows_query(queryset, count, *, keys_first=False, counted=True):
    """The first `count` rows (None: all), each with how many there are in all, in one
    query: for a page that shows the first ones and links to the full list. Run as a
    compiled query (lib/compiled.py); rows_and_total() reads the rows and their total.

    keys_first: the database sorts only the keys and loads the `count` rows shown after –
    for a list sorted by columns of a joined table, where it would otherwise sort every
    matching row with all its columns (a topic's 600 measures: 6.5 ms instead of ~1.5).
    counted: False when a stored count knows the total (given to rows_and_total())."""
    rows = _with_total(queryset) if counted else queryset
    if keys_first and count is not None:
        if queryset.query.group_by is not None:
            raise ValueError("The total of grouped rows is counted over the rows loaded.")
        return rows.filter(pk__in=Subquery(queryset.values("pk")[:count]))
    return rows[:count]


def rows_and_total(rows, total=None):
    """The rows of a first_rows_query() as a list, with the total they carry (or `total`)."""
    rows = list(rows)
    return rows, _total(rows) if total is None else total


def _with_total(queryset):
    """Each row carries the number of rows of the whole (unsliced) queryset.

    Whether a queryset is distinct or grouped only its `query` knows, which is not
    documented API (Django has no public question for it); tests/transfer_portal/
    test_listing.py counts both kinds and fails should their meaning change."""
    if queryset.query.distinct:
        # Neither way would count the rows after DISTINCT (paged() uses a Paginator).
        raise ValueError("A distinct queryset cannot carry its total.")
    if queryset.query.group_by is not None:
        # Rows that are themselves groups (an aggregate annotation): counted as they come.
        return queryset.annotate(listing_total=Window(Count("pk")))
    # Otherwise the same filter is counted in an uncorrelated subquery, which the database
    # runs once. Unlike COUNT(*) OVER (), it does not make the database build every
    # matching row with all its columns before LIMIT (on the large sample data the topic
    # page's insights took 16 ms that way, 6 ms now): the page's rows can come straight
    # from an index in their order.
    total = queryset.order_by().values(listing_one=Value(1)).annotate(n=Count("pk"))
    return queryset.annotate(listing_total=Subquery(total.values("n")))


def _total(rows):
    return rows[0].listing_total if rows else 0


def _page(queryset, number, per_page, load):
    paginator = Paginator(queryset, per_page)
    if load is None and not queryset.query.distinct:
        page = _counted_page(paginator, number)
    else:
        page = paginator.get_page(number)
    if load is not None:
        page.object_list = load(page.object_list)
    return {"page": page, "page_range": paginator.get_elided_page_range(page.number)}


def _counted_page(paginator, number):
    """Paginator.get_page() in one query instead of two: the rows carry the total.

    An empty list costs the same query as a full one. Only a number beyond the last page
    needs the count first, as get_page() does: it answers with the last page.
    """
    number = _page_number(number)
    if number is None:
        return paginator.get_page(MAX_PAGE_NUMBER + 1)
    offset = (number - 1) * paginator.per_page
    rows = list(_with_total(paginator.object_list)[offset : offset + paginator.per_page])
    if not rows and number > 1:
        return paginator.get_page(number)
    return _page_of(paginator, number, rows)


def _page_number(text):
    """The page asked for (1 when none or not a number), None beyond MAX_PAGE_NUMBER."""
    try:
        number = max(int(text), 1)
    except (TypeError, ValueError):
        number = 1
    return None if number > MAX_PAGE_NUMBER else number


def _page_of(paginator, number, rows):
    """The page `number` of rows that carry their total; an empty first page for none."""
    paginator.count = _total(rows)  # a cached_property: set, it is not counted again
    page = paginator.page(number)
    page.object_list = rows
    return page
