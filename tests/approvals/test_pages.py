"""The approval pages: inbox, detail, decisions, bulk approval, new document, absences, web app."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from approvals import services
from approvals.models import Document
from tests.approvals.factories import general_document, make_org
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def org():
    return make_org()


def test_inbox_shows_waiting_documents_with_summary(org, client_for):
    document = general_document(org)
    response = client_for(org.lead).get(reverse("approvals:inbox"))
    assert response.status_code == 200
    html = response.content.decode()
    assert document.title in html and "1,200,000원 · 1대" in html
    assert str(org.applicant) in html


def test_header_counter_shows_waiting_count(org, client_for):
    general_document(org)
    response = client_for(org.lead).get(reverse("approvals:inbox"))
    # The context processor hands templates a callable, evaluated once per page.
    assert response.context["header_counters"]()["approvals"] == 1


def test_inbox_has_no_n_plus_one(org, client_for, django_assert_max_num_queries):
    for index in range(8):
        general_document(org, title=f"문서 {index}")
    client = client_for(org.lead)
    client.get(reverse("approvals:inbox"))
    with django_assert_max_num_queries(14):
        client.get(reverse("approvals:inbox"))


def test_detail_approve_and_return_buttons(org, client_for):
    document = general_document(org)
    html = (
        client_for(org.lead).get(reverse("approvals:detail", args=[document.pk])).content.decode()
    )
    assert reverse("approvals:approve", args=[document.pk]) in html
    assert reverse("approvals:return", args=[document.pk]) in html
    assert 'name="reason"' in html


def test_approve_from_the_page(org, client_for):
    document = general_document(org)
    response = client_for(org.lead).post(
        reverse("approvals:approve", args=[document.pk]),
        {"comment": "좋습니다"},
        HTTP_USER_AGENT="Mozilla/5.0 (Linux; Android 14) Chrome/126.0 Mobile Safari/537.36",
    )
    assert response.status_code == 302
    action = document.actions.get(kind="approved")
    assert (action.comment, action.client) == ("좋습니다", "web · Android · Chrome")


def test_second_tap_says_already_decided(org, client_for):
    document = general_document(org)
    client = client_for(org.lead)
    client.post(reverse("approvals:approve", args=[document.pk]))
    response = client.post(reverse("approvals:approve", args=[document.pk]), follow=True)
    assert "더 이상" in response.content.decode() or "no longer" in response.content.decode()
    assert document.actions.filter(kind="approved").count() == 1


def test_return_without_reason_stays_on_the_page(org, client_for):
    document = general_document(org)
    response = client_for(org.lead).post(
        reverse("approvals:return", args=[document.pk]), {"reason": ""}
    )
    assert response.status_code == 400
    assert Document.objects.get(pk=document.pk).status == "pending"


def test_unverified_substitute_is_refused_with_a_message(org, client):
    document = general_document(org)
    deputy = UserFactory(role="staff")
    today = timezone.localdate()
    services.set_absence(approver=org.lead, substitute=deputy, start_date=today, end_date=today)
    client.force_login(deputy)
    page = client.get(reverse("approvals:detail", args=[document.pk])).content.decode()
    assert reverse("accounts:otp_enrol") in page
    response = client.post(reverse("approvals:approve", args=[document.pk]), follow=True)
    assert Document.objects.get(pk=document.pk).steps.get(order=1).status == "pending"
    assert response.context["messages"]


def test_applicant_sees_withdraw_and_can_withdraw(org, client_for):
    document = general_document(org)
    client = client_for(org.applicant)
    html = client.get(reverse("approvals:detail", args=[document.pk])).content.decode()
    assert reverse("approvals:withdraw", args=[document.pk]) in html
    client.post(reverse("approvals:withdraw", args=[document.pk]))
    assert Document.objects.get(pk=document.pk).status == "withdrawn"


def test_stranger_gets_404_on_detail(org, client_for):
    document = general_document(org)
    response = client_for(UserFactory()).get(reverse("approvals:detail", args=[document.pk]))
    assert response.status_code == 404


def test_bulk_approval_approves_routine_items_and_reports_each(org, client_for):
    routine = services.submit(
        applicant=org.applicant, doc_type="worktime.flexible", title="시차출퇴근 3일", span_days=3
    )
    free_form = general_document(org)
    response = client_for(org.lead).post(
        reverse("approvals:bulk_approve"), {"documents": [routine.pk, free_form.pk]}, follow=True
    )
    texts = [str(m) for m in response.context["messages"]]
    assert len(texts) == 2
    assert Document.objects.get(pk=routine.pk).status == "approved"
    assert Document.objects.get(pk=free_form.pk).status == "pending"


def test_new_document_with_reviewer_and_attachment(org, client_for):
    reviewer = UserFactory(department=org.team)
    client = client_for(org.applicant)
    preview = client.get(
        reverse("approvals:line_preview"), {"doc_type": "general", "reviewers": [reviewer.pk]}
    )
    assert str(reviewer) in preview.content.decode()
    response = client.post(
        reverse("approvals:new"),
        {
            "doc_type": "general",
            "title": "출장 계획",
            "body": "세종시 출장",
            "reviewers": [reviewer.pk],
            "attachments": [SimpleUploadedFile("계획서.txt", "내용".encode())],
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    document = Document.objects.get(title="출장 계획")
    assert document.steps.get(order=1).approver == reviewer
    attachment = document.attachments.get()
    download = client.get(reverse("approvals:attachment", args=[document.pk, attachment.pk]))
    assert download.status_code == 200


def test_new_document_without_approver_shows_the_line_error(client_for):
    loner = UserFactory()
    response = client_for(loner).get(reverse("approvals:new"))
    assert "message error" in response.content.decode()


def test_absence_page_sets_a_substitute(org, client_for):
    today = timezone.localdate().isoformat()
    response = client_for(org.lead).post(
        reverse("approvals:absences"),
        {"substitute": org.chief.pk, "start_date": today, "end_date": today},
    )
    assert response.status_code == 302
    assert org.lead.absences.get().substitute == org.chief


def test_sent_lists_my_documents(org, client_for):
    document = general_document(org)
    html = client_for(org.applicant).get(reverse("approvals:sent")).content.decode()
    assert document.title in html


def test_manifest_and_service_worker(client):
    manifest = client.get("/manifest.webmanifest")
    assert manifest.status_code == 200 and manifest["Content-Type"].startswith(
        "application/manifest+json"
    )
    data = manifest.json()
    assert {icon["sizes"] for icon in data["icons"]} >= {"192x192", "512x512"}
    worker = client.get("/sw.js")
    assert worker.status_code == 200
    body = worker.content.decode()
    assert "/offline/" in body and "/api/" not in body
    assert client.get("/offline/").status_code == 200
