"""A send whose answer was lost, settled by its delivery report: the upload still finishes.

The gateway accepted the message but the answer never arrived, so the outbox holds it as
`unknown`; its delivery report may then arrive before the reconciler asks about it. Quick
(an in-process simulator, no worker), so `make test` runs it.
"""

import threading
import time

import pytest
from django.db import connection

from rpa import gateway, services
from rpa.gateway.simulator import make_server
from rpa.models import OutboxMessage
from rpa.services import sender as sender_loop
from tests.faults import stack
from tests.faults.stack import free_port
from tests.rpa.factories import results_sheet, upload_sheet

templates = stack.templates  # the fixture


@pytest.fixture
def simulator(tmp_path, settings):
    port = free_port()
    server = make_server(port=port, record=str(tmp_path / "record.jsonl"))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.SMS_GATEWAY_URL = f"http://127.0.0.1:{port}"
    settings.SMS_GATEWAY_TIMEOUT = 5
    settings.RPA_PRIVATE_ROOT = tmp_path / "private"
    # Nothing is queued to a broker: this test drives the sending steps itself.
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    yield server
    server.shutdown()
    server.server_close()


@pytest.mark.django_db(transaction=True)
def test_delivery_report_of_a_lost_answer_finishes_the_upload(health_user, templates, simulator):
    upload = upload_sheet(health_user, results_sheet(3, start=960000))
    assert services.confirm_send(upload=upload, user=health_user) == 3
    ids = services.claim_outbox_batch()
    assert len(ids) == 3
    lost, *answered = ids
    # The gateway takes the first message but its answer is lost on the way back.
    message = OutboxMessage.objects.get(pk=lost)
    gateway.provider().send_batch(
        [
            gateway.Outgoing(
                client_id=str(message.client_id),
                to=message.to,
                sender=message.sender,
                text=message.text,
                channel=message.channel,
            )
        ],
        batch_key="",
    )
    OutboxMessage.objects.filter(pk=lost).update(status="unknown")
    services.send_claimed(answered)
    upload.refresh_from_db()
    assert upload.status == "confirmed"  # one outcome is still unknown

    services.pull_delivery_reports()

    assert set(upload.messages.values_list("status", flat=True)) == {"delivered"}
    upload.refresh_from_db()
    assert upload.status == "done"
    assert upload.finished_at is not None


@pytest.mark.django_db(transaction=True)
def test_delivery_report_pulled_while_the_send_is_being_recorded_is_not_lost(
    health_user, templates, simulator, monkeypatch, tmp_path
):
    """The gateway accepted the batch and already reports delivery; the worker is still
    writing `sent`. The pull must wait for that and apply the report, not skip it for good."""
    upload = upload_sheet(health_user, results_sheet(3, start=970000))
    services.confirm_send(upload=upload, user=health_user)
    ids = services.claim_outbox_batch()
    record_results = sender_loop._record_results

    def slow_record(rows, results, **kwargs):
        time.sleep(1.0)
        record_results(rows, results, **kwargs)

    monkeypatch.setattr(sender_loop, "_record_results", slow_record)

    def worker():
        try:
            services.send_claimed(ids)
        finally:
            connection.close()

    sender = threading.Thread(target=worker)
    sender.start()
    record = tmp_path / "record.jsonl"
    deadline = time.monotonic() + 10
    while not (record.exists() and len(record.read_text().splitlines()) == 3):
        assert time.monotonic() < deadline, "the gateway did not get the batch"
        time.sleep(0.02)
    services.pull_delivery_reports()  # the worker still holds the rows
    sender.join(timeout=20)
    services.pull_delivery_reports()  # a later pull finds nothing new: the cursor moved on

    assert set(upload.messages.values_list("status", flat=True)) == {"delivered"}
    upload.refresh_from_db()
    assert upload.status == "done"
