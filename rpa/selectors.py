"""What the rpa pages and API read: uploads, previews, progress, failures, missing checks."""

import datetime

from django.core.paginator import Page, Paginator
from django.db.models import Count

from accounts.selectors import mask_phone

from .messages import render_message
from .models import MessageKind, MessageTemplate, OutboxMessage, Recipient, Upload
from .selfcheck_selectors import quarantined_without_check

COUNT_KEYS = ("queued", "sending", "uncertain", "sent", "delivered", "failed", "stopped")


def uploads_for_day(day: datetime.date) -> list[Upload]:
    return list(
        Upload.objects.filter(day=day).select_related("uploaded_by").order_by("-created_at")
    )


def _count_key(status: str) -> str:
    # Being checked with the gateway is still sending, as the team sees it.
    return "sending" if status == OutboxMessage.Status.UNKNOWN else status


def message_counts(upload: Upload) -> dict[str, int]:
    """Messages by status; `sending` includes those being checked with the gateway."""
    counts = dict.fromkeys(COUNT_KEYS, 0)
    rows = (
        OutboxMessage.objects.filter(upload=upload)
        .exclude(kind=MessageKind.REMINDER)
        .values("status")
        .annotate(n=Count("id"))
    )
    for row in rows:
        counts[_count_key(row["status"])] += row["n"]
    if upload.purged_at and not rows:
        for key, n in upload.final_counts.items():
            counts[_count_key(key)] = counts.get(key, 0) + n
    counts["total"] = sum(counts[k] for k in COUNT_KEYS)
    return counts


def channel_counts(upload: Upload) -> dict[str, int]:
    """How many went which way: KakaoTalk 알림톡, or SMS/LMS (directly or as its failover)."""
    counts = dict.fromkeys(OutboxMessage.Via.values, 0)
    rows = (
        OutboxMessage.objects.filter(upload=upload)
        .exclude(kind=MessageKind.REMINDER)
        .exclude(sent_via="")
        .values("sent_via")
        .annotate(n=Count("id"))
    )
    for row in rows:
        counts[row["sent_via"]] += row["n"]
    return counts


def uncertain_messages(upload: Upload, limit: int = 200) -> list[OutboxMessage]:
    """Messages the provider may or may not have taken: a person decides (발송 여부 확인 필요)."""
    messages = list(
        OutboxMessage.objects.filter(upload=upload, status=OutboxMessage.Status.UNCERTAIN)
        .select_related("recipient")
        .order_by("recipient__row")[:limit]
    )
    for message in messages:
        message.masked_phone = mask_phone(message.to)
    return messages


def is_finished(counts: dict[str, int]) -> bool:
    return counts["queued"] == 0 and counts["sending"] == 0


def preview_page(upload: Upload, *, only_rejected: bool, page: int, per_page: int = 100) -> Page:
    """A page of rows with, for valid ones, the text each resident will get."""
    recipients = upload.recipients.select_related("already_messaged_by").order_by("row")
    if only_rejected:
        recipients = recipients.exclude(status=Recipient.Status.VALID)
    paginator = Paginator(recipients, per_page)
    page_obj = paginator.get_page(page)
    templates = {t.kind: t for t in MessageTemplate.objects.all()}
    sent_texts = dict(
        OutboxMessage.objects.filter(recipient__in=list(page_obj.object_list))
        .exclude(kind=MessageKind.REMINDER)
        .values_list("recipient_id", "status")
    )
    for recipient in page_obj.object_list:
        recipient.masked_phone = mask_phone(recipient.phone) if recipient.phone else ""
        recipient.message_status = sent_texts.get(recipient.pk, "")
        recipient.preview = None
        template = templates.get(recipient.message_kind)
        if recipient.status == Recipient.Status.VALID and template is not None:
            text, length, channel = render_message(template, recipient)
            recipient.preview = {"text": text, "bytes": length, "channel": channel}
    return page_obj


def failures(upload: Upload, limit: int = 200) -> list[OutboxMessage]:
    messages = list(
        OutboxMessage.objects.filter(upload=upload, status=OutboxMessage.Status.FAILED)
        .select_related("recipient")
        .order_by("recipient__row")[:limit]
    )
    for message in messages:
        message.masked_phone = mask_phone(message.to)
    return messages


def messages_of(upload: Upload, *, status: str | None = None):
    messages = (
        OutboxMessage.objects.filter(upload=upload)
        .select_related("recipient")
        .order_by("recipient__row", "id")
    )
    if status:
        messages = messages.filter(status=status)
    return messages


def dry_run(upload: Upload) -> dict:
    """The stored upload as the dry-run JSON object of docs/case-sheets.md."""
    rows = []
    for r in upload.recipients.order_by("row").iterator(chunk_size=5000):
        if r.status == Recipient.Status.VALID:
            rows.append(
                {
                    "row": r.row,
                    "status": r.status,
                    "name": r.name,
                    "phone": r.phone,
                    "result": r.result or None,
                    "test_date": r.test_date.isoformat() if r.test_date else None,
                    "quarantine_start": (
                        r.quarantine_start.isoformat() if r.quarantine_start else None
                    ),
                    "quarantine_end": r.quarantine_end.isoformat() if r.quarantine_end else None,
                    "already_messaged_by": r.already_messaged_by_id,
                }
            )
        elif r.status == Recipient.Status.DUPLICATE:
            rows.append({"row": r.row, "status": r.status, "duplicate_of": r.duplicate_of})
        else:
            rows.append({"row": r.row, "status": r.status, "errors": r.errors})
    return {
        "file": upload.original_name,
        "sheet": upload.sheet or None,
        "header_row": upload.header_row,
        "rows": rows,
        "summary": upload.summary,
    }


def missing_checks(day: datetime.date) -> list[Recipient]:
    people = quarantined_without_check(day)
    for person in people:
        person.masked_phone = mask_phone(person.phone)
    return people
