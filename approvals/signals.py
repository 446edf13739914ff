"""Signals other apps listen to: the outcome of a document, inside the deciding transaction.

`document_decided(document=..., outcome=...)` with an `Outcome` (approved, returned 반려 or
withdrawn 회수) is sent INSIDE the transaction that decided the document, so a receiver that
updates the asking app's own record (a flexible-work request, a booking) commits or rolls
back together with the decision. Receivers filter on `document.doc_type.code` or
`document.subject`; an exception in a receiver undoes the decision.

`document_resubmitted(document=...)` is sent when a returned document starts a new round.
"""

from enum import StrEnum

from django.dispatch import Signal


class Outcome(StrEnum):
    """How a document ended, as receivers of `document_decided` compare it."""

    APPROVED = "approved"
    RETURNED = "returned"
    WITHDRAWN = "withdrawn"


document_decided = Signal()
document_resubmitted = Signal()
