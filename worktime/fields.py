"""Form fields of flexible work that read a page's POST and the API's JSON body alike.

The pages' forms are the one parser of each request shape: the API feeds its body through the
same form (`serializers.read_body`), so the fields here also take what JSON can hold.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.workdays import WORKING_WEEKDAYS

from . import rules

ALL_WEEKDAYS = range(7)
WEEKDAY_CHOICES = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
]


class _ReadsText:
    """A JSON body may hold a number, a list or a map where a date or a time is due: that is
    an unreadable value (Django's temporal fields would fail on it, expecting text)."""

    def to_python(self, value):
        if value is not None and not isinstance(value, str | dt.date | dt.time):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


class DayField(_ReadsText, forms.DateField):
    """A date, YYYY-MM-DD (the browser's date input sends that too)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.DateInput(attrs={"type": "date"}))
        super().__init__(**kwargs)


class TimeOfDayField(_ReadsText, forms.TimeField):
    """A time of day, HH:MM (seconds accepted)."""


class WeekdaysField(forms.TypedMultipleChoiceField):
    """Weekdays by number, 0 = Monday. The page offers Monday to Friday; Saturday and Sunday are
    read too, so that the rules say why they cannot be chosen (`rules.check_request`)."""

    def __init__(self, **kwargs):
        super().__init__(
            choices=WEEKDAY_CHOICES, coerce=int, widget=forms.CheckboxSelectMultiple, **kwargs
        )

    def valid_value(self, value) -> bool:
        return str(value) in {str(day) for day in ALL_WEEKDAYS}


class DailyHoursWidget(forms.MultiWidget):
    """One box of hours per working weekday on the page; the API sends a map instead."""

    template_name = "worktime/widgets/daily_hours.html"

    def __init__(self, attrs=None):
        box = {"step": "0.5", "min": "0", "max": "24", "inputmode": "decimal"}
        super().__init__(
            {str(day): forms.NumberInput(attrs=box) for day in WORKING_WEEKDAYS}, attrs
        )

    def decompress(self, value):
        value = value if isinstance(value, Mapping) else {}
        return [value.get(day, value.get(str(day))) for day in WORKING_WEEKDAYS]

    def value_from_datadict(self, data, files, name):
        sent = data.get(name)
        if sent not in (None, ""):
            return sent  # the API's {"0": "10", …}, or something the field will refuse
        boxes = super().value_from_datadict(data, files, name)
        return {str(day): hours for day, hours in zip(WORKING_WEEKDAYS, boxes, strict=True)}

    def id_for_label(self, id_):
        return ""  # each box has its own label: the weekday

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["days"] = [
            (rules.weekday_abbr(day), subwidget)
            for day, subwidget in zip(
                WORKING_WEEKDAYS, context["widget"]["subwidgets"], strict=True
            )
        ]
        return context


class DailyHoursField(forms.Field):
    """Hours per weekday, {weekday number: hours}: a chosen-hours or compressed week whose days
    are not all alike (10, 10, 10, 10 and a day off). Empty boxes are left out."""

    widget = DailyHoursWidget
    default_error_messages = {
        "invalid": _("Give hours per weekday, keyed by weekday number (0 = Monday)."),
        "weekday": _("Keys are weekday numbers, 0 (Monday) to 4 (Friday)."),
    }

    def to_python(self, value) -> dict[int, Decimal] | None:
        if value in self.empty_values:
            return None
        if not isinstance(value, Mapping):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        hours_of_a_day = forms.DecimalField(min_value=0, max_value=24, decimal_places=1)
        result: dict[int, Decimal] = {}
        problems: list[str] = []
        for key, hours in value.items():
            if hours in self.empty_values:
                continue
            try:
                weekday = int(key)
            except (TypeError, ValueError):
                problems.append(self.error_messages["weekday"])
                continue
            try:
                result[weekday] = hours_of_a_day.clean(hours)
            except ValidationError as error:
                day = rules.weekday_name(weekday) if weekday in ALL_WEEKDAYS else str(key)
                problems.extend(
                    gettext("%(day)s: %(problem)s") % {"day": day, "problem": problem}
                    for problem in error.messages
                )
        if problems:
            raise ValidationError(problems)
        return result or None
