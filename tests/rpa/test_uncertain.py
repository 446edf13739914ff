"""Lost answers: NHN Cloud is asked by our keys, a SENS batch is left to a person's decision."""

import datetime
from collections import Counter

import pytest
from django.urls import reverse
from django.utils.translation import gettext

from rpa import selectors, services
from rpa.models import OutboxMessage
from tests.rpa.factories import results_sheet, upload_sheet
from tests.rpa.test_api import api_client
from tests.rpa.test_providers import send_everything, statuses

pytestmark = pytest.mark.django_db(transaction=True)

SENS = pytest.mark.parametrize("provider_sim", ["sens"], indirect=True)
NHN = pytest.mark.parametrize("provider_sim", ["nhn"], indirect=True)


def texts_to(simulator, prefix: str) -> Counter:
    return Counter(line["to"] for line in simulator.lines() if line["to"].startswith(prefix))


def lost_sens_batch(user, through, start: int):
    through.configure(drop_rate=1)
    upload = upload_sheet(user, results_sheet(5, start=start))
    services.confirm_send(upload=upload, user=user)
    send_everything()
    through.configure(drop_rate=0)
    return upload


@SENS
def test_a_sens_batch_whose_answer_was_lost_is_uncertain_and_never_resent(
    health_user, templates, through
):
    upload = lost_sens_batch(health_user, through, 40000)

    assert statuses(upload) == {"uncertain": 5}
    assert selectors.message_counts(upload)["uncertain"] == 5
    # The sender chain and the beat keep running: nothing goes out a second time.
    for _round in range(3):
        services.sweep_outbox()
        services.reconcile_uncertain()
        assert services.claim_outbox_batch() == []
    received = texts_to(through, "01000040")
    assert len(received) == 5 and set(received.values()) == {1}
    upload.refresh_from_db()
    assert upload.status == "done"


@SENS
def test_a_sens_batch_abandoned_by_a_dead_worker_is_uncertain(health_user, templates, through):
    upload = upload_sheet(health_user, results_sheet(4, start=41000))
    services.confirm_send(upload=upload, user=health_user)
    assert services.claim_outbox_batch()  # claimed, then the worker died before any answer
    OutboxMessage.objects.filter(upload=upload).update(
        updated_at=datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
    )

    services.reconcile_uncertain()

    assert statuses(upload) == {"uncertain": 4}


@SENS
def test_looking_uncertain_messages_up_again_finds_what_sens_took(health_user, templates, through):
    upload = lost_sens_batch(health_user, through, 42000)

    found = services.lookup_uncertain(upload=upload, user=health_user)

    assert found == 5
    assert statuses(upload) == {"sent": 5}
    assert set(texts_to(through, "01000042").values()) == {1}


@SENS
def test_resending_uncertain_messages_sends_them_under_new_ids(health_user, templates, through):
    upload = lost_sens_batch(health_user, through, 43000)
    old_ids = set(OutboxMessage.objects.filter(upload=upload).values_list("client_id", flat=True))

    assert services.resend_uncertain(upload=upload, user=health_user) == 5
    send_everything()

    assert statuses(upload) == {"sent": 5}
    new_ids = set(OutboxMessage.objects.filter(upload=upload).values_list("client_id", flat=True))
    assert not old_ids & new_ids
    # The person chose this knowing the provider had them: each phone got the text twice.
    assert set(texts_to(through, "01000043").values()) == {2}


@SENS
def test_nothing_uncertain_refuses_both_decisions_with_a_sentence(health_user, templates, through):
    upload = upload_sheet(health_user, results_sheet(2, start=44000))
    services.confirm_send(upload=upload, user=health_user)
    send_everything()
    for decision in (services.lookup_uncertain, services.resend_uncertain):
        with pytest.raises(services.SendRefused) as refusal:
            decision(upload=upload, user=health_user)
        assert refusal.value.message == gettext(
            "No message of this sheet is waiting for a decision."
        )


@NHN
def test_an_nhn_send_whose_answer_was_lost_is_looked_up_by_our_keys_not_resent(
    health_user, templates, through
):
    through.configure(drop_rate=1)
    upload = upload_sheet(health_user, results_sheet(6, start=45000))
    services.confirm_send(upload=upload, user=health_user)
    services.send_claimed(services.claim_outbox_batch())
    assert statuses(upload) == {"unknown": 6}
    through.configure(drop_rate=0)

    send_everything()

    assert statuses(upload) == {"sent": 6}
    received = texts_to(through, "01000045")
    assert len(received) == 6 and set(received.values()) == {1}


@SENS
def test_the_progress_page_shows_uncertain_rows_and_the_decisions(
    health_user, templates, through, client_for
):
    upload = lost_sens_batch(health_user, through, 46000)
    client = client_for(health_user)

    page = client.get(reverse("rpa:progress", args=[upload.pk]), HTTP_ACCEPT_LANGUAGE="ko")
    html = page.content.decode()
    assert "발송 여부 확인 필요" in html
    assert html.count("<tr><td>") >= 5
    assert reverse("rpa:lookup_uncertain", args=[upload.pk]) in html

    client.post(reverse("rpa:lookup_uncertain", args=[upload.pk]))
    assert statuses(upload) == {"sent": 5}


@SENS
def test_the_api_counts_uncertain_and_resends_them_on_request(health_user, templates, through):
    upload = lost_sens_batch(health_user, through, 47000)
    client = api_client(health_user)

    state = client.get(f"/api/v1/rpa/uploads/{upload.pk}/").json()
    assert state["counts"]["uncertain"] == 5

    answer = client.post(f"/api/v1/rpa/uploads/{upload.pk}/uncertain/resend/")
    assert answer.status_code == 202
    assert answer.json()["affected"] == 5
    assert answer.json()["counts"]["uncertain"] == 0
