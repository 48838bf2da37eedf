"""Finding a date: a lead proposes options (dates and times) for the next meeting, members
answer each one (yes, if needed, no: one answer per member and option, held by the database),
and the chosen option becomes a meeting. A poll reminds each member who has not answered
once (``PollReminder``, unique per poll and member)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aimq_portal.validators import validate_single_line
from communities.models import Community
from meetings.models import Meeting, MeetingFormat


class DatePoll(models.Model):
    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="date_polls", verbose_name=_("community")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("proposed by"),
    )
    title = models.CharField(_("title"), max_length=200, validators=[validate_single_line])
    details = models.TextField(_("details"), blank=True)
    closes_at = models.DateTimeField(_("answers close"))
    # Set when the lead schedules an option (or closes the poll early); answers stop then.
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    meeting = models.OneToOneField(
        Meeting,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="date_poll",
        verbose_name=_("meeting scheduled"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("date poll")
        verbose_name_plural = _("date polls")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title

    def is_open(self, now=None) -> bool:
        """Answers are taken until the closing date, unless the lead closed it before."""
        return self.closed_at is None and (now or timezone.now()) < self.closes_at


class PollOption(models.Model):
    poll = models.ForeignKey(
        DatePoll, on_delete=models.CASCADE, related_name="options", verbose_name=_("poll")
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    format = models.CharField(_("format"), max_length=20, choices=MeetingFormat.choices, blank=True)
    place = models.CharField(
        _("place"), max_length=200, blank=True, validators=[validate_single_line]
    )

    class Meta:
        verbose_name = _("option")
        verbose_name_plural = _("options")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="poll_option_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.poll_id}: {self.starts_at:%Y-%m-%d %H:%M}"


class Choice(models.TextChoices):
    YES = "yes", _("Yes")
    IF_NEEDED = "if_needed", _("If needed")
    NO = "no", _("No")


class PollAnswer(models.Model):
    option = models.ForeignKey(
        PollOption, on_delete=models.CASCADE, related_name="answers", verbose_name=_("option")
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="poll_answers",
        verbose_name=_("member"),
    )
    choice = models.CharField(_("answer"), max_length=10, choices=Choice.choices)
    answered_at = models.DateTimeField(_("answered"), auto_now=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(fields=["option", "member"], name="poll_answer_once_per_member")
        ]

    def __str__(self) -> str:
        return f"{self.option_id} {self.member_id}: {self.choice}"


class PollReminder(models.Model):
    """The one reminder of a poll to a member who had not answered: written with its outbox
    message in one transaction; the unique row makes a second sweep write nothing."""

    poll = models.ForeignKey(
        DatePoll, on_delete=models.CASCADE, related_name="reminders", verbose_name=_("poll")
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("member"),
    )
    sent_at = models.DateTimeField(_("written"), auto_now_add=True)

    class Meta:
        verbose_name = _("poll reminder")
        verbose_name_plural = _("poll reminders")
        constraints = [
            models.UniqueConstraint(fields=["poll", "member"], name="poll_reminder_once_per_member")
        ]

    def __str__(self) -> str:
        return f"{self.poll_id} {self.member_id}"
