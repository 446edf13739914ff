"""KakaoTalk 알림톡 with SMS failover: one outbox row, one text a phone, counted by the way it went."""

from collections import Counter

import pytest
from django.urls import reverse

from rpa import selectors, services
from rpa.models import OutboxMessage
from tests.rpa.factories import result_row, sheet, upload_sheet
from tests.rpa.test_providers import pull_results_until_final, send_everything, statuses

pytestmark = pytest.mark.django_db(transaction=True)

KAKAO_PROVIDERS = pytest.mark.parametrize("provider_sim", ["sens", "nhn"], indirect=True)


def negative_results(count: int, start: int) -> bytes:
    return sheet([result_row(start + i, result="음성") for i in range(count)])


@KAKAO_PROVIDERS
def test_alimtalk_reaches_kakaotalk_users_and_the_rest_get_the_sms_instead(
    health_user, templates, through, client_for
):
    templates["negative"].alimtalk_template_code = "NEG_RESULT_01"
    templates["negative"].save()
    through.configure(kakao_miss_rate=0.4)
    upload = upload_sheet(health_user, negative_results(60, start=50000))
    services.confirm_send(upload=upload, user=health_user)

    send_everything()
    pull_results_until_final(upload)

    assert statuses(upload) == {"delivered": 60}
    channels = selectors.channel_counts(upload)
    # Counted once each: as 알림톡, or as the SMS/LMS failover of the same outbox row.
    assert channels["alimtalk"] + channels["sms"] + channels["lms"] == 60
    assert channels["alimtalk"] and channels["sms"] + channels["lms"]
    received = Counter(line["to"] for line in through.lines() if line["to"].startswith("01000050"))
    assert len(received) == 60 and set(received.values()) == {1}

    page = client_for(health_user).get(
        reverse("rpa:progress", args=[upload.pk]), HTTP_ACCEPT_LANGUAGE="ko"
    )
    assert f"알림톡: {channels['alimtalk']}" in page.content.decode()


@KAKAO_PROVIDERS
def test_a_kind_without_an_alimtalk_template_goes_as_sms(health_user, templates, through):
    upload = upload_sheet(health_user, negative_results(5, start=51000))
    services.confirm_send(upload=upload, user=health_user)

    send_everything()
    pull_results_until_final(upload)

    assert set(OutboxMessage.objects.filter(upload=upload).values_list("sent_via", flat=True)) <= {
        "sms",
        "lms",
    }
