"""Two real database connections deciding at once: exactly one wins, the other is told."""

import threading
import time

import pytest
from django.db import connection
from rest_framework.test import APIClient

from approvals import services
from approvals.models import Action, Document
from approvals.signals import document_decided
from tests.approvals.factories import NOW, TODAY, make_org
from tests.factories import UserFactory, api_token_key

pytestmark = pytest.mark.django_db(transaction=True)


def run_together(*calls):
    """Run each call in its own thread (own connection), started at the same moment."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def worker(index, call):
        try:
            barrier.wait()
            results[index] = ("ok", call())
        except Exception as exc:
            results[index] = ("error", exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


@pytest.fixture
def slow_decision():
    """Hold the document lock a little longer, so the second caller really waits on it."""

    def receiver(sender, **kwargs):
        time.sleep(0.3)

    document_decided.connect(receiver)
    yield
    document_decided.disconnect(receiver)


def flexible_document(org):
    return services.submit(
        applicant=org.applicant,
        doc_type="worktime.flexible",
        title="시차출퇴근",
        span_days=2,
        now=NOW,
    )


def test_double_tap_from_two_connections_applies_once(slow_decision):
    org = make_org()
    document = flexible_document(org)
    results = run_together(
        lambda: services.approve(document=Document.objects.get(pk=document.pk), actor=org.lead),
        lambda: services.approve(document=Document.objects.get(pk=document.pk), actor=org.lead),
    )
    outcomes = sorted(kind for kind, _ in results)
    assert outcomes == ["error", "ok"]
    error = next(value for kind, value in results if kind == "error")
    assert isinstance(error, services.AlreadyDecided)
    assert Action.objects.filter(document=document, kind="approved").count() == 1


def test_approver_and_substitute_at_once_one_wins(slow_decision):
    org = make_org()
    deputy = UserFactory(role="manager")
    document = flexible_document(org)
    services.set_absence(
        approver=org.lead, substitute=deputy, start_date=TODAY, end_date=TODAY, now=NOW
    )
    results = run_together(
        lambda: services.approve(document=document, actor=org.lead, now=NOW),
        lambda: services.return_(document=document, actor=deputy, reason="중복", now=NOW),
    )
    assert sorted(kind for kind, _ in results) == ["error", "ok"]
    assert isinstance(next(v for k, v in results if k == "error"), services.AlreadyDecided)
    assert Action.objects.filter(document=document, kind__in=["approved", "returned"]).count() == 1


def test_api_double_submit_gets_one_200_and_one_409(slow_decision):
    org = make_org()
    document = flexible_document(org)
    key = api_token_key(org.lead)

    def post():
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        return client.post(
            f"/api/v1/approvals/{document.pk}/approve/", {}, format="json"
        ).status_code

    results = run_together(post, post)
    assert sorted(code for _, code in results) == [200, 409]
