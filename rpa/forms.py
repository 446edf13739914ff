"""Forms of the rpa pages: the sheet upload, the resident's self-check, a call, a day."""

import datetime
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from core.errors import Invalid

from .models import CallLog

SYMPTOMS = [
    ("fever", _("Fever or chills")),
    ("cough", _("Cough")),
    ("sore_throat", _("Sore throat")),
    ("breath", _("Shortness of breath")),
    ("smell_taste", _("Loss of smell or taste")),
    ("other", _("Other")),
]


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Case sheet (xlsx or csv)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv,.xls"}),
    )

    def __init__(self, *args, refusal=None, **kwargs):
        """`refusal`: the SheetRefused of a file stopped while it arrived (too large)."""
        super().__init__(*args, **kwargs)
        self.refusal = refusal
        if refusal is not None:
            # A stopped file never arrived: the refusal, not "required", says why.
            self.fields["file"].required = False

    def clean_file(self):
        if self.refusal is not None:
            raise forms.ValidationError(str(self.refusal), code=self.refusal.code)
        return self.cleaned_data["file"]


class SelfCheckForm(forms.Form):
    temperature = forms.DecimalField(
        label=_("Body temperature (°C)"),
        min_value=Decimal("34.0"),
        max_value=Decimal("43.0"),
        max_digits=3,
        decimal_places=1,
        widget=forms.NumberInput(attrs={"step": "0.1", "inputmode": "decimal"}),
    )
    symptoms = forms.MultipleChoiceField(
        label=_("Symptoms today"),
        choices=SYMPTOMS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class CallForm(forms.Form):
    """A call to a resident who has not answered: its outcome and a short note."""

    outcome = forms.ChoiceField(label=_("Outcome"), choices=CallLog.Outcome.choices)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


def parse_day(value: str | None, *, default: datetime.date) -> datetime.date:
    """`?day=YYYY-MM-DD`, the default when absent; Invalid with one sentence when unreadable."""
    if not value:
        return default
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise Invalid(
            _("Give the day as YYYY-MM-DD, for example 2026-03-02."),
            field="day",
            code="invalid_day",
        ) from None
