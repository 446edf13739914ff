"""429s and lost answers through each provider, with a real worker and beat.

The simulator speaks the provider's protocol with `--drop-rate 0.2 --rate-limit 4`: every fifth
send request is taken and then loses its answer (spread evenly, not drawn, so a run of six SENS
batches always loses one), and more than four requests a second get 429 with Retry-After. The
simulator's protocol and NHN Cloud are asked what they took (by client id, by grouping keys) and
nobody is texted twice; SENS cannot be asked by a key of ours, so its lost batches are uncertain
until the health team looks them up again.
"""

import os

import pytest

from rpa import services
from rpa.models import OutboxMessage, Recipient
from tests.faults import stack
from tests.faults.stack import PENDING, wait_for
from tests.rpa.conftest import PROVIDER_NAMES, REGISTERED_SENDER, provider_settings
from tests.rpa.factories import results_sheet, upload_sheet

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

# Fixtures of tests/faults/stack.py used here.
workdir, sending_stack, templates = stack.workdir, stack.sending_stack, stack.templates

ROWS = 600
# Send requests a second before 429. NHN Cloud takes one text a request (every resident's text
# differs), so it sends many more requests than the others for the same rows.
RATE_LIMITS = {"simulator": 4, "sens": 4, "nhn": 40}


@pytest.mark.parametrize("provider", PROVIDER_NAMES)
def test_lost_answers_and_429s_text_everyone_once_or_ask_a_person(
    health_user, templates, sending_stack, settings, provider
):
    from config.celery import app

    own = sending_stack(
        "--provider", provider, "--senders", REGISTERED_SENDER,
        "--drop-rate", "0.2", "--rate-limit", str(RATE_LIMITS[provider]),
    )  # fmt: skip
    own.worker_env.update(provider_settings(provider, own.gateway.url))
    for key, value in provider_settings(provider, own.gateway.url).items():
        setattr(settings, key, value)
    name = f"faults-{provider}-{os.getpid()}"
    own.start_worker(name)
    own.wait_until_worker_answers(app, name)
    own.start_beat(interval=2)

    upload = upload_sheet(health_user, results_sheet(ROWS, start=880000))
    assert services.confirm_send(upload=upload, user=health_user) == ROWS
    messages = OutboxMessage.objects.filter(upload=upload)
    wait_for(
        lambda: not messages.filter(status__in=PENDING).exists(),
        timeout=240,
        interval=0.5,
        what="first pass settled",
    )

    texts = own.gateway.texts_by_phone()
    assert set(texts.values()) == {1}, [p for p, n in texts.items() if n > 1][:5]
    if provider == "sens":
        uncertain = messages.filter(status="uncertain").count()
        assert uncertain, "no answer was lost: the test proves nothing"
        # Every lost answer was a batch SENS took: looking it up finds each of them.
        assert services.lookup_uncertain(upload=upload, user=health_user) == uncertain
    wait_for(
        lambda: set(messages.values_list("status", flat=True)) == {"delivered"},
        timeout=120,
        interval=0.5,
        what="every message delivered",
    )
    valid = set(
        Recipient.objects.filter(upload=upload, status="valid").values_list("phone", flat=True)
    )
    texts = own.gateway.texts_by_phone()
    assert set(texts) == valid and set(texts.values()) == {1}
    upload.refresh_from_db()
    assert upload.status == "done"
