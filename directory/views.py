"""The members' directory: for signed-in members only (visitors are sent to log in)."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from directory import selectors
from directory.forms import DirectorySearchForm

MEMBERS_PER_PAGE = 20


@require_GET
@login_required
def directory(request: HttpRequest) -> HttpResponse:
    form = DirectorySearchForm(request.GET)
    filters = form.cleaned_data if form.is_valid() else {}
    members = selectors.directory_search(
        text=filters.get("q", ""),
        area=filters.get("area"),
        region=filters.get("region", ""),
    )
    if form.is_bound and not form.is_valid():
        members = members.none()
    page = Paginator(members, MEMBERS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "directory/directory.html",
        {
            "form": form,
            "page": page,
            "entries": selectors.directory_entries(viewer=request.user, members=page.object_list),
            "filtered": any(filters.get(name) for name in ("q", "area", "region"))
            or not form.is_valid(),
        },
    )
