"""A flagged answer reaches the health team in the app, and by e-mail and push from the worker."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts import roles
from accounts.models import Notification
from tests.conftest import wait_for
from tests.factories import UserFactory
from tests.rpa.conftest import TODAY
from tests.rpa.factories import quarantine_row, quarantined

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("fixed_clock")]


def link_of(upload):
    from rpa import services

    return reverse("rpa-selfcheck", args=[services.selfcheck_token(upload.recipients.get())])


@pytest.fixture
def resident(health_user, templates):
    d = TODAY
    return quarantined(
        health_user, [quarantine_row(1, start=d, end=d + datetime.timedelta(days=7), name="김열나")]
    )


def test_a_fever_sent_from_the_link_notifies_every_health_team_member_the_same_minute(
    client, health_user, resident, celery_worker
):
    colleague = UserFactory(role=roles.HEALTH)
    outsider = UserFactory(role=roles.STAFF)
    sent_at = timezone.now()

    client.post(link_of(resident), {"temperature": "38.4"})

    notes = Notification.objects.filter(recipient__in=[health_user, colleague])
    assert notes.count() == 2
    assert not Notification.objects.filter(recipient=outsider).exists()
    note = notes.first()
    assert "김*나" in note.title and "38.4" in note.title and "김열나" not in note.title
    assert note.url.startswith("/rpa/self-checks/")
    # The worker sends the e-mail and push copies right after the commit.
    wait_for(lambda: notes.filter(delivered_at__isnull=False).count() == 2, timeout=30)
    assert max(n.delivered_at for n in notes) - sent_at < datetime.timedelta(minutes=1)


def test_a_normal_answer_notifies_nobody(client, resident):
    client.post(link_of(resident), {"temperature": "36.6"})
    assert not Notification.objects.exists()


def test_a_symptom_without_fever_is_flagged_too(client, resident, health_user):
    client.post(link_of(resident), {"temperature": "36.6", "symptoms": ["cough"]})
    assert Notification.objects.filter(recipient=health_user).count() == 1
