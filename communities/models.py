from datetime import datetime, timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from aimq_portal import page_cache
from aimq_portal.validators import validate_single_line

DEFAULT_CAPACITY = 15


class CommunityStatus(models.TextChoices):
    """A community in preparation is announced (its proposed mandate, who is interested) but
    takes no join request; staff open it with ``services.community_open``."""

    PREPARATION = "preparation", _("In preparation")
    OPEN = "open", _("Open")


class Phase:
    """Where a community stands for the pages, from its status and ``opened_at``."""

    PREPARATION = "preparation"  # announced: members say they are interested
    HEAD_START = "head_start"  # opened: only the interested members may ask to join yet
    NEW = "new"  # open to everyone, recently: "Nouvelle communauté"
    OPEN = "open"


# The column is a smallint: PostgreSQL refuses more (SQLite would store it).
MAX_CAPACITY = 32767


def phase_of(status: str, opened_at: datetime | None) -> tuple[str, datetime | None]:
    """A community's phase now, and when it changes by itself (None: not with time)."""
    if status == CommunityStatus.PREPARATION or opened_at is None:
        return (Phase.PREPARATION if status == CommunityStatus.PREPARATION else Phase.OPEN), None
    head_start_ends_at = opened_at + timedelta(hours=settings.COMMUNITIES_HEAD_START_HOURS)
    new_ends_at = head_start_ends_at + timedelta(days=settings.COMMUNITIES_NEW_BADGE_DAYS)
    now = timezone.now()
    if now < head_start_ends_at:
        phase, changes_at = Phase.HEAD_START, head_start_ends_at
    elif now < new_ends_at:
        phase, changes_at = Phase.NEW, new_ends_at
    else:
        phase, changes_at = Phase.OPEN, None
    page_cache.expires_at(changes_at)
    return phase, changes_at


