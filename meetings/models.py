"""Meetings of a community (in person, online or hybrid), members' answers, reminders,
attendance and follow-ups.

Times are stored in UTC and shown in America/Montreal. The rules a database can hold are
constraints here; the rest (who may do what, seats under a row lock) lives in services."""

import secrets
import uuid
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, MaxValueValidator, URLValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from aimq_portal.validators import validate_single_line
from communities.models import Community

https_validator = URLValidator(
    schemes=["https"], message=_("Enter a secure link starting with https://.")
)

DOCUMENT_EXTENSIONS = ["pdf", "docx", "xlsx", "pptx", "png", "jpg", "jpeg"]
DOCUMENT_MAX_BYTES = 20 * 1024 * 1024
PUBLIC_SUMMARY_MAX_LENGTH = 600
# The continuing-education hours a lead may set for a meeting: more than none, at most a day.
EDUCATION_HOURS_MAX = Decimal("24")
HUNDREDTH = Decimal("0.01")


def validate_education_hours(value: Decimal) -> None:
    if value <= 0:
        raise ValidationError(
            _("Enter a number of hours greater than 0."), code="education_hours_not_positive"
        )
    if value > EDUCATION_HOURS_MAX:
        raise ValidationError(
            _("Enter %(max)d hours at most."),
            code="education_hours_too_many",
            params={"max": int(EDUCATION_HOURS_MAX)},
        )


# How a file of each accepted type begins. The extension is only the sender's claim; a page of
# HTML named "minutes.pdf" is refused. Word, Excel and PowerPoint files are ZIP archives.
DOCUMENT_SIGNATURES = {
    "pdf": b"%PDF-",
    "docx": b"PK\x03\x04",
    "xlsx": b"PK\x03\x04",
    "pptx": b"PK\x03\x04",
    "png": b"\x89PNG\r\n\x1a\n",
    "jpg": b"\xff\xd8\xff",
    "jpeg": b"\xff\xd8\xff",
}


def validate_document_content(file) -> None:
    """Refuses a file whose first bytes are not those of the type its extension names."""
    extension = file.name.rsplit(".", 1)[-1].lower() if "." in file.name else ""
    signature = DOCUMENT_SIGNATURES.get(extension)
    if signature is None:
        return  # not an accepted extension: FileExtensionValidator says so
    file.seek(0)
    head = file.read(len(signature))
    file.seek(0)
    if head != signature:
        raise ValidationError(
            _("The file's content is not that of a %(type)s file."),
            code="file_content",
            params={"type": extension.upper()},
        )


