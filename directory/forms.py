from django import forms
from django.utils.translation import gettext_lazy as _

from members.models import ExpertiseArea, Region

TEXT_MAX_LENGTH = 100


class AreaChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: ExpertiseArea) -> str:
        return obj.label


class DirectorySearchForm(forms.Form):
    """The directory's filters, read from the address (GET), so that a search can be shared
    and the back button finds it again. An unknown area or region is an error beside its
    field, not a 500."""

    q = forms.CharField(
        label=_("Name, organisation or expertise"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        strip=True,
    )
    area = AreaChoiceField(
        label=_("Area of expertise"),
        queryset=ExpertiseArea.objects.none(),
        to_field_name="slug",
        required=False,
        empty_label=_("All areas"),
    )
    region = forms.ChoiceField(
        label=_("Administrative region"),
        choices=[("", _("All regions")), *Region.choices],
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = ExpertiseArea.objects.active().by_label()
