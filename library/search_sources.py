"""The library in the portal's search: each resource found by its title, description, tags,
kind and the text of its current file, by those its visibility lets see it (the same rule as
library.selectors.visible_visibilities)."""

from django.db.models.signals import pre_save
from django.dispatch import receiver
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from library.models import Kind, Resource, ResourceVersion, Tag, Visibility
from search.extraction import extract_file_text
from search.registry import Audience, Document, SearchSource, register, watch, watch_many_to_many
from search.text import in_both_languages

AUDIENCES = {
    Visibility.COMMUNITY: Audience.COMMUNITY,
    Visibility.ASSOCIATION: Audience.ASSOCIATION,
    Visibility.PUBLIC: Audience.PUBLIC,
}


@receiver(pre_save, sender=ResourceVersion, dispatch_uid="library:version_text")
def _read_version_text(sender, instance: ResourceVersion, raw=False, **kwargs) -> None:
    """Reads the words of a new version's file once, before it is stored; a file that cannot
    be read has none, and its upload goes on (search.extraction never raises)."""
    if not raw and instance.text is None and instance.file:
        instance.text = extract_file_text(instance.file)


def _current_text(resource: Resource) -> str:
    versions = list(resource.versions.all())  # prefetched, the newest first
    if not versions:
        return ""
    current = versions[0]
    if current.text is None:  # uploaded before the search read files: read it once now
        current.text = extract_file_text(current.file)
        ResourceVersion.objects.filter(pk=current.pk).update(text=current.text)
    return current.text


def _document(resource: Resource) -> Document:
    return Document(
        title=resource.title,
        body="\n".join(
            part
            for part in (
                in_both_languages(Kind(resource.kind).label),
                " ".join(tag.name for tag in resource.tags.all()),
                resource.description,
                _current_text(resource),
            )
            if part
        ),
        url=reverse("library:detail", args=[resource.pk]),
        audience=AUDIENCES[resource.visibility],
        community_id=resource.community_id,
        updated_at=resource.updated_at,
    )


SOURCE = register(
    SearchSource(
        name="library.resource",
        label=_("Library resource"),
        queryset=lambda: Resource.objects.prefetch_related("tags", "versions"),
        document=_document,
    )
)
watch(Resource, SOURCE)
watch(ResourceVersion, SOURCE, pks=lambda version: [version.resource_id])
watch(Tag, SOURCE, pks=lambda tag: tag.resources.values_list("pk", flat=True))
watch_many_to_many(Resource.tags.through, SOURCE)
