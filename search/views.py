"""The search page: anyone may search; each finds only what they may see (search.selectors)."""

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from search import selectors


def search_page(request: HttpRequest) -> HttpResponse:
    outcome = selectors.search(
        user=request.user,
        query=request.GET.get("q", ""),
        source=request.GET.get("type", ""),
        page_number=request.GET.get("page", 1),
    )
    base = {"q": outcome.query}
    return render(
        request,
        "search/search.html",
        {
            "search": outcome,
            "page": outcome.page,
            # Links keep the query (and the type) across pages and filters.
            "query_string": urlencode(
                {**base, **({"type": outcome.source} if outcome.source else {})}
            ),
            "all_types_query": urlencode(base),
            "login_url": reverse("account_login")
            + "?"
            + urlencode({"next": request.get_full_path()}),
        },
    )
