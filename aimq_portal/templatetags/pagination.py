"""Page links that keep the visitor's filters: used by ``includes/pagination.html``."""

from __future__ import annotations

from django import template
from django.core.paginator import Page
from django.http import QueryDict

register = template.Library()


@register.simple_tag(takes_context=True)
def page_url(context: template.Context, number: int, param: str = "page") -> str:
    """The query string (``?...``) of the current page with ``param`` set to ``number``.

    The other parameters (filters, sort, another list's page on the same screen) stay, so
    paging never loses what the visitor chose. The tag's output is escaped (``&amp;``).
    """
    request = context.get("request")
    query = request.GET.copy() if request is not None else QueryDict(mutable=True)
    query[param] = str(number)
    return "?" + query.urlencode()


@register.simple_tag
def page_numbers(page: Page) -> list[int | None]:
    """The page numbers to link, ``None`` where a run of pages is left out.

    A list of hundreds of pages shows its ends and the pages around the current one instead
    of a link per page; a short list shows every page.
    """
    return [
        None if number == page.paginator.ELLIPSIS else number
        for number in page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    ]
