"""Forms of the booking pages: a day and a slot; a period for the figures."""

import datetime as dt
from datetime import timedelta

from django import forms
from django.utils.translation import gettext_lazy as _

from . import rules
from .models import Slot


class DayAndSlotForm(forms.Form):
    date = forms.DateField(
        label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    slot = forms.ChoiceField(label=_("Time"), choices=Slot.choices, widget=forms.RadioSelect)

    def __init__(self, *args, initial_day: dt.date | None = None, **kwargs):
        kwargs.setdefault("initial", {"date": initial_day, "slot": rules.FULL})
        super().__init__(*args, **kwargs)


class PeriodForm(forms.Form):
    start = forms.DateField(
        label=_("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    end = forms.DateField(
        label=_("To"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    MAX_DAYS = 366

    def period(self, today: dt.date) -> tuple[dt.date, dt.date]:
        """The chosen period (default: the last 30 days to a week ahead), at most a year long."""
        start, end = today - timedelta(days=30), today + timedelta(days=7)
        if self.is_bound and self.is_valid():
            start = self.cleaned_data["start"] or start
            end = self.cleaned_data["end"] or end
        if end < start:
            start, end = end, start
        if (end - start).days > self.MAX_DAYS:
            start = end - timedelta(days=self.MAX_DAYS)
        return start, end
