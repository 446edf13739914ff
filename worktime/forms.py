"""Forms of flexible work: they check types only; the rules live in rules.py and services.py.

The request form is also how the API reads a request's body (`serializers.read_body`): one
parser for the page and the API.
"""

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts import selectors as account_selectors
from smartcenters import selectors as center_selectors

from . import rules
from .fields import DailyHoursField, DayField, TimeOfDayField, WeekdaysField
from .models import Closure, Kind


def start_time_choices():
    # Every half hour from 07:00 to 13:00: the widest window of the default policies.
    times = []
    minute = 7 * 60
    while minute <= 13 * 60:
        value = dt.time(minute // 60, minute % 60)
        times.append((value.strftime("%H:%M"), value.strftime("%H:%M")))
        minute += 30
    return [("", "—"), *times]


class SeatSelect(forms.Select):
    """Seat options carry their center, so the page can offer only the chosen center's seats."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        instance = getattr(value, "instance", None)
        if instance is not None:
            option["attrs"]["data-center"] = str(instance.center_id)
        return option


class ArrangementRequestForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    start_date = DayField(label=_("First day"))
    end_date = DayField(
        label=_("Last day"), required=False, help_text=_("Leave empty for a single day.")
    )
    weekdays = WeekdaysField(
        label=_("Only on these weekdays"),
        required=False,
        help_text=_("E.g. every Monday and Friday of the period. None chosen: every working day."),
    )
    start_time = TimeOfDayField(
        label=_("Start time"),
        required=False,
        widget=forms.Select(choices=start_time_choices()),
    )
    hours = forms.DecimalField(
        label=_("Hours a day"),
        required=False,
        min_value=0,
        max_value=24,
        decimal_places=1,
        widget=forms.NumberInput(attrs={"step": "0.5", "inputmode": "decimal"}),
    )
    daily_hours = DailyHoursField(
        label=_("Hours on each weekday"),
        required=False,
        help_text=_(
            "Where the days differ, e.g. four days of 10 hours in a compressed week: the days "
            "given are the days worked, unless you chose the weekdays above."
        ),
    )
    reason = forms.CharField(
        label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
    is_emergency = forms.BooleanField(label=_("This is an emergency"), required=False)
    emergency_reason = forms.CharField(
        label=_("Why it is an emergency"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=1000,
    )
    center = forms.ModelChoiceField(
        label=_("Center"),
        queryset=None,
        required=False,
        error_messages={"invalid_choice": _("No such smart-work center.")},
    )
    seat = forms.ModelChoiceField(
        label=_("Seat"),
        queryset=None,
        required=False,
        widget=SeatSelect,
        error_messages={"invalid_choice": _("No such seat.")},
    )

    # Which fields each kind shows (the page hides the others).
    KIND_FIELDS = {
        "start_time": list(rules.Kind.TIMED),
        "hours": list(rules.Kind.HOURS),
        "daily_hours": list(rules.Kind.HOURS),
        "center": [rules.Kind.SMART_WORK],
        "seat": [rules.Kind.SMART_WORK],
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["center"].queryset = center_selectors.active_centers()
        self.fields["seat"].queryset = center_selectors.active_seats().filter(
            center__is_active=True
        )
        self.fields["seat"].label_from_instance = lambda seat: (
            f"{seat.center.short_name} · {seat.label}"
        )
        for name, kinds in self.KIND_FIELDS.items():
            # The page shows a field only for the kinds that use it (static/worktime/request.js).
            self.fields[name].kinds = " ".join(kinds)
            self.fields[name].kind_list = list(kinds)

    @staticmethod
    def initial_from(arrangement) -> dict:
        """The form filled in as the arrangement was asked for."""
        return {
            "kind": arrangement.kind,
            "start_date": arrangement.start_date,
            "end_date": arrangement.end_date
            if arrangement.end_date != arrangement.start_date
            else None,
            "weekdays": arrangement.weekdays,
            # The start-time select's options are "HH:MM".
            "start_time": arrangement.start_time.strftime("%H:%M")
            if arrangement.start_time
            else None,
            "hours": arrangement.hours,
            "daily_hours": arrangement.daily_hours,
            "reason": arrangement.reason,
            "is_emergency": arrangement.is_emergency,
            "emergency_reason": arrangement.emergency_reason,
            "center": arrangement.center_id,
            "seat": arrangement.seat_id,
        }

    def service_kwargs(self) -> dict:
        """The cleaned request as `services.request_arrangement` and its siblings take it."""
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "start_date": data["start_date"],
            "end_date": data.get("end_date") or data["start_date"],
            "weekdays": data.get("weekdays") or None,
            "start_time": data.get("start_time"),
            "hours": data.get("hours"),
            # As the service does with `hours`: a kind whose hours are fixed takes none per day
            # (its boxes are hidden on the page, but may still hold what was typed before).
            "daily_hours": data.get("daily_hours")
            if data["kind"] in self.KIND_FIELDS["daily_hours"]
            else None,
            "reason": data.get("reason", ""),
            "is_emergency": data.get("is_emergency", False),
            "emergency_reason": data.get("emergency_reason", ""),
            "center": data.get("center"),
            "seat": data.get("seat"),
        }


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Why you cancel it"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ClosureForm(forms.ModelForm):
    class Meta:
        model = Closure
        fields = ["building", "floor", "start_date", "end_date", "reason"]
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}),
            "end_date": forms.DateInput(attrs={"type": "date"}),
            "reason": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        buildings = account_selectors.building_names()
        self.fields["building"].widget = forms.Select(choices=[(b, b) for b in buildings])

    def clean(self):
        data = super().clean()
        if (
            data.get("start_date")
            and data.get("end_date")
            and data["end_date"] < data["start_date"]
        ):
            self.add_error("end_date", _("The last day is before the first day."))
        return data


class ExtendClosureForm(forms.Form):
    end_date = forms.DateField(
        label=_("New last day"), widget=forms.DateInput(attrs={"type": "date"})
    )
