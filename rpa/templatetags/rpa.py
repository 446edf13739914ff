"""Template filters of the case-sheet pages."""

from django import template

from rpa.importer.headers import FIELD_LABELS

register = template.Library()


@register.filter
def field_label(field: str) -> str:
    """The health team's word for a case field ("phone" → 휴대전화)."""
    return FIELD_LABELS.get(field, field)
