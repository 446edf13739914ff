"""A fresh install has the texts and columns; without a sender number in use, nothing is sent."""

import pytest
from django.urls import reverse
from django.utils import translation

from rpa import services
from rpa.defaults import MESSAGE_TEXTS, REPORT_COLUMNS
from rpa.models import MessageTemplate, OutboxMessage, ReportColumn, SenderNumber, Upload
from tests.conftest import verified_client
from tests.rpa.factories import results_sheet, upload_sheet

pytestmark = pytest.mark.django_db

NO_SENDER = "No registered sender number is in use"


def test_the_migration_wrote_the_five_message_texts_and_the_report_columns():
    assert dict(MessageTemplate.objects.values_list("kind", "text")) == MESSAGE_TEXTS
    assert list(ReportColumn.objects.values_list("field", "header")) == REPORT_COLUMNS


def test_confirming_without_any_sender_number_is_refused_with_what_to_set(health_user):
    upload = upload_sheet(health_user, results_sheet(3))
    with translation.override("en"), pytest.raises(services.SendRefused) as refusal:
        services.confirm_send(upload=upload, user=health_user)
    assert NO_SENDER in refusal.value.message and "admin" in refusal.value.message
    upload.refresh_from_db()
    assert upload.status == Upload.Status.PREVIEWED
    assert not OutboxMessage.objects.exists()


def test_a_sender_number_not_marked_in_use_does_not_count(client, health_user):
    SenderNumber.objects.create(number="0212345678", is_active=False)
    upload = upload_sheet(health_user, results_sheet(3))
    response = verified_client(client, health_user).post(
        reverse("rpa:confirm", args=[upload.pk]), follow=True, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert NO_SENDER in response.content.decode()
    assert not OutboxMessage.objects.exists()


def test_a_template_without_a_sender_number_names_itself(client, health_user):
    SenderNumber.objects.create(number="0212345678", is_active=True)
    upload = upload_sheet(health_user, results_sheet(3))
    response = verified_client(client, health_user).post(
        f"/api/v1/rpa/uploads/{upload.pk}/send/", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 409
    assert "has no sender number in use" in response.json()["detail"]
    assert not OutboxMessage.objects.exists()


def test_the_upload_page_says_what_is_missing_before_anyone_tries(client, health_user):
    client = verified_client(client, health_user)
    page = client.get(reverse("rpa:uploads"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert NO_SENDER in page
    sender = SenderNumber.objects.create(number="0212345678", is_active=True)
    MessageTemplate.objects.update(sender=sender)
    page = client.get(reverse("rpa:uploads"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert NO_SENDER not in page and "has no sender number" not in page


def test_once_the_number_is_set_the_migrated_texts_send(health_user):
    sender = SenderNumber.objects.create(number="0212345678", is_active=True)
    MessageTemplate.objects.update(sender=sender)
    upload = upload_sheet(health_user, results_sheet(3))
    assert services.confirm_send(upload=upload, user=health_user) == 3
    assert set(OutboxMessage.objects.values_list("sender", flat=True)) == {"0212345678"}
