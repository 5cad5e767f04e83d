"""Pagination for list pages: ``?page=`` and ``?per_page=`` (10, 20, 50, 100)."""

from typing import Any

from django.core.paginator import Paginator

PAGE_SIZES = (10, 20, 50, 100)


def paginate(request, queryset, default: int = 20):
    try:
        per_page = int(request.GET.get("per_page", default))
    except ValueError:
        per_page = default
    if per_page not in PAGE_SIZES:
        per_page = default
    paginator = Paginator(queryset, per_page)
    # Any: the page carries extra attributes for the template (querystring, per_page, page_sizes, window).
    page: Any = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    page.querystring = query.urlencode()
    page.per_page = per_page
    page.page_sizes = PAGE_SIZES
    shown = [n for n in paginator.page_range if n in (1, paginator.num_pages) or abs(n - page.number) <= 2]
    # (page number, whether a gap "…" comes before it)
    page.window = [(n, i > 0 and n - shown[i - 1] > 1) for i, n in enumerate(shown)]
    return page