def validate_document_size(file) -> None:
    if file.size > DOCUMENT_MAX_BYTES:
        raise ValidationError(
            _("The file is too large: %(limit)d MB at most."),
            code="file_too_large",
            params={"limit": DOCUMENT_MAX_BYTES // (1024 * 1024)},
        )


# The checks every uploaded document passes, wherever it is shared (follow-ups, the library,
# questions): its extension and its size on the field, its first bytes in the form or clean().
DOCUMENT_VALIDATORS = [
    FileExtensionValidator(
        DOCUMENT_EXTENSIONS,
        message=_("Accepted files: PDF, Word, Excel, PowerPoint, PNG or JPEG."),
    ),
    validate_document_size,
]


FORMATTING_HELP = _(
    "Lines are kept as typed. A blank line separates paragraphs; lines starting with “-” or "
    "“1.” make a list; **bold**, *italic*, [text](https://…) for a link."
)


class MeetingFormat(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Online")
    HYBRID = "hybrid", _("Hybrid (in person and online)")


class Meeting(models.Model):
    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="meetings", verbose_name=_("community")
    )
    title = models.CharField(_("title"), max_length=200, validators=[validate_single_line])
    # As the lead typed it; meetings.formatting shows it formatted.
    agenda = models.TextField(_("agenda"), blank=True, help_text=FORMATTING_HELP)
    starts_at = models.DateTimeField(_("starts"), db_index=True)
    ends_at = models.DateTimeField(_("ends"))
    format = models.CharField(
        _("format"), max_length=10, choices=MeetingFormat.choices, default=MeetingFormat.HYBRID
    )
    venue_name = models.CharField(
        _("venue"), max_length=200, blank=True, validators=[validate_single_line]
    )
    address = models.TextField(_("address"), blank=True)
    meeting_url = models.URLField(
        _("online meeting link"),
        max_length=500,
        blank=True,
        validators=[https_validator, validate_single_line],
    )
    in_person_seats = models.PositiveSmallIntegerField(
        _("seats in the room"),
        null=True,
        blank=True,
        help_text=_("Leave empty when the room has no limit."),
        # The column is a smallint: PostgreSQL refuses more (SQLite would store it).
        validators=[MaxValueValidator(32767)],
    )
    invited_experts = models.TextField(_("invited experts"), blank=True)
    lunch_provided = models.BooleanField(_("lunch provided"), default=False)
    # Continuing education counts the meeting's duration unless the lead says otherwise (a day
    # of study from 9 to 16 with a lunch is 6 hours of learning, not 7).
    education_hours = models.DecimalField(
        _("continuing-education hours"),
        max_digits=4,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[validate_education_hours],
        help_text=_(
            "The hours of continuing education the meeting counts for, for example 3.5. "
            "Leave empty to count its duration."
        ),
    )
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    # iCalendar: the same UID for the meeting's whole life, SEQUENCE raised on each change.
    uid = models.UUIDField(
        _("calendar identifier"), default=uuid.uuid4, unique=True, editable=False
    )
    sequence = models.PositiveIntegerField(_("revision"), default=0, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("scheduled by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="meeting_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(in_person_seats__isnull=True) | Q(in_person_seats__gte=1),
                name="meeting_seats_positive",
            ),
            models.CheckConstraint(
                condition=Q(format="online") | (~Q(venue_name="") & ~Q(address="")),
                name="meeting_place_when_in_person",
            ),
            models.CheckConstraint(
                condition=Q(format="in_person") | ~Q(meeting_url=""),
                name="meeting_link_when_online",
            ),
            models.CheckConstraint(
                condition=Q(education_hours__isnull=True)
                | Q(education_hours__gt=0, education_hours__lte=EDUCATION_HOURS_MAX),
                name="meeting_education_hours_within_a_day",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def counted_education_hours(self) -> Decimal:
        """The hours of continuing education the meeting counts for: those the lead set, else
        its duration, to the hundredth. The meeting's page and the attestations say the same."""
        if self.education_hours is not None:
            return self.education_hours.quantize(HUNDREDTH)
        seconds = Decimal((self.ends_at - self.starts_at).total_seconds())
        return (seconds / 3600).quantize(HUNDREDTH, rounding=ROUND_HALF_UP)

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    @property
    def has_room(self) -> bool:
        return self.format in (MeetingFormat.IN_PERSON, MeetingFormat.HYBRID)

    @property
    def is_online(self) -> bool:
        return self.format in (MeetingFormat.ONLINE, MeetingFormat.HYBRID)

    @property
    def allowed_responses(self) -> list[str]:
        responses = []
        if self.has_room:
            responses.append(RsvpResponse.IN_PERSON)
        if self.is_online:
            responses.append(RsvpResponse.ONLINE)
        return [*responses, RsvpResponse.DECLINED]

    def clean(self) -> None:
        errors: dict[str, list] = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors.setdefault("ends_at", []).append(
                ValidationError(_("The meeting must end after it starts."), code="ends_before")
            )
        if self.has_room:
            if not (self.venue_name or "").strip():
                errors.setdefault("venue_name", []).append(
                    ValidationError(
                        _("Name the venue of a meeting held in person."), code="venue_required"
                    )
                )
            if not (self.address or "").strip():
                errors.setdefault("address", []).append(
                    ValidationError(
                        _("Give the address of a meeting held in person."), code="address_required"
                    )
                )
        if self.is_online and not (self.meeting_url or "").strip():
            errors.setdefault("meeting_url", []).append(
                ValidationError(
                    _("Give the link of a meeting held online."), code="meeting_url_required"
                )
            )
        if errors:
            raise ValidationError(errors)


class RsvpResponse(models.TextChoices):
    IN_PERSON = "in_person", _("I will attend in person")
    ONLINE = "online", _("I will attend online")
    DECLINED = "declined", _("I cannot attend")


class Rsvp(models.Model):
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="rsvps", verbose_name=_("meeting")
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="meeting_rsvps",
        verbose_name=_("member"),
    )
    response = models.CharField(_("answer"), max_length=10, choices=RsvpResponse.choices)
    stays_for_lunch = models.BooleanField(_("stays for lunch"), default=False)
    dietary_needs = models.CharField(
        _("dietary needs"), max_length=300, blank=True, validators=[validate_single_line]
    )
    updated_at = models.DateTimeField(_("answered"), auto_now=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "member"], name="one_rsvp_per_member_and_meeting"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} – {self.meeting}: {self.get_response_display()}"


class SeatRequestStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting for a seat")
    OFFERED = "offered", _("Seat offered")
    ACCEPTED = "accepted", _("Seat taken")
    DECLINED = "declined", _("Offer declined")
    EXPIRED = "expired", _("Offer expired")
    WITHDRAWN = "withdrawn", _("Withdrawn")


OPEN_SEAT_REQUEST = [SeatRequestStatus.WAITING, SeatRequestStatus.OFFERED]


class SeatRequestQuerySet(models.QuerySet):
    def open(self):
        """Waiting or holding an offer: the waiting list as it stands."""
        return self.filter(status__in=OPEN_SEAT_REQUEST)

    def waiting(self):
        """In line for a seat, first come first served."""
        return self.filter(status=SeatRequestStatus.WAITING).order_by("created_at", "pk")

    def offers(self):
        """Live offers: each holds a seat of the room until it is taken, declined or expires."""
        return self.filter(status=SeatRequestStatus.OFFERED)


class SeatRequest(models.Model):
    """A member's place on a meeting's waiting list for an in-person seat, and the offer of a
    seat when one frees up (see meetings.services, "Waiting list").

    An offer (status ``offered``) holds a seat of the room until ``offer_expires_at``: the seat
    count is in-person answers plus live offers, read under the meeting's row lock. A request
    ends taken, declined, expired or withdrawn; it stays as history, and the member may ask
    again (a new row)."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="seat_requests", verbose_name=_("meeting")
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="meeting_seat_requests",
        verbose_name=_("member"),
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=SeatRequestStatus.choices,
        default=SeatRequestStatus.WAITING,
    )
    created_at = models.DateTimeField(_("asked"), auto_now_add=True, db_index=True)
    offered_at = models.DateTimeField(_("offered"), null=True, blank=True)
    offer_expires_at = models.DateTimeField(_("offer expires"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    objects = SeatRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("seat request")
        verbose_name_plural = _("seat requests")
        ordering = ["created_at", "pk"]
        constraints = [
            # One place in line per member and meeting, and so at most one live offer each.
            models.UniqueConstraint(
                fields=["meeting", "member"],
                condition=Q(status__in=["waiting", "offered"]),
                name="one_open_seat_request_per_member_and_meeting",
            ),
            # A live offer has its deadline, set when it was made.
            models.CheckConstraint(
                condition=~Q(status="offered")
                | Q(offered_at__isnull=False, offer_expires_at__isnull=False),
                name="seat_offer_has_a_deadline",
            ),
            models.CheckConstraint(
                condition=Q(offer_expires_at__isnull=True)
                | Q(offer_expires_at__gt=F("offered_at")),
                name="seat_offer_expires_after_it_is_made",
            ),
        ]
        indexes = [
            models.Index(
                fields=["offer_expires_at"],
                condition=Q(status="offered"),
                name="live_seat_offers_by_deadline",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} – {self.meeting}: {self.get_status_display()}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_SEAT_REQUEST


class MeetingReminder(models.Model):
    """That the reminder of a meeting, ``offset_minutes`` before the start ``for_starts_at``,
    was written to the outbox for the community's members of that moment.

    Unique, so whatever runs the sweep (two beats at once) writes each reminder once; the outbox
    then sends each member's message once. A moved meeting has a new start, hence new reminders.
    """

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="reminders", verbose_name=_("meeting")
    )
    offset_minutes = models.PositiveIntegerField(_("minutes before the start"))
    for_starts_at = models.DateTimeField(_("for the start at"))
    recipients = models.PositiveIntegerField(_("members reminded"), default=0)
    created_at = models.DateTimeField(_("written"), auto_now_add=True)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "offset_minutes", "for_starts_at"],
                name="one_reminder_per_meeting_offset_and_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.meeting} ({self.offset_minutes} min)"


class AttendanceMode(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Online")


class Attendance(models.Model):
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="attendances", verbose_name=_("meeting")
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="meeting_attendances",
        verbose_name=_("member"),
    )
    mode = models.CharField(_("attended"), max_length=10, choices=AttendanceMode.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "member"], name="one_attendance_per_member_and_meeting"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} – {self.meeting}"


class FollowUp(models.Model):
    meeting = models.OneToOneField(
        Meeting, on_delete=models.CASCADE, related_name="followup", verbose_name=_("meeting")
    )
    minutes = models.TextField(_("minutes"), blank=True, help_text=FORMATTING_HELP)
    recording_url = models.URLField(
        _("recording link"),
        max_length=500,
        blank=True,
        validators=[https_validator, validate_single_line],
    )
    recording_public = models.BooleanField(
        _("recording visible to everyone"),
        default=False,
        help_text=_("Otherwise only the community's members and staff see it."),
    )
    # The recording of a public talk is shared with anyone interested (the talks pages); the
    # minutes and documents stay the community's unless the lead shares them too.
    minutes_public = models.BooleanField(
        _("minutes visible to everyone"),
        default=False,
        help_text=_("Otherwise only the community's members and staff see them."),
    )
    documents_public = models.BooleanField(
        _("documents visible to everyone"),
        default=False,
        help_text=_("Otherwise only the community's members and staff see them."),
    )
    speakers = models.CharField(
        _("speakers"),
        max_length=300,
        blank=True,
        help_text=_("Shown with the talk; the meeting's invited experts when left empty."),
    )
    public_summary = models.TextField(
        _("public summary"),
        max_length=PUBLIC_SUMMARY_MAX_LENGTH,
        blank=True,
        help_text=_("A few sentences for the public talks page."),
    )
    # When the recording was first shown to everyone: the date of the talk in its feed.
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    # Raised each time a lead posts something new (minutes, recording, documents): the members
    # get one e-mail per posting, keyed on it.
    posting_revision = models.PositiveIntegerField(_("postings"), default=0, editable=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("updated by"),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")

    def __str__(self) -> str:
        return str(self.meeting)

    @property
    def is_public_talk(self) -> bool:
        return self.recording_public and bool(self.recording_url)

    @property
    def speakers_shown(self) -> str:
        return self.speakers or self.meeting.invited_experts


class FollowUpDocument(models.Model):
    followup = models.ForeignKey(
        FollowUp, on_delete=models.CASCADE, related_name="documents", verbose_name=_("follow-up")
    )
    title = models.CharField(
        _("title"), max_length=200, blank=True, validators=[validate_single_line]
    )
    file = models.FileField(
        _("file"),
        upload_to="meetings/followups/%Y/%m/",
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

    class Meta:
        verbose_name = _("follow-up document")
        verbose_name_plural = _("follow-up documents")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """Its title, else the file's name without the storage's folders."""
        return self.title or self.file.name.rsplit("/", 1)[-1]

    def clean(self) -> None:
        # Checked here rather than in the field's validators: a new upload is read, a stored
        # file is not opened again each time its title is edited.
        if self.file and not self.file._committed:
            try:
                validate_document_content(self.file)
            except ValidationError as error:
                raise ValidationError({"file": error}) from error


def new_calendar_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeedToken(models.Model):
    """The secret in a member's calendar feed address. Regenerating it revokes the old link."""

    member = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="calendar_feed_token",
        verbose_name=_("member"),
    )
    token = models.CharField(_("token"), max_length=64, unique=True, default=new_calendar_token)
    created_at = models.DateTimeField(_("created"), auto_now=True)

    class Meta:
        verbose_name = _("calendar feed token")
        verbose_name_plural = _("calendar feed tokens")

    def __str__(self) -> str:
        return str(self.member)
