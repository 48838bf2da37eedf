"""The poll forms. Each option is a row (date, start and end times in Montreal time, format and
place if known); blank rows are ignored, and "Add an option" gives one more row without any
script. The rules are the service's (``services.poll_errors``), shown beside the fields."""

from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aimq_portal.validators import validate_single_line
from meetings.forms import LocalDateTimeInput
from meetings.models import MeetingFormat
from scheduling.models import Choice, DatePoll
from scheduling.services import MAX_OPTIONS, OptionInput, poll_errors
from submit_once.forms import SubmitOnceMixin

LOCAL_ZONE = ZoneInfo("America/Montreal")
FIRST_ROWS = 3
SMALL_INPUT = "form-control form-control-sm"


class PollForm(SubmitOnceMixin, forms.ModelForm):
    class Meta:
        model = DatePoll
        fields = ["title", "details", "closes_at"]
        widgets = {
            "closes_at": LocalDateTimeInput(),
            "details": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "title": _("For example: Next meeting, spring."),
            "closes_at": _("Montreal time. Before the first option."),
        }


class OptionForm(forms.Form):
    date = forms.DateField(
        label=_("Date"),
        widget=forms.DateInput(attrs={"type": "date", "class": SMALL_INPUT}, format="%Y-%m-%d"),
    )
    start = forms.TimeField(
        label=_("Start"),
        widget=forms.TimeInput(attrs={"type": "time", "class": SMALL_INPUT}, format="%H:%M"),
    )
    end = forms.TimeField(
        label=_("End"),
        widget=forms.TimeInput(attrs={"type": "time", "class": SMALL_INPUT}, format="%H:%M"),
    )
    format = forms.ChoiceField(
        label=_("Format"),
        required=False,
        choices=[("", _("Not known yet")), *MeetingFormat.choices],
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    place = forms.CharField(
        label=_("Place"),
        required=False,
        max_length=200,
        validators=[validate_single_line],
        widget=forms.TextInput(attrs={"class": SMALL_INPUT}),
    )

    def clean(self):
        data = super().clean()
        if data.get("date") and data.get("start") and data.get("end"):
            starts_at = _local(data["date"], data["start"])
            ends_at = _local(data["date"], data["end"])
            if ends_at <= starts_at:
                self.add_error("end", _("The end must come after the start."))
            elif starts_at <= timezone.now():
                self.add_error("date", _("This option has passed: choose a date to come."))
            data["option"] = OptionInput(
                starts_at=starts_at,
                ends_at=ends_at,
                format=data.get("format") or "",
                place=data.get("place") or "",
            )
        return data


def _local(day, time) -> datetime:
    return datetime.combine(day, time).replace(tzinfo=LOCAL_ZONE)


class BaseOptionFormSet(forms.BaseFormSet):
    def options(self) -> list[OptionInput]:
        return [form.cleaned_data["option"] for form in self.forms if "option" in form.cleaned_data]

    def clean(self):
        if any(self.errors):
            return
        filled = self.options()
        errors = poll_errors(closes_at=None, options=filled, now=timezone.now())
        if errors.get("options"):
            raise forms.ValidationError(errors["options"])


def option_formset(data=None, *, rows: list[dict] | None = None, extra: int = FIRST_ROWS):
    """Bound to ``data``; or, unbound, the rows typed so far (``rows``) and ``extra`` more."""
    formset = forms.formset_factory(
        OptionForm,
        formset=BaseOptionFormSet,
        extra=extra,
        max_num=MAX_OPTIONS,
        absolute_max=MAX_OPTIONS,
    )
    if data is not None:
        return formset(data, prefix="options")
    return formset(initial=rows or [], prefix="options")


def typed_rows(data, names=("date", "start", "end", "format", "place")) -> list[dict]:
    """The option rows as typed (not checked), to show them again with one more row."""
    try:
        total = min(int(data.get("options-TOTAL_FORMS", 0)), MAX_OPTIONS)
    except ValueError:
        total = 0
    rows = [{name: data.get(f"options-{i}-{name}", "") for name in names} for i in range(total)]
    return [row for row in rows if any(row.values())]


class EditOptionForm(OptionForm):
    """A row of the edit page: an existing option carries its id, and a box to remove it
    (a removed row is not checked: whatever it holds goes)."""

    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    remove = forms.BooleanField(
        label=_("Remove this option"),
        required=False,
        help_text=_("Its answers are removed with it."),
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.is_bound and self.data.get(self.add_prefix("remove")):
            for name in ("date", "start", "end"):
                self.fields[name].required = False

    def clean(self):
        if self.cleaned_data.get("remove"):
            return self.cleaned_data
        data = super().clean()
        if "option" in data:
            data["option"] = replace(data["option"], pk=data.get("id"))
        return data


class BaseEditOptionFormSet(BaseOptionFormSet):
    """``options()`` gives the options kept (with their id) and added; removed rows have none."""

    def removed_ids(self) -> set[int]:
        return {
            form.cleaned_data["id"]
            for form in self.forms
            if form.cleaned_data.get("remove") and form.cleaned_data.get("id")
        }


EDIT_ROW_FIELDS = ("id", "date", "start", "end", "format", "place", "remove")


def edit_option_formset(data=None, *, rows: list[dict] | None = None, extra: int = 1):
    """The edit page's rows: bound to ``data``; or, unbound, ``rows`` (the poll's options, or
    the rows typed so far) and ``extra`` blank ones."""
    formset = forms.formset_factory(
        EditOptionForm,
        formset=BaseEditOptionFormSet,
        extra=extra,
        max_num=MAX_OPTIONS,
        absolute_max=MAX_OPTIONS,
    )
    if data is not None:
        return formset(data, prefix="options")
    return formset(initial=rows or [], prefix="options")


def option_rows(options) -> list[dict]:
    """The poll's options as the edit page's rows, in Montreal time."""
    rows = []
    for option in options:
        starts_at = option.starts_at.astimezone(LOCAL_ZONE)
        rows.append(
            {
                "id": option.pk,
                "date": starts_at.date(),
                "start": starts_at.time(),
                "end": option.ends_at.astimezone(LOCAL_ZONE).time(),
                "format": option.format,
                "place": option.place,
            }
        )
    return rows


class AnswerForm(forms.Form):
    """One yes / if needed / no per option, the member's current answers checked."""

    def __init__(self, *args, options, current: dict[int, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.options = options
        for option in options:
            self.fields[f"option_{option.pk}"] = forms.ChoiceField(
                label=str(option),
                choices=Choice.choices,
                widget=forms.RadioSelect,
                initial=current.get(option.pk),
                error_messages={"required": _("Answer this option.")},
            )

    def choices(self) -> dict[int, str]:
        return {option.pk: self.cleaned_data[f"option_{option.pk}"] for option in self.options}

    def rows(self):
        """(option, bound field) pairs for the template."""
        return [(option, self[f"option_{option.pk}"]) for option in self.options]
