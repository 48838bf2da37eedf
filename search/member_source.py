"""Members, found by their name, organisation, region and areas of expertise, by signed-in
members only. A closed account, a deactivated one or one without consent to its profile (Loi 25)
is never indexed; the e-mail address and the phone never are."""

from django.utils.translation import gettext_lazy as _

from members.models import Region, User
from search.registry import Audience, Document, SearchSource, register, watch
from search.text import in_both_languages

# A save limited to other fields (a log-in's last_login, a new password) changes no entry.
INDEXED_FIELDS = {
    "first_name",
    "last_name",
    "job_title",
    "organisation",
    "region",
    "expertise",
    "closed_at",
    "is_active",
    "privacy_consent_at",
}


def _document(member: User) -> Document | None:
    if member.closed_at is not None or not member.is_active or member.privacy_consent_at is None:
        return None
    if not member.get_full_name():
        return None  # nothing to show them by (their address is never shown)
    region = in_both_languages(Region(member.region).label) if member.region else ""
    return Document(
        title=member.get_full_name(),
        body=" · ".join(
            part
            for part in (member.job_title, member.organisation, region, member.expertise)
            if part
        ),
        url="",  # the member directory will give each member a page
        audience=Audience.SIGNED_IN,
        updated_at=member.date_joined,
    )


SOURCE = register(
    SearchSource(
        name="members.member",
        label=_("Member"),
        queryset=lambda: User.objects.all(),
        document=_document,
    )
)
watch(User, SOURCE, fields=INDEXED_FIELDS)
