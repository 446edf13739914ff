"""Template filters of the case-sheet pages."""

from django import template

from rpa.forms import SYMPTOMS
from rpa.importer.headers import FIELD_LABELS

register = template.Library()


@register.filter
def field_label(field: str) -> str:
    """The health team's word for a case field ("phone" → 휴대전화)."""
    return FIELD_LABELS.get(field, field)


@register.filter
def symptom_label(code: str) -> str:
    """A symptom as the resident chose it ("cough" → 기침)."""
    return str(dict(SYMPTOMS).get(code, code))
