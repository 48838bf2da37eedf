"""The library's section of the weekly digest: the resources posted in the member's
communities since their last digest, newest first."""

from django.utils.translation import gettext_lazy as _

from digest.registry import DigestItem, DigestRequest, digest_section
from library.models import Resource
from notifications.rendering import absolute_url


def _item(resource: Resource) -> DigestItem:
    return DigestItem(
        title=resource.title,
        url=absolute_url("library:detail", resource.pk),
        detail=str(resource.get_kind_display()),
    )


@digest_section("library", title=_("New in the library"), order=10)
def new_resources(request: DigestRequest) -> dict[tuple[int, int], list[DigestItem]]:
    """One query for the whole batch. Every resource of a community is visible to its
    members, whatever its visibility."""
    resources = Resource.objects.filter(
        community_id__in=request.all_communities,
        created_at__gte=request.earliest,
        created_at__lt=request.now,
    ).order_by("-created_at", "-pk")
    return request.per_member(resources, item=_item)
