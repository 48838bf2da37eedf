"""What the members' directory reads: the members who chose to be listed, with what the page
shows of each, in a fixed number of queries whatever the number of members."""

from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet

from communities.models import Community, Membership, Role
from members.models import ExpertiseArea, User, searchable
from members.selectors import with_expertise_areas


def listed_members() -> QuerySet[User]:
    """Who the directory may show: open, active accounts whose holder consented to the portal
    and chose to be listed, with a name (an account without one would show its address)."""
    return User.objects.filter(
        directory_listed=True,
        is_active=True,
        closed_at__isnull=True,
        privacy_consent_at__isnull=False,
    ).exclude(Q(first_name="") & Q(last_name=""))


def directory_search(
    *, text: str = "", area: ExpertiseArea | None = None, region: str = ""
) -> QuerySet[User]:
    """The listed members matching every word of ``text`` (in their name, organisation or
    free expertise text, whatever the case and accents), who chose ``area`` and work in
    ``region``, by name; their areas and communities come with them (two more queries for a
    page, whatever its size)."""
    members = listed_members()
    for word in searchable(text).split():
        members = members.filter(search_text__contains=word)
    if area is not None:
        members = members.filter(expertise_areas=area)
    if region:
        members = members.filter(region=region)
    return with_expertise_areas(members.order_by("last_name", "first_name", "pk")).prefetch_related(
        Prefetch(
            "memberships",
            queryset=Membership.objects.select_related("community"),
            to_attr="directory_memberships",
        )
    )


@dataclass(frozen=True)
class DirectoryEntry:
    """One member as the reader sees them in the directory. ``email`` and ``phone`` are empty
    unless the reader may see them (``contact_shown_to``)."""

    member: User
    areas: list[ExpertiseArea]
    communities: list[Community]
    email: str
    phone: str


def _viewer_roles(viewer: User) -> dict[int, str]:
    return dict(Membership.objects.filter(member=viewer).values_list("community_id", "role"))


def contact_shown_to(viewer: User, member: User, viewer_roles: dict[int, str]) -> bool:
    """Loi 25: a member's e-mail and phone show in the directory when they chose so for the
    directory (``directory_contact_visible``). Whoever would see them on a community's page
    anyway sees them here too (``communities.permissions.can_see_contact_details``): the
    member themselves, staff, the leads of the member's communities, and fellow members when
    the member shows them to their communities (``contact_visible``). ``viewer_roles``: the
    viewer's role per community id; the member's memberships are prefetched."""
    if member.directory_contact_visible or member.pk == viewer.pk or viewer.is_staff:
        return True
    for membership in member.directory_memberships:
        role = viewer_roles.get(membership.community_id)
        if role == Role.LEAD or (role is not None and member.contact_visible):
            return True
    return False


def directory_entries(*, viewer: User, members) -> list[DirectoryEntry]:
    """``members`` (one page of ``directory_search``) as ``viewer`` sees them: one query more
    (the viewer's own memberships)."""
    viewer_roles = _viewer_roles(viewer)
    entries = []
    for member in members:
        shown = contact_shown_to(viewer, member, viewer_roles)
        communities = sorted(
            (membership.community for membership in member.directory_memberships),
            key=lambda community: community.name,
        )
        entries.append(
            DirectoryEntry(
                member=member,
                areas=member.active_expertise_areas,
                communities=communities,
                email=member.email if shown else "",
                phone=member.phone if shown else "",
            )
        )
    return entries
