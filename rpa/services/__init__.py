"""Everything that changes the rpa app's state: uploads, confirmation, the outbox, self-checks.

    from rpa import services

    upload = services.create_upload(user=user, filename="명단.xlsx", data=data)
    try:
        services.confirm_send(upload=upload, user=user)
    except services.SendRefused as refusal:
        ...  # refusal.message: one translated sentence for the team

Modules, each importing only those before it (hand-written SQL lives in `rpa.sql`):
- health: a flagged answer told to the team, calls to those who did not answer;
- selfcheck: the resident behind a signed link, submitting a check;
- uploads: a read sheet stored as an upload, the access log, the sheet export, retention;
- outbox: what actions and worker share: waking senders, stopping, finishing uploads;
- actions: the team's confirm, stop and resend, and its decision on uncertain messages;
- sender: the worker's loop (claim a batch, send it, record outcomes) and the beat's sweep;
- settling: the worker asking about unknown outcomes, and reading delivery results;
- reminders: the self-check reminder texts, queued in the outbox;
- reports: the agency report, its retry and the sweep of reports left pending.
"""

from ..messages import (
    SELFCHECK_SALT,
    message_context,
    render_message,
    selfcheck_link,
    selfcheck_token,
)
from ..selfcheck_selectors import is_flagged, quarantined_without_check, thresholds
from .actions import (
    SendRefused,
    confirm_send,
    lookup_uncertain,
    resend_failed,
    resend_uncertain,
    stop_sending,
)
from .health import alert_health_team, record_call
from .outbox import PENDING_STATUSES, broker_answers, enqueue_sending
from .reminders import send_selfcheck_reminders
from .reports import (
    DEFAULT_REPORT_COLUMNS,
    build_agency_report,
    request_agency_report,
    retry_agency_report,
    sweep_pending_reports,
)
from .selfcheck import (
    SelfCheckAlreadySent,
    recipient_for_token,
    submit_selfcheck,
)
from .sender import claim_outbox_batch, next_due_in, send_claimed, sweep_outbox
from .settling import pull_delivery_reports, reconcile_uncertain
from .uploads import create_upload, purge_expired, record_access, sheet_with_status

__all__ = [
    "DEFAULT_REPORT_COLUMNS",
    "PENDING_STATUSES",
    "SELFCHECK_SALT",
    "SelfCheckAlreadySent",
    "SendRefused",
    "alert_health_team",
    "broker_answers",
    "build_agency_report",
    "claim_outbox_batch",
    "confirm_send",
    "create_upload",
    "enqueue_sending",
    "is_flagged",
    "lookup_uncertain",
    "message_context",
    "next_due_in",
    "pull_delivery_reports",
    "purge_expired",
    "quarantined_without_check",
    "recipient_for_token",
    "record_call",
    "reconcile_uncertain",
    "record_access",
    "render_message",
    "request_agency_report",
    "resend_failed",
    "retry_agency_report",
    "resend_uncertain",
    "selfcheck_link",
    "selfcheck_token",
    "send_claimed",
    "send_selfcheck_reminders",
    "sheet_with_status",
    "stop_sending",
    "submit_selfcheck",
    "sweep_outbox",
    "sweep_pending_reports",
    "thresholds",
]
