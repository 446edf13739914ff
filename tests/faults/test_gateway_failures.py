"""The gateway failing 20% of requests and answering 429: everyone texted in the end, once.

The simulator runs with `--fail-rate 0.2 --rate-limit 4`: a tenth of the send requests get a
503 before anything is accepted, another tenth are accepted and then lose their answer (the
worker must ask the gateway what it took before sending again), a fifth of the numbers are
rejected as unreachable, and more than four requests a second get 429 with Retry-After. A
real worker sends; a real `celery beat` runs the sweep and pulls the delivery reports. The
health team resends the rejected numbers (each resend is a new text under a new client id)
until none is left, as the upload page lets them.
"""

import os
import time

import pytest

from rpa import services
from rpa.models import OutboxMessage, Recipient
from tests.faults import stack
from tests.faults.stack import PENDING, wait_for
from tests.rpa.factories import results_sheet, upload_sheet

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

# Fixtures of tests/faults/stack.py used here.
workdir, sending_stack, templates = stack.workdir, stack.sending_stack, stack.templates

ROWS = 3000
REJECTED_ROWS = 7
RATE_LIMIT = 4  # send requests a second


def test_gateway_failing_a_fifth_and_rate_limiting_texts_everyone_exactly_once(
    health_user,
    templates,
    sending_stack,
):
    from config.celery import app

    own = sending_stack("--fail-rate", "0.2", "--rate-limit", str(RATE_LIMIT))
    name = f"faults-gateway-{os.getpid()}"
    own.start_worker(name)
    own.wait_until_worker_answers(app, name)
    own.start_beat(interval=2)

    upload = upload_sheet(health_user, results_sheet(ROWS, start=900000, rejected=REJECTED_ROWS))
    started = time.monotonic()
    assert services.confirm_send(upload=upload, user=health_user) == ROWS
    messages = OutboxMessage.objects.filter(upload=upload)

    def settled():
        return not messages.filter(status__in=PENDING).exists()

    wait_for(settled, timeout=240, interval=0.5, what="first pass settled")
    first_pass = time.monotonic() - started
    # At most RATE_LIMIT requests of ≤100 messages a second get through.
    assert first_pass >= ROWS / 100 / RATE_LIMIT * 0.8
    failed = messages.filter(status="failed")
    assert 0.1 * ROWS < failed.count() < 0.3 * ROWS
    assert set(failed.values_list("failure_reason", flat=True)) == {
        "Number unreachable (simulated)"
    }

    rounds = 0
    while failed.exists():
        rounds += 1
        assert rounds <= 20, f"{failed.count()} numbers still rejected after 20 resends"
        services.resend_failed(upload=upload, user=health_user)
        wait_for(settled, timeout=120, interval=0.5, what=f"resend {rounds} settled")

    # The beat's delivery-report pull marks every text delivered.
    wait_for(
        lambda: set(messages.values_list("status", flat=True)) == {"delivered"},
        timeout=60,
        interval=0.5,
        what="every message delivered",
    )
    assert messages.count() == ROWS
    assert not messages.filter(delivered_at__isnull=True).exists()
    upload.refresh_from_db()
    assert upload.status == "done"

    valid = set(
        Recipient.objects.filter(upload=upload, status="valid").values_list("phone", flat=True)
    )
    assert len(valid) == ROWS
    texts = own.gateway.texts_by_phone()
    assert set(texts) == valid  # every valid resident, and nobody else
    assert set(texts.values()) == {1}, [p for p, n in texts.items() if n > 1][:5]
    # Each delivered message is the one text the gateway accepted for that resident.
    by_client = own.gateway.texts_by_client_id()
    assert {str(c) for c in messages.values_list("client_id", flat=True)} == set(by_client)
