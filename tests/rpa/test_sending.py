"""The sending path through a real Celery worker, Redis and the gateway simulator."""

from collections import Counter

import pytest

from rpa import services
from rpa.models import OutboxMessage, Recipient
from tests.conftest import wait_for
from tests.rpa.factories import result_row, results_sheet, sheet, upload_sheet

pytestmark = pytest.mark.django_db(transaction=True)

PENDING = ("queued", "sending", "unknown")


def settled(upload) -> bool:
    return not OutboxMessage.objects.filter(upload=upload, status__in=PENDING).exists()


def phones_received(gateway, upload) -> Counter:
    valid_phones = set(
        Recipient.objects.filter(upload=upload, status="valid").values_list("phone", flat=True)
    )
    return Counter(line["to"] for line in gateway.lines() if line["to"] in valid_phones)


def test_every_valid_row_reaches_the_gateway_exactly_once(
    health_user, templates, gateway, celery_worker
):
    upload = upload_sheet(health_user, results_sheet(40, start=1000, rejected=3))
    assert services.confirm_send(upload=upload, user=health_user) == 40

    wait_for(lambda: settled(upload), timeout=60)
    messages = OutboxMessage.objects.filter(upload=upload)
    assert set(messages.values_list("status", flat=True)) <= {"sent", "delivered"}
    received = gateway.received(messages.values_list("client_id", flat=True))
    assert len(received) == 40 and set(received.values()) == {1}
    assert set(phones_received(gateway, upload).values()) == {1}
    upload.refresh_from_db()
    assert upload.status == "done"


def test_delivery_reports_mark_messages_delivered(health_user, templates, gateway, celery_worker):
    upload = upload_sheet(health_user, results_sheet(5, start=2000))
    services.confirm_send(upload=upload, user=health_user)
    wait_for(lambda: settled(upload), timeout=60)
    services.pull_delivery_reports()
    assert set(OutboxMessage.objects.filter(upload=upload).values_list("status", flat=True)) == {
        "delivered"
    }


def test_gateway_failures_and_429s_send_everyone_once(
    health_user, templates, gateway, celery_worker
):
    gateway.configure(fail_rate=0.3, rate_limit=2)
    upload = upload_sheet(health_user, results_sheet(2500, start=10000))
    services.confirm_send(upload=upload, user=health_user)

    wait_for(lambda: settled(upload), timeout=180, interval=0.5)
    failed = OutboxMessage.objects.filter(upload=upload, status="failed")
    assert failed.exists()
    assert set(failed.values_list("failure_reason", flat=True)) == {
        "Number unreachable (simulated)"
    }
    # Rejected numbers are sent again by hand until the gateway takes them.
    for _round in range(20):
        if not failed.exists():
            break
        services.resend_failed(upload=upload, user=health_user)
        wait_for(lambda: settled(upload), timeout=120, interval=0.5)
    assert not failed.exists()
    received = phones_received(gateway, upload)
    assert len(received) == 2500
    assert set(received.values()) == {1}


def test_messages_the_gateway_turns_away_for_now_are_sent_again_later_once(
    health_user, templates, gateway, celery_worker, settings
):
    gateway.configure(busy_rate=0.2)
    upload = upload_sheet(health_user, results_sheet(100, start=30000))
    services.confirm_send(upload=upload, user=health_user)

    wait_for(lambda: settled(upload), timeout=180, interval=0.5)
    messages = OutboxMessage.objects.filter(upload=upload)
    assert messages.filter(attempts__gt=1).exists()  # some were tried again after a wait
    assert set(phones_received(gateway, upload).values()) == {1}
    # Only a message turned away at every one of its tries ends failed, with the reason.
    failed = messages.filter(status="failed")
    assert not failed.exclude(attempts=settings.RPA_MAX_ATTEMPTS).exists()
    sent = messages.filter(status__in=("sent", "delivered")).count()
    assert sent + failed.count() == 100
    assert sent == len(phones_received(gateway, upload))


def test_rejected_and_duplicate_rows_are_not_sent(health_user, templates, gateway, celery_worker):
    rows = [result_row(3001), result_row(3001), "누구,02-000-0000,,2021-08-02,음성,,,"]
    upload = upload_sheet(health_user, sheet(rows))
    assert services.confirm_send(upload=upload, user=health_user) == 1
    wait_for(lambda: settled(upload), timeout=60)
    assert phones_received(gateway, upload) == Counter({"01000003001": 1})


def point_broker_at(app, url: str) -> None:
    """This process's broker connection goes to `url`; a dead port stands for Redis down."""
    app.conf.broker_url = url
    app._pool = None
    app.amqp._producer_pool = None


