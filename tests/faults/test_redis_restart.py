"""Redis stopped in the middle of a send and started again: sending resumes by itself, through
each provider's protocol.

The test runs its own Redis server (never the shared one), its own worker and its own
`celery beat`, so the only thing that wakes the senders after the restart is the beat's
periodic `rpa.tasks.sweep_outbox`, as in production. Redis runs without persistence: every
task message in it is lost with the restart, only the outbox rows in PostgreSQL remain.
"""

import time
from collections import Counter

import pytest

from rpa import services
from rpa.models import OutboxMessage, Recipient
from tests.faults.conftest import wait_for
from tests.rpa.conftest import PROVIDER_NAMES, REGISTERED_SENDER, provider_settings
from tests.rpa.factories import make_templates, results_sheet, upload_sheet

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

ROWS = 2000
PENDING = ("queued", "sending", "unknown")


@pytest.mark.parametrize("provider", PROVIDER_NAMES)
def test_redis_restarted_mid_send_resumes_and_texts_everyone_once(
    health_user, stack, processes, settings, provider
):
    own = stack("--latency-ms", "150", "--provider", provider, "--senders", REGISTERED_SENDER)
    for key, value in provider_settings(provider, own.gateway.url).items():
        own.env[key] = value
        setattr(settings, key, value)
    own.worker("redis")
    beat = own.beat()
    make_templates()
    upload = upload_sheet(health_user, results_sheet(ROWS, start=800000))
    assert services.confirm_send(upload=upload, user=health_user) == ROWS
    messages = OutboxMessage.objects.filter(upload=upload)
    wait_for(lambda: messages.filter(status="sent").count() >= 200, timeout=60, interval=0.05)

    processes.stop(own.redis)
    assert messages.filter(status="sent").count() < ROWS, "the send ended before Redis went down"
    # The workers finish the batches they hold; nothing is left to wake the next sender.
    time.sleep(5)
    stalled_at = len(own.gateway.lines())
    beat_log_at_restart = len(processes.log("beat"))
    own.redis = processes.redis(own.redis_port)
    assert own.app.connection_for_write().default_channel.client.dbsize() == 0

    try:
        wait_for(lambda: not messages.filter(status__in=PENDING).exists(), timeout=150, interval=1)
    except AssertionError:
        counts = Counter(messages.values_list("status", flat=True))
        raise AssertionError(f"sending did not resume: {dict(counts)}") from None
    assert beat.poll() is None, processes.log("beat")
    assert "rpa.tasks.sweep_outbox" in processes.log("beat")[beat_log_at_restart:]
    assert len(own.gateway.lines()) > stalled_at, "nothing was sent after the restart"
    assert set(messages.values_list("status", flat=True)) <= {"sent", "delivered"}

    valid = set(
        Recipient.objects.filter(upload=upload, status="valid").values_list("phone", flat=True)
    )
    received = Counter(line["to"] for line in own.gateway.lines())
    assert len(valid) == ROWS
    assert set(received) == valid
    assert set(received.values()) == {1}, [p for p, n in received.items() if n > 1][:5]
