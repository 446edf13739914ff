"""Forms of 근무상황: they check types only; the rules live in rules.py and services.py.

The record form is also how the API reads a record's body (`serializers.read_body`): one
parser for the page and the API.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ..fields import DayField, TimeOfDayField
from .models import AwayKind, TripDestination


class KindChoiceField(forms.ModelChoiceField):
    """A kind by its code (the API's "annual", "trip"…) or by its id (the page's select)."""

    def label_from_instance(self, obj):
        return str(obj)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        self.validate_no_null_characters(value)
        kind = self.queryset.filter(code=str(value)).first()
        if kind is None and str(value).isdigit():
            kind = self.queryset.filter(pk=int(value)).first()
        if kind is None:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return kind


class AwayForm(forms.Form):
    kind = KindChoiceField(label=_("Kind"), queryset=AwayKind.objects.filter(is_active=True))
    start_date = DayField(label=_("First day"))
    end_date = DayField(
        label=_("Last day"),
        required=False,
        help_text=_("Leave empty for a single day. Weekends and holidays in between are skipped."),
    )
    start_time = TimeOfDayField(
        label=_("From"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time", "step": 600}, format="%H:%M"),
        help_text=_("Only for part of a day (외출, 조퇴, half a day of leave)."),
    )
    end_time = TimeOfDayField(
        label=_("Until"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time", "step": 600}, format="%H:%M"),
    )
    destination = forms.ModelChoiceField(
        label=_("Destination"),
        required=False,
        queryset=TripDestination.objects.filter(is_active=True),
        help_text=_(
            "For a trip: the smart-work centers nearest it are offered for the rest of the day."
        ),
    )
    place = forms.CharField(label=_("Where, in detail"), required=False, max_length=200)
    reason = forms.CharField(
        label=_("Reason"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def as_service_fields(self) -> dict:
        """The cleaned record as `services.record_away` takes it."""
        data = dict(self.cleaned_data)
        data["end_date"] = data.get("end_date") or data["start_date"]
        return data


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV export of the personnel system"),
        help_text=_(
            "Columns: 사번, 근무상황, 시작일 and, when known, 종료일, 시작시각, 종료시각, 행선지, 사유."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
