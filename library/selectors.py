"""The library's reads: what a reader may see, and the community's meeting follow-ups."""

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from communities.models import Community, Membership
from library.models import Resource, Visibility
from meetings.models import FollowUp, FollowUpDocument


def visible_visibilities(user, community: Community) -> list[str]:
    """Members (and staff) see everything of their community; members of any community see
    what is shared with the association; visitors see what is public."""
    if user.is_authenticated:
        if user.is_staff or Membership.objects.filter(community=community, member=user).exists():
            return [Visibility.COMMUNITY, Visibility.ASSOCIATION, Visibility.PUBLIC]
        if Membership.objects.filter(member=user).exists():
            return [Visibility.ASSOCIATION, Visibility.PUBLIC]
    return [Visibility.PUBLIC]


def can_see_authors(user, community: Community) -> bool:
    """Who shared a resource is the community's business: its members and staff see the
    authors' names, others do not (Loi 25)."""
    return Visibility.COMMUNITY in visible_visibilities(user, community)


def resource_list(
    *, user, community: Community, kind: str = "", tag: str = "", sort: str = "newest"
) -> QuerySet[Resource]:
    resources = (
        Resource.objects.filter(
            community=community, visibility__in=visible_visibilities(user, community)
        )
        .select_related("author")
        .prefetch_related("tags")
        .annotate(useful_count=Count("useful_marks", distinct=True))
    )
    if kind:
        resources = resources.filter(kind=kind)
    if tag:
        resources = resources.filter(tags__name=tag)
    if sort == "useful":
        return resources.order_by("-useful_count", "-created_at", "-pk")
    return resources.order_by("-created_at", "-pk")


def resource_for(*, user, pk: int) -> Resource | None:
    resource = (
        Resource.objects.select_related("community", "author")
        .prefetch_related("tags", "versions")
        .annotate(useful_count=Count("useful_marks", distinct=True))
        .filter(pk=pk)
        .first()
    )
    if resource is None or resource.visibility not in visible_visibilities(
        user, resource.community
    ):
        return None
    return resource


def is_marked_useful(*, user, resource: Resource) -> bool:
    return user.is_authenticated and resource.useful_marks.filter(member=user).exists()


def community_tags(*, user, community: Community) -> list[str]:
    """The tags of the resources the reader may see (no tag tells of a hidden resource)."""
    resources = Resource.objects.filter(
        community=community, visibility__in=visible_visibilities(user, community)
    )
    return sorted(set(resources.values_list("tags__name", flat=True)) - {None})


def meeting_followups(*, user, community: Community) -> QuerySet[FollowUp]:
    """The follow-ups of the community's meetings that show the reader something, newest
    first: members and staff see every follow-up with content, others those where a lead
    shared the minutes, a document or the recording. Filtered in SQL, so a page of them can
    be taken; ``followup_items`` tells what of each the reader sees."""
    followups = FollowUp.objects.filter(meeting__community=community)
    with_documents = Exists(FollowUpDocument.objects.filter(followup=OuterRef("pk")))
    if _sees_everything(user, community):
        shown = ~Q(minutes="") | ~Q(recording_url="") | Q(with_documents)
    else:
        shown = (
            (Q(minutes_public=True) & ~Q(minutes=""))
            | (Q(recording_public=True) & ~Q(recording_url=""))
            | (Q(documents_public=True) & Q(with_documents))
        )
    return (
        followups.filter(shown)
        .select_related("meeting")
        .prefetch_related("documents")
        .order_by("-meeting__starts_at", "-pk")
    )


def followup_items(followups, *, user, community: Community) -> list[dict]:
    """What the reader sees of each follow-up (of one page of ``meeting_followups``)."""
    private = _sees_everything(user, community)
    items = []
    for followup in followups:
        documents = list(followup.documents.all()) if private or followup.documents_public else []
        recording = bool(followup.recording_url) and (private or followup.recording_public)
        items.append(
            {
                "meeting": followup.meeting,
                "minutes": bool(followup.minutes) and (private or followup.minutes_public),
                "documents": documents,
                "recording_url": followup.recording_url if recording else "",
            }
        )
    return items


def _sees_everything(user, community: Community) -> bool:
    return user.is_authenticated and (
        user.is_staff or Membership.objects.filter(community=community, member=user).exists()
    )


def member_resources(user) -> QuerySet[Resource]:
    return Resource.objects.filter(author=user).select_related("community").prefetch_related("tags")
