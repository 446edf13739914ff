"""The default document types other apps submit by code (also created by migration 0002).

`ensure_type(code)` recreates a default type that is missing (a flushed test database, an
admin who deleted one), so a request never fails because its type row is gone.
"""

from django.db import IntegrityError, transaction

from .models import DocumentType

# code: (name, levels, delegated_max_days, extra reviewers, cooperators, attachments, routine)
DEFAULT_TYPES: dict[str, tuple] = {
    "worktime.flexible": ("유연근무 신청", 2, 5, False, False, False, True),
    "worktime.remote": ("원격근무 신청", 2, 5, False, False, False, True),
    "worktime.cancel": ("유연근무 취소", 1, None, False, False, False, True),
    "worktime.away": ("근무상황 (연가·출장·교육)", 1, None, False, False, False, True),
    "smartcenters.booking": ("스마트워크센터 예약", 1, None, False, False, False, True),
    "general": ("일반 기안", 2, None, True, True, True, False),
    "visit_report": ("출장 복명서", 1, None, False, False, True, False),
}


def ensure_type(code: str) -> DocumentType | None:
    """The default type with this code, created if missing; None for unknown codes."""
    spec = DEFAULT_TYPES.get(code)
    if spec is None:
        return None
    name, levels, delegated, reviewers, cooperators, attachments, routine = spec
    defaults = {
        "name": name,
        "levels": levels,
        "delegated_max_days": delegated,
        "allow_extra_reviewers": reviewers,
        "allow_cooperators": cooperators,
        "allow_attachments": attachments,
        "is_routine": routine,
    }
    try:
        with transaction.atomic():
            return DocumentType.objects.get_or_create(code=code, defaults=defaults)[0]
    except IntegrityError:
        return DocumentType.objects.get(code=code)