class Community(models.Model):
    """A community of practice. Names and mandates are kept in both languages."""

    slug = models.SlugField(_("slug"), unique=True)
    name_fr = models.CharField(
        _("name (French)"), max_length=150, validators=[validate_single_line]
    )
    name_en = models.CharField(
        _("name (English)"), max_length=150, validators=[validate_single_line]
    )
    summary_fr = models.CharField(
        _("short mandate (French)"), max_length=300, validators=[validate_single_line]
    )
    summary_en = models.CharField(
        _("short mandate (English)"), max_length=300, validators=[validate_single_line]
    )
    mandate_fr = models.TextField(_("mandate (French)"))
    mandate_en = models.TextField(_("mandate (English)"))
    capacity = models.PositiveSmallIntegerField(
        _("capacity"),
        default=DEFAULT_CAPACITY,
        help_text=_("Maximum number of members, leads included."),
        validators=[MinValueValidator(1), MaxValueValidator(MAX_CAPACITY)],
    )
    accepting_requests = models.BooleanField(
        _("accepting join requests"),
        default=True,
        help_text=_("Untick to stop taking new join requests."),
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=CommunityStatus.choices,
        default=CommunityStatus.OPEN,
        help_text=_(
            "In preparation: shown with its proposed mandate, members say they are interested, "
            "no join request yet. Open it with the action “Open the selected communities”."
        ),
    )
    opened_at = models.DateTimeField(_("opened"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("community")
        verbose_name_plural = _("communities")
        ordering = ["name_fr"]
        constraints = [
            models.CheckConstraint(
                condition=Q(capacity__gte=1), name="community_capacity_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def _localised(self, field: str) -> str:
        language = translation.get_language() or settings.LANGUAGE_CODE
        suffix = "en" if language.startswith("en") else "fr"
        return getattr(self, f"{field}_{suffix}") or getattr(self, f"{field}_fr")

    @property
    def name(self) -> str:
        return self._localised("name")

    @property
    def summary(self) -> str:
        return self._localised("summary")

    @property
    def mandate(self) -> str:
        return self._localised("mandate")

    @property
    def in_preparation(self) -> bool:
        return self.status == CommunityStatus.PREPARATION

    @property
    def head_start_ends_at(self) -> datetime | None:
        """Until then, only the members who said they were interested may ask to join."""
        if self.opened_at is None:
            return None
        return self.opened_at + timedelta(hours=settings.COMMUNITIES_HEAD_START_HOURS)

    @property
    def phase(self) -> str:
        return phase_of(self.status, self.opened_at)[0]


class Role(models.TextChoices):
    MEMBER = "member", _("Member")
    LEAD = "lead", _("Lead")


class NotificationChoice(models.TextChoices):
    """What a member wants to hear of a community between its meetings (questions, answers,
    new resources). Urgent questions reach everyone who did not choose ``NOTHING``."""

    EVERY = "every", _("Every new question and answer")
    DIGEST = "digest", _("A weekly digest")
    NOTHING = "nothing", _("Nothing")


class Membership(models.Model):
    """A member's seat in a community. Leads hold a seat too: they count toward capacity."""

    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("community")
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("member"),
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    joined_at = models.DateTimeField(_("joined"), auto_now_add=True)
    notifications = models.CharField(
        _("notifications"),
        max_length=10,
        choices=NotificationChoice.choices,
        default=NotificationChoice.DIGEST,
    )

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        # No default ordering: it would join and sort the members in every membership query
        # (counts, exists, the leads of each card). Lists order explicitly.
        constraints = [
            models.UniqueConstraint(
                fields=["community", "member"], name="one_membership_per_member_and_community"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} – {self.community}"

    @property
    def is_lead(self) -> bool:
        return self.role == Role.LEAD


class JoinRequestStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


MOTIVATION_MAX_LENGTH = 1000


class JoinRequest(models.Model):
    """A member's request to join. While a community is full, its pending requests form its
    first-come waiting list (ordered by ``created_at``)."""

    community = models.ForeignKey(
        Community,
        on_delete=models.CASCADE,
        related_name="join_requests",
        verbose_name=_("community"),
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="join_requests",
        verbose_name=_("member"),
    )
    motivation = models.TextField(_("motivation"), max_length=MOTIVATION_MAX_LENGTH)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=JoinRequestStatus.choices,
        default=JoinRequestStatus.PENDING,
        db_index=True,
    )
    created_at = models.DateTimeField(_("submitted"), auto_now_add=True, db_index=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decision_message = models.TextField(_("message to the member"), blank=True, max_length=2000)
    # Each escalation of an undecided request is claimed once by setting these (see services).
    leads_reminded_at = models.DateTimeField(_("leads reminded"), null=True, blank=True)
    staff_alerted_at = models.DateTimeField(_("staff alerted"), null=True, blank=True)

    class Meta:
        verbose_name = _("join request")
        verbose_name_plural = _("join requests")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "member"],
                condition=Q(status="pending"),
                name="one_open_request_per_member_and_community",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} → {self.community} ({self.get_status_display()})"

    @property
    def is_open(self) -> bool:
        return self.status == JoinRequestStatus.PENDING


class DecisionAction(models.TextChoices):
    REQUESTED = "requested", _("Asked to join")
    APPROVED = "approved", _("Request approved")
    DECLINED = "declined", _("Request declined")
    WITHDRAWN = "withdrawn", _("Request withdrawn")
    LEFT = "left", _("Left the community")
    REMOVED = "removed", _("Removed from the community")
    CAPACITY_CHANGED = "capacity", _("Capacity changed")
    OPENED = "opened", _("Community opened")


class Decision(models.Model):
    """The history of a community: who did what, when, with which message. Append-only."""

    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="decisions", verbose_name=_("community")
    )
    action = models.CharField(_("action"), max_length=10, choices=DecisionAction.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("by"),
    )
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("member concerned"),
    )
    join_request = models.ForeignKey(
        JoinRequest,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="decisions",
        verbose_name=_("join request"),
    )
    message = models.TextField(_("message"), blank=True)
    detail = models.CharField(_("detail"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decision history")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} – {self.community}"


class Interest(models.Model):
    """A member says they are interested in a community in preparation: they hear of its
    opening first, and may ask to join before anyone else (see ``Phase.HEAD_START``)."""

    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="interests", verbose_name=_("community")
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="community_interests",
        verbose_name=_("member"),
    )
    created_at = models.DateTimeField(_("since"), auto_now_add=True)

    class Meta:
        verbose_name = _("interest")
        verbose_name_plural = _("interests")
        constraints = [
            models.UniqueConstraint(
                fields=["community", "member"], name="one_interest_per_member_and_community"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} ♡ {self.community}"
