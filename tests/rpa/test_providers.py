"""Each provider adapter against its simulator, over real HTTP: sent once, results pulled."""

import datetime
from collections import Counter

import pytest

from rpa import gateway, services
from rpa.models import OutboxMessage
from tests.rpa.factories import results_sheet, upload_sheet

pytestmark = pytest.mark.django_db(transaction=True)


def send_everything(max_rounds: int = 200) -> None:
    """What the sender chain does, in this process: claim, send, settle, until nothing is due."""
    for _round in range(max_rounds):
        services.reconcile_uncertain()
        ids = services.claim_outbox_batch()
        if ids:
            services.send_claimed(ids)
            continue
        if not OutboxMessage.objects.filter(status__in=("queued", "sending", "unknown")).exists():
            return
        OutboxMessage.objects.filter(status__in=("queued", "unknown")).update(
            next_attempt_at=datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
        )
    raise AssertionError("the outbox did not empty")


def statuses(upload) -> Counter:
    return Counter(OutboxMessage.objects.filter(upload=upload).values_list("status", flat=True))


def pull_results_until_final(upload) -> None:
    for _round in range(20):
        # The adapters ask about messages accepted a moment ago only; make them old enough.
        OutboxMessage.objects.filter(upload=upload, status="sent").update(
            updated_at=datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
        )
        services.pull_delivery_reports()
        if not OutboxMessage.objects.filter(upload=upload, status="sent").exists():
            return
    raise AssertionError("delivery results did not arrive")


def test_each_provider_texts_every_row_once_and_reports_delivery(health_user, templates, through):
    upload = upload_sheet(health_user, results_sheet(250, start=30000))
    services.confirm_send(upload=upload, user=health_user)

    send_everything()
    assert statuses(upload) == {"sent": 250}
    pull_results_until_final(upload)

    assert statuses(upload) == {"delivered": 250}
    received = Counter(line["to"] for line in through.lines() if line["to"].startswith("01000030"))
    assert len(received) == 250 and set(received.values()) == {1}
    assert set(OutboxMessage.objects.filter(upload=upload).values_list("sent_via", flat=True)) <= {
        "sms",
        "lms",
    }


def test_each_provider_records_failed_deliveries_with_the_reason(health_user, templates, through):
    if through.name == "simulator":
        pytest.skip("the simulator's own protocol decides delivery when it accepts")
    through.configure(fail_rate=1)
    upload = upload_sheet(health_user, results_sheet(3, start=31000))
    services.confirm_send(upload=upload, user=health_user)
    # fail_rate 1 also fails every request with a 503 or a lost answer: let them through.
    through.configure(fail_rate=0)
    send_everything()
    through.configure(fail_rate=1)  # the sends went, now every phone turns them down
    pull_results_until_final(upload)
    failed = OutboxMessage.objects.filter(upload=upload, status="failed")
    assert failed.count() == 3
    assert all(m.failure_reason for m in failed)


def test_a_sender_the_provider_has_not_registered_is_never_texted(health_user, templates, through):
    templates["negative"].sender.number = "0299999999"
    templates["negative"].sender.save()
    upload = upload_sheet(health_user, results_sheet(3, start=32000))
    services.confirm_send(upload=upload, user=health_user)
    ids = services.claim_outbox_batch()
    services.send_claimed(ids)
    if through.name == "simulator":
        return  # the portal's own protocol knows no sender registration
    assert not [line for line in through.lines() if line["to"].startswith("01000032")]
    assert not OutboxMessage.objects.filter(upload=upload, status="sent").exists()


@pytest.mark.parametrize("wrong", ["SENS_SECRET_KEY", "NHN_SMS_SECRET_KEY"])
def test_a_wrong_secret_key_is_refused_and_nothing_is_sent(settings, through, wrong):
    provider = settings.SMS_PROVIDER
    if (provider, wrong) not in (("sens", "SENS_SECRET_KEY"), ("nhn", "NHN_SMS_SECRET_KEY")):
        pytest.skip("this key belongs to another provider")
    setattr(settings, wrong, "not-the-secret")
    before = len(through.lines())
    message = gateway.Outgoing("c-1", "01011112222", "0212345678", "검사 결과 안내", "sms")
    with pytest.raises(gateway.GatewayUnavailable):
        gateway.provider().send_batch([message], batch_key="k")
    assert len(through.lines()) == before


@pytest.mark.parametrize("provider_sim", ["sens"], indirect=True)
def test_sens_batches_carry_at_most_the_100_messages_a_request_sens_takes(
    health_user, templates, through, settings
):
    settings.RPA_SEND_BATCH_SIZE = 1000
    upload = upload_sheet(health_user, results_sheet(150, start=33000))
    services.confirm_send(upload=upload, user=health_user)

    assert len(services.claim_outbox_batch()) == 100


@pytest.mark.parametrize("provider_sim", ["sens"], indirect=True)
def test_the_sens_simulator_refuses_101_messages_in_one_request(through):
    messages = [
        gateway.Outgoing(f"c-{n}", f"010{n:08d}", "0212345678", "검사 결과 안내", "sms")
        for n in range(101)
    ]
    before = len(through.lines())

    with pytest.raises(gateway.GatewayUnavailable):
        gateway.provider().send_batch(messages, batch_key="k")

    assert len(through.lines()) == before
