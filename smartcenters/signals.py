"""Signals other apps listen to (worktime ties a smart-work arrangement to its booking)."""

from django.dispatch import Signal

# Sent inside the transaction when a booking stops holding its seat (cancelled or released).
# Arguments: booking (status, end_reason and is_no_show already set).
booking_ended = Signal()
