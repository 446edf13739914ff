"""Nobody decides their own document: not as a substitute (대결), not by 전결, not in bulk.

The attack: a team lead names one of their staff as substitute, the staff member applies for a
flexible-work day, and the line would hand the step to the applicant acting for the lead.
"""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from approvals import rules, services
from approvals.models import Absence, Action, ApprovalStep, Document
from approvals.selectors import inbox_for
from approvals.tasks import send_reminders
from tests.approvals.factories import make_org
from tests.conftest import enrol_totp
from tests.factories import api_token_key
from tests.worktime.factories import working_day

pytestmark = pytest.mark.django_db

OWN_DOCUMENT = "본인이 신청한 문서는 본인이 결재하거나 반려할 수 없습니다."


@pytest.fixture
def org():
    org = make_org()
    enrol_totp(org.applicant)
    return org


def token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_key(user)}")
    return client


def name_applicant_as_lead_substitute(org) -> None:
    """The lead names the applicant as their substitute for today, through the API."""
    today = timezone.localdate().isoformat()
    response = token_client(org.lead).post(
        "/api/v1/approvals/absences/",
        {"substitute": org.applicant.pk, "start_date": today, "end_date": today},
        format="json",
    )
    assert response.status_code == 201, response.json()


def lead_away_since_today_with_applicant_as_substitute(org) -> None:
    """An absence set earlier for a day that has now come: nothing re-routed waiting steps."""
    today = timezone.localdate()
    Absence.objects.create(
        approver=org.lead, substitute=org.applicant, start_date=today, end_date=today
    )


def flexible_request(org, *, span_days: int = 6) -> Document:
    """A flexible-work request: up to five days is closed by the team lead (전결)."""
    return services.submit(
        applicant=org.applicant,
        doc_type="worktime.flexible",
        title="시차출퇴근 신청",
        facts=[["기간", f"{span_days}일"]],
        span_days=span_days,
    )


def open_step(document: Document) -> ApprovalStep:
    return document.steps.get(round=document.round, status=ApprovalStep.Status.PENDING)


# --- the line ---------------------------------------------------------------------------------


def test_substitute_who_is_the_applicant_is_passed_over_for_the_next_head_up(org):
    name_applicant_as_lead_substitute(org)
    document = flexible_request(org, span_days=6)
    steps = list(document.steps.order_by("order"))
    assert [(s.approver, s.acting_for) for s in steps] == [
        (org.chief, org.lead),
        (org.chief, None),
    ]
    assert org.applicant not in [s.approver for s in steps]


def test_delegated_final_never_goes_to_the_applicant_substitute(org):
    name_applicant_as_lead_substitute(org)
    document = flexible_request(org, span_days=3)
    step = document.steps.get()
    assert (step.approver, step.acting_for, step.delegated_final) == (org.chief, org.lead, True)


def test_a_team_lead_applying_is_never_a_step_of_their_own_line(org):
    document = services.submit(
        applicant=org.lead, doc_type="worktime.flexible", title="팀장 시차출퇴근", span_days=6
    )
    assert [s.approver for s in document.steps.order_by("order")] == [org.chief, org.director]


def test_line_rule_never_hands_a_step_to_the_applicant_even_when_named_substitute(org):
    line = rules.build_line(
        applicant=org.applicant,
        chain=[org.lead],
        rule=rules.LineRule(levels=1),
        substitute_for=lambda person: org.applicant,
    )
    assert [(s.approver, s.acting_for) for s in line] == [(org.lead, None)]


def test_line_preview_service_names_the_passed_over_substitute(org):
    name_applicant_as_lead_substitute(org)
    steps = services.preview_line(
        applicant=org.applicant, doc_type="worktime.flexible", span_days=3
    )
    assert [(s.approver, s.acting_for, s.passed_over) for s in steps] == [
        (org.chief, org.lead, org.applicant)
    ]
    assert "신청자" in steps[0].note


