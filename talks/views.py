"""The public talks pages: open to everyone, signed in or not. They show what a lead chose to
share (the recording, and the minutes or documents when marked public too), never a meeting's
address or link."""

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from talks import selectors

TALKS_PER_PAGE = 10
QUERY_MAX_LENGTH = 100


def talk_list(request: HttpRequest) -> HttpResponse:
    query = " ".join(request.GET.get("q", "").split())[:QUERY_MAX_LENGTH]
    communities = selectors.communities_with_talks()
    slug = request.GET.get("communaute", "")
    community = next((c for c in communities if c.slug == slug), None)
    talks = selectors.search_talks(community=community, query=query)
    page = Paginator(talks, TALKS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "talks/talk_list.html",
        {
            "page": page,
            "talks": page.object_list,
            "communities": communities,
            "community": community,
            "query": query,
            "filtered": bool(query or slug),
        },
    )


def talk_detail(request: HttpRequest, pk: int) -> HttpResponse:
    talk = selectors.talk_detail(meeting_pk=pk)
    if talk is None:
        raise Http404
    return render(
        request,
        "talks/talk_detail.html",
        {"talk": talk, "meeting": talk.meeting, "community": talk.meeting.community},
    )
