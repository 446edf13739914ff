"""The one error a service raises when it refuses: a sentence, the field it concerns, a code.

Services raise `Invalid` (fix the input), `NotAllowed` (not yours to do) or `Conflict` (the
state moved on: decided, taken, sent). Each is shown in one place: the API's exception handler
and the pages' middleware in `config/errors.py`, and `add_to(form)` where a page has a form.
Pure Python, so the case-sheet importer's refusals can be domain errors too.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any


class DomainError(Exception):
    """A refusal fit to show to the person: `message`, `field` (or None) and a stable `code`.

    `errors` maps field names to their sentences when several fields are wrong at once;
    `extra` carries what a client may act on (the nearest free seat, the booking in the way).
    """

    code = "invalid"

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        code: str | None = None,
        errors: Mapping[str, Sequence[str]] | None = None,
        extra: Mapping[str, Any] | None = None,
    ):
        self.message = str(message)
        super().__init__(self.message)
        self.field = field
        if code:
            self.code = code
        if errors:
            self.errors = {name: [str(text) for text in texts] for name, texts in errors.items()}
        else:
            self.errors = {field: [self.message]} if field else {}
        self.extra = dict(extra or {})

    @classmethod
    def of_fields(cls, errors: Mapping[str, Sequence[str]], *, code: str | None = None):
        """One error for several wrong fields; its message is the first field's first sentence."""
        field, texts = next(iter(errors.items()))
        return cls(texts[0], field=field, code=code, errors=errors)

    def __str__(self) -> str:
        return self.message

    @property
    def messages(self) -> list[str]:
        """Every sentence, field by field (the message alone when no field is named)."""
        return [text for texts in self.errors.values() for text in texts] or [self.message]

    def add_to(self, form) -> None:
        """Put the sentences on a Django form: on the field when the form has it, else on top."""
        if not self.errors:
            form.add_error(None, self.message)
        for name, texts in self.errors.items():
            for text in texts:
                form.add_error(name if name in form.fields else None, text)


class Invalid(DomainError):
    """The input breaks a rule: the person can fix it (API 400)."""


class NotAllowed(DomainError):
    """Not this person's to do (API 403)."""

    code = "not_allowed"


class Conflict(DomainError):
    """The state has moved on: decided, taken, already sent (API 409)."""

    code = "conflict"
