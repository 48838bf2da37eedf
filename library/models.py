"""A community's library: resources its members share (an uploaded document, kept with its
earlier versions, or a link), and the members' "useful" marks, one per member and resource
(held by the database)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from aimq_portal.validators import validate_single_line
from communities.models import Community
from meetings.models import DOCUMENT_VALIDATORS, https_validator


class Kind(models.TextChoices):
    TEMPLATE = "template", _("Template")
    GUIDE = "guide", _("Guide")
    SPECIFICATION = "specification", _("Specification")
    LESSON = "lesson", _("Lesson learned")
    PRESENTATION = "presentation", _("Presentation")
    TOOL = "tool", _("Tool")
    OTHER = "other", _("Other")


class MunicipalitySize(models.TextChoices):
    SMALL = "small", _("Under 10,000 inhabitants")
    MEDIUM = "medium", _("10,000 to 100,000 inhabitants")
    LARGE = "large", _("Over 100,000 inhabitants")


class Visibility(models.TextChoices):
    COMMUNITY = "community", _("The community's members")
    ASSOCIATION = "association", _("All the association's members")
    PUBLIC = "public", _("Everyone")


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=50, unique=True)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


def resource_upload_to(instance: "ResourceVersion", filename: str) -> str:
    return f"library/{instance.resource.community_id}/{filename}"


class Resource(models.Model):
    community = models.ForeignKey(
        Community,
        on_delete=models.CASCADE,
        related_name="resources",
        verbose_name=_("community"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="library_resources",
        verbose_name=_("author"),
    )
    title = models.CharField(_("title"), max_length=200, validators=[validate_single_line])
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    tags = models.ManyToManyField(Tag, blank=True, related_name="resources", verbose_name=_("tags"))
    municipality_size = models.CharField(
        _("municipality size"), max_length=10, choices=MunicipalitySize.choices, blank=True
    )
    visibility = models.CharField(
        _("visible to"), max_length=12, choices=Visibility.choices, default=Visibility.COMMUNITY
    )
    url = models.URLField(
        _("link"), max_length=500, blank=True, validators=[https_validator, validate_single_line]
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("resource")
        verbose_name_plural = _("resources")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title


class ResourceVersion(models.Model):
    resource = models.ForeignKey(
        Resource, on_delete=models.CASCADE, related_name="versions", verbose_name=_("resource")
    )
    file = models.FileField(
        _("file"),
        upload_to=resource_upload_to,
        validators=DOCUMENT_VALIDATORS,
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    # The file's words, read once when the version is saved (library.search_sources), for the
    # search: "" when it has none (an image, a broken file), None when not read yet.
    text = models.TextField(_("text"), null=True, blank=True, editable=False)  # noqa: DJ001

    class Meta:
        verbose_name = _("version")
        verbose_name_plural = _("versions")
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self) -> str:
        return self.filename

    @property
    def filename(self) -> str:
        return self.file.name.rsplit("/", 1)[-1]


class UsefulMark(models.Model):
    resource = models.ForeignKey(
        Resource, on_delete=models.CASCADE, related_name="useful_marks", verbose_name=_("resource")
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="useful_marks",
        verbose_name=_("member"),
    )
    created_at = models.DateTimeField(_("marked"), auto_now_add=True)

    class Meta:
        verbose_name = _("useful mark")
        verbose_name_plural = _("useful marks")
        constraints = [
            models.UniqueConstraint(fields=["resource", "member"], name="useful_once_per_member")
        ]

    def __str__(self) -> str:
        return f"{self.resource} ({self.member_id})"
