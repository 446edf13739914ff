"""회수 through the API: /withdraw/ takes back a pending request, /cancel/ of a pending request
does the same, and neither touches a decided one."""

import pytest

from approvals import services as approvals
from tests.security.openapi import assert_matches_schema
from worktime.models import Arrangement

from .factories import team_member, working_day

pytestmark = pytest.mark.django_db

REQUESTS = "/api/v1/worktime/requests/"
WITHDRAW = "/api/v1/worktime/requests/{id}/withdraw/"


def remote_day(client, days_ahead: int = 2) -> dict:
    response = client.post(
        REQUESTS,
        {
            "kind": "remote_home",
            "start_date": working_day(days_ahead).isoformat(),
            "reason": "돌봄",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    return response.json()


def test_withdraw_answers_the_withdrawn_request_and_a_second_time_409(client_for):
    person, _lead, _chief = team_member()
    client = client_for(person)
    created = remote_day(client)
    first = client.post(f"{REQUESTS}{created['id']}/withdraw/")
    assert first.status_code == 200
    assert first.json()["status"] == "withdrawn"
    assert_matches_schema(first, WITHDRAW, "POST")
    second = client.post(f"{REQUESTS}{created['id']}/withdraw/")
    assert second.status_code == 409
    assert second.json()["code"] == "conflict" and second.json()["detail"]
    assert_matches_schema(second, WITHDRAW, "POST")


def test_withdraw_leaves_an_approved_arrangement_approved(client_for):
    person, lead, _chief = team_member()
    client = client_for(person)
    created = remote_day(client)
    arrangement = Arrangement.objects.get(pk=created["id"])
    approvals.approve(document=arrangement.approval, actor=lead)
    refused = client.post(f"{REQUESTS}{created['id']}/withdraw/")
    assert refused.status_code == 409
    assert_matches_schema(refused, WITHDRAW, "POST")
    arrangement.refresh_from_db()
    assert arrangement.status == "approved"


def test_cancel_of_a_pending_request_ends_as_withdraw_does(client_for):
    person, _lead, _chief = team_member()
    client = client_for(person)
    by_withdraw = remote_day(client, 2)
    by_cancel = remote_day(client, 3)
    withdrawn = client.post(f"{REQUESTS}{by_withdraw['id']}/withdraw/").json()
    cancelled = client.post(f"{REQUESTS}{by_cancel['id']}/cancel/").json()
    assert withdrawn["status"] == cancelled["status"] == "withdrawn"
    documents = Arrangement.objects.filter(pk__in=[withdrawn["id"], cancelled["id"]])
    assert {a.approval.status for a in documents} == {"withdrawn"}


def test_withdraw_of_someone_elses_request_is_404(client_for):
    person, _lead, _chief = team_member()
    other, _l, _c = team_member()
    created = remote_day(client_for(person))
    response = client_for(other).post(f"{REQUESTS}{created['id']}/withdraw/")
    assert response.status_code == 404
    assert_matches_schema(response, WITHDRAW, "POST")
    assert Arrangement.objects.get(pk=created["id"]).status == "pending"
