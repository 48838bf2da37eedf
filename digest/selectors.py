"""What a member's digest holds: the communities where they chose it, since when, and what
each registered section has for them there, read for a whole batch of members at once."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Max
from django.utils import timezone

from communities.models import Community, Membership, NotificationChoice
from digest.models import DigestSent
from digest.registry import DigestItem, DigestRequest, Section, sections

# A member's first digest (or their first after weeks without one) covers at most this.
FIRST_DIGEST_SPAN = timedelta(days=7)
LONGEST_SPAN = timedelta(days=14)


def week_of(moment: datetime) -> date:
    """The Monday, in Montréal, of the week ``moment`` falls in."""
    local = timezone.localdate(moment)
    return local - timedelta(days=local.weekday())


@dataclass
class CommunityDigest:
    """What one community has for one member: its sections (title, items) in order."""

    community: Community
    sections: list[tuple[Section, list[DigestItem]]] = field(default_factory=list)

    @property
    def has_news(self) -> bool:
        return any(item.is_new for _section, items in self.sections for item in items)


def digest_request(
    *, member_ids: list[int], now: datetime, since: dict[int, datetime] | None = None
) -> DigestRequest:
    """The request for a batch of members: the communities where they chose the digest (one
    query) and, unless given, since when (their last digest, one query)."""
    communities: dict[int, set[int]] = defaultdict(set)
    chosen = Membership.objects.filter(
        member_id__in=member_ids, notifications=NotificationChoice.DIGEST
    ).values_list("member_id", "community_id")
    for member_id, community_id in chosen:
        communities[member_id].add(community_id)
    if since is None:
        last = dict(
            DigestSent.objects.filter(member_id__in=list(communities))
            .values("member_id")
            .annotate(last=Max("created_at"))
            .values_list("member_id", "last")
        )
        since = {
            member_id: max(last[member_id], now - LONGEST_SPAN)
            if member_id in last
            else now - FIRST_DIGEST_SPAN
            for member_id in communities
        }
    return DigestRequest(
        communities={member_id: frozenset(ids) for member_id, ids in communities.items()},
        since={member_id: since[member_id] for member_id in communities if member_id in since},
        now=now,
    )


def digest_contents(request: DigestRequest) -> dict[int, list[CommunityDigest]]:
    """Each member's digest, by community (in name order): every section asked once for the
    whole batch. Members whose digest holds nothing are absent."""
    request = DigestRequest(
        communities={m: ids for m, ids in request.communities.items() if m in request.since},
        since=request.since,
        now=request.now,
    )
    found: dict[tuple[int, int], list[tuple[Section, list[DigestItem]]]] = defaultdict(list)
    for section in sections():
        for key, items in section.collect(request).items():
            if items:
                found[key].append((section, items))
    names = Community.objects.filter(pk__in={community_id for _m, community_id in found})
    communities = {community.pk: community for community in names}
    contents: dict[int, list[CommunityDigest]] = defaultdict(list)
    for (member_id, community_id), of_sections in found.items():
        contents[member_id].append(
            CommunityDigest(community=communities[community_id], sections=of_sections)
        )
    for digests in contents.values():
        digests.sort(key=lambda digest: (digest.community.name, digest.community.pk))
    return dict(contents)


def has_news(digests: list[CommunityDigest] | None) -> bool:
    return any(digest.has_news for digest in digests or ())