def confirm_with_redis_down(upload, user, settings) -> int:
    """Confirm while the broker does not answer: the outbox is written, no sender is woken."""
    from config.celery import app

    original = app.conf.broker_url
    point_broker_at(app, "redis://127.0.0.1:1/0")
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    try:
        return services.confirm_send(upload=upload, user=user)
    finally:
        point_broker_at(app, original)
        settings.CELERY_BROKER_URL = original


def test_confirmation_with_redis_down_keeps_the_outbox_and_the_sweep_sends_it(
    health_user, templates, gateway, celery_worker, settings
):
    upload = upload_sheet(health_user, results_sheet(12, start=4000))
    assert confirm_with_redis_down(upload, health_user, settings) == 12
    assert OutboxMessage.objects.filter(upload=upload, status="queued").count() == 12
    OutboxMessage.objects.filter(upload=upload).update(
        next_attempt_at=OutboxMessage.objects.first().created_at.replace(year=2000)
    )
    assert services.sweep_outbox() is True
    wait_for(lambda: settled(upload), timeout=60)
    assert set(phones_received(gateway, upload).values()) == {1}
    assert len(phones_received(gateway, upload)) == 12


def test_stop_leaves_unsent_messages_stopped(health_user, templates, gateway, celery_worker):
    gateway.configure(latency_ms=400, rate_limit=1)
    upload = upload_sheet(health_user, results_sheet(2500, start=20000))
    services.confirm_send(upload=upload, user=health_user)
    stopped = services.stop_sending(upload=upload, user=health_user)
    gateway.configure(latency_ms=0, rate_limit=0)
    wait_for(lambda: settled(upload), timeout=60)
    assert stopped > 0
    messages = OutboxMessage.objects.filter(upload=upload)
    # A batch in flight at the stop that the gateway turned away (429) is stopped afterwards.
    stopped_in_the_end = messages.filter(status="stopped").count()
    assert stopped_in_the_end >= stopped
    sent = messages.filter(status__in=("sent", "delivered")).count()
    assert sent + stopped_in_the_end == 2500
    assert sum(phones_received(gateway, upload).values()) == sent


def test_a_batch_turned_away_after_the_stop_is_stopped_not_left_queued(
    health_user, templates, settings
):
    upload = upload_sheet(health_user, results_sheet(30, start=31000))
    confirm_with_redis_down(upload, health_user, settings)
    in_flight = services.claim_outbox_batch(limit=10)
    assert services.stop_sending(upload=upload, user=health_user) == 20
    settings.SMS_GATEWAY_URL = "http://127.0.0.1:1"  # nobody listens: the batch never left
    services.send_claimed(in_flight)
    assert settled(upload)
    messages = OutboxMessage.objects.filter(upload=upload)
    assert messages.filter(status="stopped").count() == 30


def test_a_report_about_a_message_a_sender_holds_waits_for_the_next_pull(
    health_user, templates, gateway, settings
):
    import threading

    from django.db import connection, transaction

    upload = upload_sheet(health_user, results_sheet(2, start=32000))
    confirm_with_redis_down(upload, health_user, settings)  # no worker: the test sends itself
    services.send_claimed(services.claim_outbox_batch())
    first, second = OutboxMessage.objects.filter(upload=upload).order_by("id")
    # A sender is still recording the gateway's answer about the second: it holds the row.
    OutboxMessage.objects.filter(pk=second.pk).update(status="sending")
    holding, release = threading.Event(), threading.Event()

    def sender():
        with transaction.atomic():
            OutboxMessage.objects.select_for_update().get(pk=second.pk)
            holding.set()
            release.wait(60)
            OutboxMessage.objects.filter(pk=second.pk).update(status="sent")
        connection.close()

    thread = threading.Thread(target=sender)
    thread.start()
    try:
        assert holding.wait(10)
        services.pull_delivery_reports()  # does not wait for the sender
        first.refresh_from_db()
        second.refresh_from_db()
        assert (first.status, second.status) == ("delivered", "sending")
    finally:
        release.set()
        thread.join(30)
    services.pull_delivery_reports()  # the next pull reads the held report again
    second.refresh_from_db()
    assert second.status == "delivered"


def test_reupload_does_not_text_the_same_people_again(
    health_user, templates, gateway, celery_worker
):
    first = upload_sheet(health_user, results_sheet(10, start=5000))
    services.confirm_send(upload=first, user=health_user)
    second = upload_sheet(health_user, results_sheet(15, start=5000))
    already = Recipient.objects.filter(upload=second, already_messaged_by=first)
    assert already.count() == 10
    assert services.confirm_send(upload=second, user=health_user) == 5
    wait_for(lambda: settled(first) and settled(second), timeout=60)
    received = Counter(
        line["to"]
        for line in gateway.lines()
        if line["to"] in {f"010{n:08d}" for n in range(5000, 5015)}
    )
    assert len(received) == 15 and set(received.values()) == {1}
