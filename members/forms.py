from django import forms
from django.utils.translation import gettext_lazy as _

from members.models import User
from members.services import PROFILE_FIELDS


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = list(PROFILE_FIELDS)
        widgets = {"expertise": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A member is known to the communities by name, organisation and region.
        for name in ("first_name", "last_name", "organisation", "region"):
            self.fields[name].required = True
        self.fields["first_name"].max_length = 150
        self.fields["organisation_type"].required = False

    def clean_first_name(self) -> str:
        return _strip_required(self.cleaned_data["first_name"])

    def clean_last_name(self) -> str:
        return _strip_required(self.cleaned_data["last_name"])

    def clean_organisation(self) -> str:
        return _strip_required(self.cleaned_data["organisation"])


def _strip_required(value: str) -> str:
    value = (value or "").strip()
    if not value:
        raise forms.ValidationError(_("This field cannot be blank."))
    return value