def test_line_preview_page_says_why_the_substitute_is_passed_over(org, client_for):
    name_applicant_as_lead_substitute(org)
    response = client_for(org.applicant).get(
        reverse("approvals:line_preview"), {"doc_type": "general"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "신청자이므로" in html and org.chief.full_name in html


def test_line_preview_api_says_why_the_substitute_is_passed_over(org):
    name_applicant_as_lead_substitute(org)
    response = token_client(org.applicant).get(
        "/api/v1/approvals/line/", {"doc_type": "worktime.flexible", "span_days": 3}
    )
    assert response.status_code == 200, response.content
    [step] = response.json()["line"]
    assert step["approver_id"] == org.chief.pk
    assert step["acting_for"] == org.lead.full_name
    assert step["delegated_final"] is True
    assert step["passed_over"] == org.applicant.full_name
    assert "신청자이므로" in step["note"]


def test_flexible_work_form_preview_says_why_the_substitute_is_passed_over(org, client_for):
    name_applicant_as_lead_substitute(org)
    response = client_for(org.applicant).get(reverse("worktime:request_new"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "신청자이므로" in html and org.chief.full_name in html


# --- decisions through the API ----------------------------------------------------------------


def test_reported_attack_staff_cannot_approve_own_late_start_as_lead_substitute(org):
    # As reported: manager01 names staff002, staff002 asks to start late, then approves it.
    name_applicant_as_lead_substitute(org)
    day = working_day(2).isoformat()
    asked = token_client(org.applicant).post(
        "/api/v1/worktime/requests/",
        {
            "kind": "staggered",
            "start_date": day,
            "end_date": day,
            "start_time": "10:00",
            "reason": "아이 등원",
        },
        format="json",
    )
    assert asked.status_code == 201, asked.content
    document_id = asked.json()["approval"]
    response = token_client(org.applicant).post(
        f"/api/v1/approvals/{document_id}/approve/", {}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["detail"] == OWN_DOCUMENT
    assert Document.objects.get(pk=document_id).status == "pending"
    assert (
        token_client(org.chief).post(f"/api/v1/approvals/{document_id}/approve/").status_code == 200
    )


def test_applicant_cannot_approve_own_request_as_substitute_through_the_api(org):
    document = flexible_request(org, span_days=3)
    name_applicant_as_lead_substitute(org)
    response = token_client(org.applicant).post(
        f"/api/v1/approvals/{document.pk}/approve/", {}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["detail"] == OWN_DOCUMENT
    assert Document.objects.get(pk=document.pk).status == "pending"


def test_applicant_cannot_return_own_request_as_substitute_through_the_api(org):
    document = flexible_request(org)
    name_applicant_as_lead_substitute(org)
    response = token_client(org.applicant).post(
        f"/api/v1/approvals/{document.pk}/return/", {"reason": "취소합니다"}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["detail"] == OWN_DOCUMENT
    assert Document.objects.get(pk=document.pk).status == "pending"


def test_absence_named_after_submission_routes_the_step_to_the_next_head_up(org):
    document = flexible_request(org, span_days=3)
    name_applicant_as_lead_substitute(org)
    step = open_step(document)
    assert (step.approver, step.acting_for) == (org.chief, org.lead)
    assert list(inbox_for(org.applicant)) == []
    assert list(inbox_for(org.chief)) == [document]
    response = token_client(org.chief).post(
        f"/api/v1/approvals/{document.pk}/approve/", {}, format="json"
    )
    assert response.status_code == 200
    assert Document.objects.get(pk=document.pk).status == "approved"


def test_absence_beginning_while_the_step_waits_never_lets_the_applicant_decide(org):
    # Nothing re-routes the step when the day comes, so the substitute is resolved at
    # decision time and must pass over the applicant then.
    document = flexible_request(org, span_days=3)
    lead_away_since_today_with_applicant_as_substitute(org)
    with pytest.raises(services.OwnDocument):
        services.approve(document=document, actor=org.applicant)
    services.approve(document=document, actor=org.chief)
    decision = document.actions.get(kind="approved")
    assert (decision.actor, decision.acting_for, decision.capacity) == (
        org.chief,
        org.lead,
        "delegated_final",
    )


def test_applicant_listed_in_an_old_step_is_still_refused(org):
    # A step written before this rule (the applicant acting for the lead) cannot be used.
    document = flexible_request(org, span_days=3)
    ApprovalStep.objects.filter(pk=open_step(document).pk).update(
        approver=org.applicant, acting_for=org.lead
    )
    response = token_client(org.applicant).post(
        f"/api/v1/approvals/{document.pk}/approve/", {}, format="json"
    )
    assert response.status_code == 403
    services.approve(document=document, actor=org.lead)
    assert Document.objects.get(pk=document.pk).status == "approved"


def test_reminder_goes_to_the_next_head_up_not_the_applicant_substitute(org):
    document = flexible_request(org, span_days=3)
    lead_away_since_today_with_applicant_as_substitute(org)
    services.send_due_reminders()
    assert document.notices.filter(kind="waiting", recipient=org.chief).exists()
    assert not document.notices.filter(recipient=org.applicant, kind="waiting").exists()


def test_beat_hands_a_step_that_waited_before_the_absence_to_the_next_head_up(org):
    document = flexible_request(org, span_days=3)
    lead_away_since_today_with_applicant_as_substitute(org)
    send_reminders()
    step = open_step(document)
    assert (step.approver, step.acting_for) == (org.chief, org.lead)
    assert list(inbox_for(org.chief)) == [document]
    assert list(inbox_for(org.applicant)) == []


def test_database_refuses_a_decision_recorded_by_the_applicant(org):
    document = flexible_request(org, span_days=3)
    with pytest.raises(IntegrityError, match="own document"), transaction.atomic():
        Action.objects.create(
            document=document,
            round=1,
            step=open_step(document),
            kind=Action.Kind.APPROVED,
            actor=org.applicant,
            capacity=Action.Capacity.DELEGATED_FINAL,
        )


# --- decisions on the pages -------------------------------------------------------------------


def test_applicant_substitute_is_refused_with_403_on_the_approve_page(org, client_for):
    document = flexible_request(org, span_days=3)
    lead_away_since_today_with_applicant_as_substitute(org)
    response = client_for(org.applicant).post(reverse("approvals:approve", args=[document.pk]))
    assert response.status_code == 403
    assert OWN_DOCUMENT in response.content.decode()
    assert Document.objects.get(pk=document.pk).status == "pending"


def test_applicant_substitute_is_refused_with_403_on_the_return_page(org, client_for):
    document = flexible_request(org)
    lead_away_since_today_with_applicant_as_substitute(org)
    response = client_for(org.applicant).post(
        reverse("approvals:return", args=[document.pk]), {"reason": "취소"}
    )
    assert response.status_code == 403
    assert OWN_DOCUMENT in response.content.decode()
    assert Document.objects.get(pk=document.pk).status == "pending"


def test_bulk_approval_leaves_the_applicants_own_request_pending_and_says_why(org, client_for):
    document = flexible_request(org, span_days=3)
    lead_away_since_today_with_applicant_as_substitute(org)
    response = client_for(org.applicant).post(
        reverse("approvals:bulk_approve"), {"documents": [document.pk]}, follow=True
    )
    assert Document.objects.get(pk=document.pk).status == "pending"
    assert [str(m) for m in response.context["messages"]] == [f"{document.title}: {OWN_DOCUMENT}"]


def test_applicant_substitute_sees_neither_inbox_item_nor_decision_buttons(org, client_for):
    document = flexible_request(org, span_days=3)
    lead_away_since_today_with_applicant_as_substitute(org)
    client = client_for(org.applicant)
    inbox = client.get(reverse("approvals:inbox")).content.decode()
    assert document.title not in inbox
    detail = client.get(reverse("approvals:detail", args=[document.pk])).content.decode()
    assert reverse("approvals:approve", args=[document.pk]) not in detail


# --- one's own substitute ---------------------------------------------------------------------


def test_absence_naming_oneself_is_refused_by_the_api_with_a_sentence(org):
    today = timezone.localdate().isoformat()
    response = token_client(org.lead).post(
        "/api/v1/approvals/absences/",
        {"substitute": org.lead.pk, "start_date": today, "end_date": today},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["detail"] == "본인이 아닌 다른 사람을 대결자로 지정하세요."
    assert not Absence.objects.exists()


def test_absence_naming_oneself_is_refused_by_the_page_with_a_sentence(org, client_for):
    today = timezone.localdate().isoformat()
    response = client_for(org.lead).post(
        reverse("approvals:absences"),
        {"substitute": org.lead.pk, "start_date": today, "end_date": today},
    )
    assert response.status_code == 400
    assert "본인이 아닌" in response.content.decode()
    assert not Absence.objects.exists()


def test_database_refuses_an_absence_naming_oneself(org):
    today = timezone.localdate()
    with pytest.raises(IntegrityError), transaction.atomic():
        Absence.objects.create(
            approver=org.lead,
            substitute=org.lead,
            start_date=today,
            end_date=today + timedelta(days=1),
        )
