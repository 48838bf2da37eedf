"""The meeting forms. They check what the visitor typed; the rules (who may, seats, closing at
the start, https links, a place for a meeting in person) are the services' and the model's."""

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from aimq_portal.forms import LimitedTextField
from aimq_portal.validators import validate_single_line
from meetings.models import (
    DOCUMENT_EXTENSIONS,
    FORMATTING_HELP,
    PUBLIC_SUMMARY_MAX_LENGTH,
    AttendanceMode,
    Meeting,
    RsvpResponse,
)
from submit_once.forms import SubmitOnceMixin

LOCAL_INPUT_FORMAT = "%Y-%m-%dT%H:%M"
MEETING_YEARS = (2000, 2100)


class LocalDateTimeInput(forms.DateTimeInput):
    """The browser's date and time picker; values are Montreal time (the portal's zone)."""

    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format=LOCAL_INPUT_FORMAT)


class MeetingForm(forms.ModelForm):
    # Declared to add no "http://" to a bare address: the model accepts https links only.
    meeting_url = forms.URLField(
        # Capitalised as Django does for the fields it builds from the model.
        label=capfirst(Meeting._meta.get_field("meeting_url").verbose_name),
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text=_("Required for a meeting online or hybrid; starts with https://."),
    )

    class Meta:
        model = Meeting
        fields = [
            "title",
            "format",
            "starts_at",
            "ends_at",
            "venue_name",
            "address",
            "in_person_seats",
            "lunch_provided",
            "meeting_url",
            "invited_experts",
            "agenda",
            "education_hours",
        ]
        # 3,5 in French, 3.5 in English (and either is read).
        localized_fields = ["education_hours"]
        widgets = {
            "starts_at": LocalDateTimeInput(),
            "ends_at": LocalDateTimeInput(),
            "address": forms.Textarea(attrs={"rows": 2}),
            "invited_experts": forms.Textarea(attrs={"rows": 2}),
            "agenda": forms.Textarea(attrs={"rows": 6}),
            "education_hours": forms.TextInput(attrs={"inputmode": "decimal"}),
        }
        help_texts = {
            "starts_at": _("Montreal time."),
            "ends_at": _("Montreal time."),
            "venue_name": _("Required for a meeting in person or hybrid."),
        }

    def clean_starts_at(self):
        return _within_calendar(self.cleaned_data["starts_at"])

    def clean_ends_at(self):
        return _within_calendar(self.cleaned_data["ends_at"])


class MeetingScheduleForm(SubmitOnceMixin, MeetingForm):
    """A new meeting: sent once, however many times its button is pressed."""


def _within_calendar(moment):
    # A year far off is a typing mistake, and at the calendar's end (31 December 9999) a
    # Montreal time cannot even be converted to UTC for the database: refused beside the field.
    if moment is not None and not MEETING_YEARS[0] <= moment.year <= MEETING_YEARS[1]:
        raise forms.ValidationError(
            _("Enter a date between %(first)d and %(last)d."),
            code="out_of_range",
            params={"first": MEETING_YEARS[0], "last": MEETING_YEARS[1]},
        )
    return moment


class RsvpForm(SubmitOnceMixin, forms.Form):
    response = forms.ChoiceField(label=_("Your answer"), widget=forms.RadioSelect)
    stays_for_lunch = forms.BooleanField(label=_("I will stay for lunch"), required=False)
    dietary_needs = forms.CharField(
        label=_("Dietary needs or allergies"),
        required=False,
        max_length=300,
        help_text=_("Only the leads see it, to order the lunch."),
        validators=[validate_single_line],
    )

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["response"].choices = [
            (value, RsvpResponse(value).label) for value in meeting.allowed_responses
        ]
        if not (meeting.has_room and meeting.lunch_provided):
            del self.fields["stays_for_lunch"]
            del self.fields["dietary_needs"]

    def clean(self):
        data = super().clean()
        # The service refuses it too; said here beside the box, before anything is sent.
        if data.get("stays_for_lunch") and data.get("response") not in (
            None,
            RsvpResponse.IN_PERSON,
        ):
            self.add_error("stays_for_lunch", _("Lunch is for those who attend in person."))
        return data


class CancelForm(forms.Form):
    """Nothing to fill in: the confirmation page's button."""


class FollowUpForm(SubmitOnceMixin, forms.Form):
    """What the members get after a meeting, and what of it is shared with everyone: each
    "visible to everyone" box is a choice the lead makes, unticked by default."""

    minutes = forms.CharField(
        label=_("Minutes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=FORMATTING_HELP,
    )
    minutes_public = forms.BooleanField(
        label=_("Minutes visible to everyone"),
        required=False,
        help_text=_("Otherwise only the community's members and staff see them."),
    )
    recording_url = forms.CharField(
        label=_("Recording link"),
        required=False,
        max_length=500,
        validators=[validate_single_line],
        help_text=_("Starts with https://."),
    )
    recording_public = forms.BooleanField(
        label=_("Recording visible to everyone"),
        required=False,
        help_text=_(
            "It is then listed on the public Talks page, with the speakers and the summary "
            "below. Otherwise only the community's members and staff see it."
        ),
    )
    speakers = forms.CharField(
        label=_("Speakers"),
        required=False,
        max_length=300,
        help_text=_("Shown with the talk; the meeting's invited experts when left empty."),
    )
    public_summary = LimitedTextField(
        label=_("Public summary"),
        required=False,
        max_length=PUBLIC_SUMMARY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("A few sentences on the talk, for the public Talks page."),
    )
    document = forms.FileField(
        label=_("Add a document"),
        required=False,
        help_text=_("PDF, Word, Excel, PowerPoint, PNG or JPEG; 20 MB at most."),
        widget=forms.ClearableFileInput(
            attrs={"accept": ",".join(f".{ext}" for ext in DOCUMENT_EXTENSIONS)}
        ),
    )
    document_title = forms.CharField(
        label=_("Document title"),
        required=False,
        max_length=200,
        validators=[validate_single_line],
    )
    documents_public = forms.BooleanField(
        label=_("Documents visible to everyone"),
        required=False,
        help_text=_("Otherwise only the community's members and staff see them."),
    )


class AttendanceForm(forms.Form):
    """One choice per member of the community, by name: not recorded, in person or online.
    Until attendance is recorded, each choice starts from the member's answer (in person or
    online), so the lead only corrects who did not come as they said."""

    def __init__(self, *args, meeting: Meeting, lines, **kwargs):
        super().__init__(*args, **kwargs)
        modes = []
        if meeting.has_room:
            modes.append((AttendanceMode.IN_PERSON, AttendanceMode.IN_PERSON.label))
        if meeting.is_online:
            modes.append((AttendanceMode.ONLINE, AttendanceMode.ONLINE.label))
        self.lines = lines
        allowed = {mode for mode, _label in modes}
        for line in lines:
            name = f"member_{line.member.pk}"
            if line.attendance:
                initial = line.attendance.mode
            elif line.rsvp and line.rsvp.response in allowed:
                initial = line.rsvp.response
            else:
                initial = ""
            self.fields[name] = forms.ChoiceField(
                label=line.member.display_name,
                required=False,
                choices=[("", _("Not recorded")), *modes],
                initial=initial,
            )
            line.field_name = name

    def recorded(self):
        """(member, mode) for each member given a mode."""
        for line in self.lines:
            mode = self.cleaned_data.get(line.field_name)
            if mode:
                yield line.member, mode

    def cleared(self):
        """The members recorded before and set back to "not recorded"."""
        for line in self.lines:
            if line.attendance and not self.cleaned_data.get(line.field_name):
                yield line.member
