"""The members in the portal's search, as the directory shows them: only those who chose to be
listed (open, active, consented accounts with a name; directory.selectors.listed_members), by
their name, organisation, region, areas of expertise (both languages) and free expertise text,
for signed-in members. Never an address or a phone."""

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from members.models import ExpertiseArea, User
from members.selectors import member_searchable_text, with_expertise_areas
from members.signals import expertise_areas_merged
from search.registry import (
    Audience,
    Document,
    SearchSource,
    register,
    watch,
    watch_many_to_many,
    watch_signal,
)

# A save limited to other fields (a log-in's last_login, a new password) changes no entry.
INDEXED_FIELDS = {
    "first_name",
    "last_name",
    "job_title",
    "organisation",
    "region",
    "expertise",
    "directory_listed",
    "closed_at",
    "is_active",
    "privacy_consent_at",
}


def _document(member: User) -> Document | None:
    listed = (
        member.directory_listed
        and member.is_active
        and member.closed_at is None
        and member.privacy_consent_at is not None
    )
    name = member.get_full_name()
    if not (listed and name):
        return None
    return Document(
        title=name,
        body=" · ".join(
            part
            for part in (member.job_title, *member_searchable_text(member).split("\n")[1:])
            if part
        ),
        # The directory finds them by name, and shows what each reader may see of them.
        url=f"{reverse('directory:list')}?{urlencode({'q': name})}",
        audience=Audience.SIGNED_IN,
        updated_at=member.date_joined,
    )


SOURCE = register(
    SearchSource(
        name="members.member",
        label=_("Member"),
        queryset=lambda: with_expertise_areas(User.objects.all()),
        document=_document,
    )
)
watch(User, SOURCE, fields=INDEXED_FIELDS)
watch_many_to_many(User.expertise_areas.through, SOURCE)
watch(ExpertiseArea, SOURCE, pks=lambda area: area.members.values_list("pk", flat=True))

# A merge of areas moves the members' links in bulk, without m2m_changed: it says whose.
watch_signal(expertise_areas_merged, SOURCE, pks=lambda member_ids, **kwargs: member_ids)
