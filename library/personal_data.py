"""The library's part of a member's personal data: the resources they posted and the ones they
marked useful. On closure the resources stay with their community, without their author; the
marks go."""

from typing import Any

from library.models import Resource, UsefulMark
from members.personal_data import DataSubject, PersonalDataPart, coded

SECTIONS = ("library_resources", "library_useful_marks")


def export(subject: DataSubject) -> dict[str, Any]:
    """Two queries (and one for the tags)."""
    user = subject.user
    resources = (
        Resource.objects.filter(author=user)
        .select_related("community")
        .prefetch_related("tags")
        .order_by("created_at", "pk")
    )
    marks = UsefulMark.objects.filter(member=user).select_related("resource").order_by("pk")
    return {
        "library_resources": [
            {
                "community": resource.community.name,
                "title": resource.title,
                "description": resource.description,
                "kind": coded(resource.kind, resource.get_kind_display()),
                "tags": [tag.name for tag in resource.tags.all()],
                "visibility": coded(resource.visibility, resource.get_visibility_display()),
                "link": resource.url,
                "created_at": resource.created_at,
            }
            for resource in resources
        ],
        "library_useful_marks": [
            {"resource": mark.resource.title, "at": mark.created_at} for mark in marks
        ],
    }


def erase(subject: DataSubject) -> None:
    user = subject.user
    Resource.objects.filter(author=user).update(author=None)
    UsefulMark.objects.filter(member=user).delete()


PART = PersonalDataPart(name="library", sections=SECTIONS, export=export, erase=erase)
