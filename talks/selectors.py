"""What the talks pages read: the follow-ups whose recording a lead shared with everyone.
Each selector costs a fixed number of queries, whatever the number of talks."""

from functools import reduce
from operator import and_

from django.db.models import Q, QuerySet

from communities.models import Community
from meetings.models import FollowUp

SEARCH_WORDS = 8  # more words than this in a search are ignored


def public_talks() -> QuerySet[FollowUp]:
    """Every public talk, the most recent meeting first, with its meeting and community."""
    return (
        FollowUp.objects.filter(recording_public=True)
        .exclude(recording_url="")
        .select_related("meeting__community")
        .order_by("-meeting__starts_at", "-pk")
    )


def _matches(word: str) -> Q:
    return (
        Q(meeting__title__icontains=word)
        | Q(speakers__icontains=word)
        | Q(meeting__invited_experts__icontains=word)
        | Q(public_summary__icontains=word)
        | Q(meeting__community__name_fr__icontains=word)
        | Q(meeting__community__name_en__icontains=word)
    )


def search_talks(*, community: Community | None = None, query: str = "") -> QuerySet[FollowUp]:
    """The public talks of ``community`` (all when None) whose title, speakers, summary or
    community holds every word of ``query``."""
    talks = public_talks()
    if community is not None:
        talks = talks.filter(meeting__community=community)
    words = query.split()[:SEARCH_WORDS]
    if words:
        talks = talks.filter(reduce(and_, (_matches(word) for word in words)))
    return talks


def talk_detail(*, meeting_pk: int) -> FollowUp | None:
    """One public talk, with its documents when they are public too (two queries)."""
    talk = public_talks().filter(meeting_id=meeting_pk).first()
    if talk is not None:
        talk.public_documents = list(talk.documents.all()) if talk.documents_public else []
    return talk


def communities_with_talks() -> list[Community]:
    """The communities for the filter: those with at least one public talk."""
    with_talks = public_talks().order_by().values("meeting__community_id")
    return list(Community.objects.filter(pk__in=with_talks).order_by("name_fr"))


def latest_talks(*, limit: int) -> list[FollowUp]:
    return list(public_talks()[:limit])
