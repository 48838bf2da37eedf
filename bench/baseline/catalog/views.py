"""Two plain Django pages: a list of 300 rows in 2 queries, and a detail page in 2 queries."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render

from catalog.models import Community, Membership


def community_list(request):
    leads = Membership.objects.filter(role="lead").select_related("member")
    communities = Community.objects.order_by("name_en").prefetch_related(
        Prefetch("memberships", queryset=leads, to_attr="leads")
    )[:300]
    return render(request, "catalog/list.html", {"communities": communities})


def community_detail(request, slug):
    community = get_object_or_404(Community, slug=slug)
    members = Membership.objects.filter(community=community).select_related("member")
    return render(
        request,
        "catalog/detail.html",
        {"community": community, "members": members.order_by("member__last_name")},
    )
