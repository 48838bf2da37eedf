"""The library's writes: who may post, edit and remove, and the one "useful" mark per member
(held by the database's unique constraint)."""

from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction

from communities.models import Community, Membership
from communities.permissions import can_decide_requests, is_member
from library.models import Resource, ResourceVersion, Tag, UsefulMark, Visibility
from members.models import User


def parse_tags(text: str) -> list[str]:
    """Comma-separated tags, trimmed, lower-cased, without duplicates, in the order typed."""
    seen: list[str] = []
    for raw in text.split(","):
        name = " ".join(raw.split()).lower()[:50]
        if name and name not in seen:
            seen.append(name)
    return seen


def can_post(user, community: Community) -> bool:
    return user.is_authenticated and (user.is_staff or is_member(user, community))


def can_change(user, resource: Resource) -> bool:
    """The author (while a member) or a lead of the community, or staff."""
    if not user.is_authenticated:
        return False
    if can_decide_requests(user, resource.community):
        return True
    return resource.author_id == user.pk and is_member(user, resource.community)


def _set_tags(resource: Resource, tags: str) -> None:
    names = parse_tags(tags)
    for name in names:
        Tag.objects.get_or_create(name=name)
    resource.tags.set(Tag.objects.filter(name__in=names))


@transaction.atomic
def resource_create(
    *,
    community: Community,
    author: User,
    title: str,
    description: str = "",
    kind: str,
    tags: str = "",
    municipality_size: str = "",
    visibility: str = Visibility.COMMUNITY,
    url: str = "",
    file: UploadedFile | None = None,
) -> Resource:
    if not can_post(author, community):
        raise PermissionDenied
    resource = Resource.objects.create(
        community=community,
        author=author,
        title=title,
        description=description,
        kind=kind,
        municipality_size=municipality_size,
        visibility=visibility,
        url=url,
    )
    _set_tags(resource, tags)
    if file is not None:
        ResourceVersion.objects.create(resource=resource, file=file, uploaded_by=author)
    return resource


@transaction.atomic
def resource_update(
    *,
    resource: Resource,
    updated_by: User,
    title: str,
    description: str = "",
    kind: str,
    tags: str = "",
    municipality_size: str = "",
    visibility: str = Visibility.COMMUNITY,
    url: str = "",
    file: UploadedFile | None = None,
) -> Resource:
    """A new file becomes the current version; the earlier ones are kept."""
    if not can_change(updated_by, resource):
        raise PermissionDenied
    resource.title = title
    resource.description = description
    resource.kind = kind
    resource.municipality_size = municipality_size
    resource.visibility = visibility
    resource.url = url
    resource.save()
    _set_tags(resource, tags)
    if file is not None:
        ResourceVersion.objects.create(resource=resource, file=file, uploaded_by=updated_by)
    return resource


def resource_remove(*, resource: Resource, removed_by: User) -> None:
    """The resource and its versions go; their files leave the storage once the removal is
    committed (a rollback keeps both), as a meeting document's do."""
    if not can_change(removed_by, resource):
        raise PermissionDenied
    with transaction.atomic():
        files = [(version.file.storage, version.file.name) for version in resource.versions.all()]
        resource.delete()
        for storage, name in files:
            transaction.on_commit(lambda storage=storage, name=name: storage.delete(name))


def can_mark_useful(user, resource: Resource) -> bool:
    """ "Useful" counts what members of the association found useful: a member of any community
    who may see the resource marks it; a visitor's account without a seat does not."""
    return user.is_authenticated and Membership.objects.filter(member=user).exists()


def useful_toggle(*, resource: Resource, member: User) -> bool:
    """Marks the resource useful for the member, or takes the mark back; returns whether it is
    now marked. Two concurrent marks leave one row (the unique constraint)."""
    if not can_mark_useful(member, resource):
        raise PermissionDenied
    deleted, _ = UsefulMark.objects.filter(resource=resource, member=member).delete()
    if deleted:
        return False
    try:
        with transaction.atomic():
            UsefulMark.objects.create(resource=resource, member=member)
    except IntegrityError:
        pass  # the same member's other click won: marked once
    return True
