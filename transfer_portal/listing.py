"""Paged lists whose page is computed only when a template renders it."""

from django.core.paginator import Paginator

from transfer_portal import page_cache

PAGE_PARAMETER = "seite"


def paged(request, queryset, per_page, load=None):
    """The context of a paged list for includes/pagination.html.

    `listing` holds the page and its elided page range, lazily: a list from the fragment
    cache costs no count query. `filter_query` is the query string without the page
    number, which the page links keep. `load(keys)` may fetch the page's rows, when the
    queryset only sorts keys.
    """
    query = request.GET.copy()
    query.pop(PAGE_PARAMETER, None)
    number = request.GET.get(PAGE_PARAMETER)
    return {
        "listing": page_cache.lazy(_page, queryset, number, per_page, load),
        "filter_query": query.urlencode(),
    }


def _page(queryset, number, per_page, load):
    page = Paginator(queryset, per_page).get_page(number)
    if load is not None:
        page.object_list = load(page.object_list)
    return {"page": page, "page_range": page.paginator.get_elided_page_range(page.number)}
