"""The agency report never hangs: the sweep builds what the broker missed; a failure says why."""

import datetime
import shutil
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from rpa import services
from rpa.models import AgencyReport
from tests.conftest import verified_client
from tests.rpa.conftest import TODAY
from tests.rpa.factories import quarantine_row, quarantined
from tests.rpa.test_sending import point_broker_at

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_clock")]


@pytest.fixture
def broker_down(settings):
    """Requests made now cannot reach Redis: nothing wakes a worker for them."""
    from config.celery import app

    original = app.conf.broker_url
    point_broker_at(app, "redis://127.0.0.1:1/0")
    yield
    point_broker_at(app, original)


def requested_while_broker_down(user, django_capture_on_commit_callbacks, *, minutes_ago=2):
    d = TODAY
    quarantined(user, [quarantine_row(1, start=d, end=d + datetime.timedelta(days=3))])
    with django_capture_on_commit_callbacks(execute=True):
        report = services.request_agency_report(user=user, day=d)
    AgencyReport.objects.filter(pk=report.pk).update(
        created_at=timezone.now() - datetime.timedelta(minutes=minutes_ago)
    )
    return report


def test_a_report_requested_while_the_broker_was_down_is_built_by_the_sweep(
    health_user, templates, broker_down, django_capture_on_commit_callbacks
):
    report = requested_while_broker_down(health_user, django_capture_on_commit_callbacks)
    report.refresh_from_db()
    assert report.status == AgencyReport.Status.PENDING

    assert services.sweep_pending_reports(now=timezone.now()) == 1

    report.refresh_from_db()
    assert report.status == AgencyReport.Status.READY and report.rows == 1 and report.file


def test_a_report_just_requested_is_left_to_its_worker(health_user, templates):
    services.request_agency_report(user=health_user, day=TODAY)
    assert services.sweep_pending_reports(now=timezone.now()) == 0


def test_the_sweep_runs_every_minute_from_beat():
    entry = settings.CELERY_BEAT_SCHEDULE["rpa-sweep-pending-reports"]
    assert entry == {"task": "rpa.tasks.sweep_pending_reports", "schedule": 60.0}


def reports_folder() -> Path:
    return Path(AgencyReport._meta.get_field("file").storage.location) / "reports"


@pytest.fixture
def unwritable_reports():
    """The reports folder is a file: writing any report fails, as a full or broken disk would."""
    folder = reports_folder()
    backup = folder.with_name(f"reports-{uuid.uuid4().hex}")
    if folder.exists():
        folder.rename(backup)
    folder.parent.mkdir(parents=True, exist_ok=True)
    folder.write_text("not a folder")
    yield folder
    if folder.is_dir():
        shutil.rmtree(folder)
    else:
        folder.unlink()
    if backup.exists():
        backup.rename(folder)


def test_a_failed_report_shows_why_and_a_retry_builds_it(
    client,
    health_user,
    templates,
    broker_down,
    unwritable_reports,
    django_capture_on_commit_callbacks,
):
    report = requested_while_broker_down(health_user, django_capture_on_commit_callbacks)
    services.build_agency_report(report.pk)
    report.refresh_from_db()
    assert report.status == AgencyReport.Status.FAILED
    assert "Error)" in report.failure_reason  # the kind of error, for the administrator

    client = verified_client(client, health_user)
    page = client.get(reverse("rpa:uploads")).content.decode()
    assert report.failure_reason in page
    assert reverse("rpa:retry_report", args=[report.pk]) in page

    unwritable_reports.unlink()  # the disk is repaired
    unwritable_reports.mkdir()
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(reverse("rpa:retry_report", args=[report.pk]))
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == AgencyReport.Status.PENDING and report.failure_reason == ""
    services.build_agency_report(report.pk)
    report.refresh_from_db()
    assert report.status == AgencyReport.Status.READY


def test_a_report_pending_for_an_hour_is_failed_with_a_reason(
    health_user, templates, broker_down, django_capture_on_commit_callbacks
):
    report = requested_while_broker_down(
        health_user, django_capture_on_commit_callbacks, minutes_ago=61
    )
    services.sweep_pending_reports(now=timezone.now())
    report.refresh_from_db()
    assert report.status == AgencyReport.Status.FAILED and report.failure_reason


def test_only_the_health_team_can_retry(client, staff_user, health_user):
    report = AgencyReport.objects.create(day=TODAY, requested_by=health_user, status="failed")
    response = verified_client(client, staff_user).post(
        reverse("rpa:retry_report", args=[report.pk])
    )
    assert response.status_code == 403
    report.refresh_from_db()
    assert report.status == "failed"
