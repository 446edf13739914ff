"""Submitting, approving, returning, withdrawing and resubmitting, with their refusals."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction

from accounts.models import Notification
from approvals import services
from approvals.models import Action, ApprovalStep, Document
from approvals.selectors import inbox_for, waiting_count
from approvals.signals import document_decided
from tests.approvals.factories import NOW, TODAY, general_document, make_org
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def org():
    return make_org()


def line_of(document):
    return [
        (s.order, s.kind, s.approver_id, s.status)
        for s in document.steps.filter(round=document.round).order_by("order", "pk")
    ]


def test_submit_opens_the_first_step_and_tells_the_approver(org):
    document = general_document(org)
    assert document.status == "pending"
    assert line_of(document) == [
        (1, "review", org.lead.pk, "pending"),
        (2, "final", org.chief.pk, "waiting"),
    ]
    assert Notification.objects.filter(recipient=org.lead).count() == 1
    assert list(inbox_for(org.lead)) == [document]
    assert waiting_count(org.chief) == 0


def test_preview_line_shows_delegated_final_for_short_flexible_work(org):
    steps = services.preview_line(
        applicant=org.applicant, doc_type="worktime.flexible", span_days=5
    )
    assert [(s.kind, s.approver, s.delegated_final) for s in steps] == [("final", org.lead, True)]
    steps = services.preview_line(
        applicant=org.applicant, doc_type="worktime.flexible", span_days=6
    )
    assert [s.approver for s in steps] == [org.lead, org.chief]


def test_preview_line_without_any_head_raises_line_error(db):
    loner = UserFactory()
    with pytest.raises(services.LineError) as excinfo:
        services.preview_line(applicant=loner, doc_type="general")
    assert str(excinfo.value)


def test_approval_climbs_the_line_and_decides(org):
    received = []

    def receiver(sender, document, outcome, **kwargs):
        # Inside the deciding transaction: the document row is already approved.
        assert connection.in_atomic_block
        received.append((document.pk, outcome, Document.objects.get(pk=document.pk).status))

    document_decided.connect(receiver)
    try:
        document = general_document(org)
        services.approve(document=document, actor=org.lead, comment="검토했습니다")
        assert list(inbox_for(org.chief)) == [document]
        document = services.approve(document=document, actor=org.chief)
    finally:
        document_decided.disconnect(receiver)
    assert document.status == "approved"
    assert received == [(document.pk, "approved", "approved")]
    kinds = list(document.actions.values_list("kind", "capacity", "actor_id"))
    assert kinds == [
        ("submitted", "applicant", org.applicant.pk),
        ("approved", "review", org.lead.pk),
        ("approved", "final", org.chief.pk),
    ]
    assert Notification.objects.filter(recipient=org.applicant, title__contains="복사기").exists()


def test_delegated_final_closes_at_the_team_lead(org):
    document = services.submit(
        applicant=org.applicant, doc_type="worktime.flexible", title="시차출퇴근", span_days=3
    )
    document = services.approve(document=document, actor=org.lead)
    assert document.status == "approved"
    assert document.actions.last().capacity == "delegated_final"


def test_second_approval_of_the_same_step_is_already_decided(org):
    document = general_document(org)
    services.approve(document=document, actor=org.lead)
    with pytest.raises(services.AlreadyDecided):
        services.approve(document=document, actor=org.lead)


def test_someone_outside_the_line_is_refused(org):
    document = general_document(org)
    with pytest.raises(PermissionDenied):
        services.approve(document=document, actor=UserFactory())
    with pytest.raises(services.NotYourTurn):
        services.approve(document=document, actor=org.applicant)


def test_the_final_approver_waits_for_their_turn(org):
    document = general_document(org)
    with pytest.raises(services.NotYourTurn):
        services.approve(document=document, actor=org.chief)


def test_return_requires_a_reason(org):
    document = general_document(org)
    with pytest.raises(ValidationError):
        services.return_(document=document, actor=org.lead, reason="  ")
    assert Document.objects.get(pk=document.pk).status == "pending"


def test_return_ends_the_round_and_tells_the_applicant(org):
    document = general_document(org)
    document = services.return_(document=document, actor=org.lead, reason="금액 근거를 첨부하세요")
    assert document.status == "returned"
    assert line_of(document) == [
        (1, "review", org.lead.pk, "returned"),
        (2, "final", org.chief.pk, "skipped"),
    ]
    notice = Notification.objects.get(recipient=org.applicant)
    assert notice.body == "금액 근거를 첨부하세요"
    with pytest.raises(services.AlreadyDecided):
        services.approve(document=document, actor=org.lead)


def test_withdraw_before_anyone_acted(org):
    document = general_document(org)
    document = services.withdraw(document=document, actor=org.applicant)
    assert document.status == "withdrawn"
    assert waiting_count(org.lead) == 0
    with pytest.raises(services.AlreadyDecided):
        services.withdraw(document=document, actor=org.applicant)


def test_withdraw_after_an_approval_is_refused(org):
    document = general_document(org)
    services.approve(document=document, actor=org.lead)
    with pytest.raises(services.TooLateToWithdraw):
        services.withdraw(document=document, actor=org.applicant)


def test_only_the_applicant_withdraws(org):
    document = general_document(org)
    with pytest.raises(PermissionDenied):
        services.withdraw(document=document, actor=org.lead)


def test_resubmit_starts_a_new_round_and_keeps_history(org):
    reviewer = UserFactory(department=org.team)
    document = general_document(org, reviewers=[reviewer])
    services.return_(document=document, actor=reviewer, reason="오타")
    document = services.resubmit(
        document=document, actor=org.applicant, title="복사기 구입 건(수정)"
    )
    assert (document.round, document.status, document.title) == (
        2,
        "pending",
        "복사기 구입 건(수정)",
    )
    assert line_of(document)[0] == (1, "review", reviewer.pk, "pending")
    assert document.steps.filter(round=1).count() == 3
    assert list(document.actions.values_list("kind", "round")) == [
        ("submitted", 1),
        ("returned", 1),
        ("resubmitted", 2),
    ]
    with pytest.raises(services.AlreadyDecided):
        services.resubmit(document=document, actor=org.applicant)


def test_cooperators_decide_in_parallel_before_the_final(org):
    one, two = UserFactory(), UserFactory()
    document = general_document(org, cooperators=[one, two])
    services.approve(document=document, actor=org.lead)
    assert list(inbox_for(one)) == [document] and list(inbox_for(two)) == [document]
    services.approve(document=document, actor=two)
    assert waiting_count(org.chief) == 0
    services.approve(document=document, actor=one)
    assert waiting_count(org.chief) == 1


def test_extra_reviewers_refused_where_rules_forbid(org):
    with pytest.raises(services.LineError):
        services.submit(
            applicant=org.applicant,
            doc_type="worktime.remote",
            title="재택",
            reviewers=[UserFactory()],
        )


def test_substitute_receives_items_and_history_says_for_whom(org):
    deputy = UserFactory(role="manager", department=org.team)
    services.set_absence(
        approver=org.lead,
        substitute=deputy,
        start_date=TODAY,
        end_date=TODAY + timedelta(days=2),
        now=NOW,
    )
    document = general_document(org, now=NOW)
    assert list(inbox_for(deputy, today=TODAY)) == [document]
    services.approve(document=document, actor=deputy, now=NOW)
    action = document.actions.get(kind="approved")
    assert (action.actor, action.acting_for) == (deputy, org.lead)
    step = document.steps.get(order=1)
    assert (step.approver, step.acting_for) == (deputy, org.lead)


def test_absence_set_after_submission_lets_the_substitute_act(org):
    document = general_document(org, now=NOW)
    deputy = UserFactory(role="manager")
    services.set_absence(
        approver=org.lead, substitute=deputy, start_date=TODAY, end_date=TODAY, now=NOW
    )
    assert waiting_count(deputy, today=TODAY) == 1
    services.approve(document=document, actor=deputy, now=NOW)
    assert document.actions.get(kind="approved").acting_for == org.lead


def test_overlapping_absences_are_refused(org):
    deputy = UserFactory()
    services.set_absence(
        approver=org.lead, substitute=deputy, start_date=TODAY, end_date=TODAY, now=NOW
    )
    with pytest.raises(ValidationError):
        services.set_absence(
            approver=org.lead,
            substitute=deputy,
            start_date=TODAY - timedelta(days=1),
            end_date=TODAY + timedelta(days=1),
            now=NOW,
        )


def test_record_approved_by_order_is_approved_with_history(org):
    received = []

    def receiver(sender, document, outcome, **kwargs):
        received.append(outcome)

    document_decided.connect(receiver)
    try:
        document = services.record_approved_by_order(
            applicant=org.applicant,
            doc_type="worktime.remote",
            title="청사 폐쇄에 따른 재택근무",
            order="구청장 지시 제2026-12호",
            actor=org.director,
        )
    finally:
        document_decided.disconnect(receiver)
    assert document.status == "approved" and received == ["approved"]
    action = document.actions.get()
    assert (action.kind, action.comment) == ("approved_by_order", "구청장 지시 제2026-12호")


def test_one_pending_document_per_subject(org):
    subject = UserFactory()  # any model instance can be a subject
    services.submit(
        applicant=org.applicant, doc_type="worktime.cancel", title="취소", subject=subject
    )
    with pytest.raises(services.AlreadySubmitted):
        services.submit(
            applicant=org.applicant, doc_type="worktime.cancel", title="취소", subject=subject
        )


def test_history_is_append_only(org):
    document = general_document(org)
    action = Action.objects.get(document=document)
    with pytest.raises(Exception, match="append-only"), transaction.atomic():
        Action.objects.filter(pk=action.pk).update(comment="changed")


def test_a_step_is_decided_once_even_past_the_services(org):
    document = general_document(org)
    step = document.steps.get(order=1)
    services.approve(document=document, actor=org.lead)
    with pytest.raises(IntegrityError), transaction.atomic():
        Action.objects.create(
            document=document,
            round=1,
            step=step,
            kind="returned",
            actor=org.lead,
            capacity="review",
        )
    assert ApprovalStep.objects.get(pk=step.pk).status == "approved"


def test_substitute_is_told_of_items_already_waiting(org):
    document = general_document(org, now=NOW)
    deputy = UserFactory(role="manager")
    services.set_absence(
        approver=org.lead, substitute=deputy, start_date=TODAY, end_date=TODAY, now=NOW
    )
    notice = Notification.objects.get(recipient=deputy)
    assert document.title in notice.title


def test_a_transition_records_the_moment_it_is_given(org):
    document = general_document(org, now=NOW)
    an_hour_later = NOW + timedelta(hours=1)
    services.approve(document=document, actor=org.lead, now=an_hour_later)
    document.refresh_from_db()
    assert document.submitted_at == NOW
    assert list(document.actions.values_list("created_at", flat=True)) == [NOW, an_hour_later]
    assert document.steps.get(order=1).decided_at == an_hour_later
    assert document.steps.get(order=2).activated_at == an_hour_later


def test_bulk_approval_takes_routine_documents_and_says_why_it_refuses_the_others(org):
    def flexible(title):
        return services.submit(
            applicant=org.applicant,
            doc_type="worktime.flexible",
            title=title,
            span_days=3,
            now=NOW,
        )

    routine, decided = flexible("시차출퇴근 3일"), flexible("시차출퇴근 다음 주")
    services.approve(document=decided, actor=org.lead, now=NOW)
    free_form = general_document(org, now=NOW)
    elsewhere = general_document(make_org())
    outcome = services.approve_many(
        document_ids=[free_form.pk, routine.pk, elsewhere.pk, decided.pk],
        actor=org.lead,
        now=NOW,
    )
    assert outcome.approved == [routine]
    assert [(document, type(refusal)) for document, refusal in outcome.refused] == [
        (free_form, services.NotRoutine),
        (decided, services.AlreadyDecided),
    ]
    assert Document.objects.get(pk=routine.pk).status == "approved"
    assert Document.objects.get(pk=elsewhere.pk).status == "pending"
