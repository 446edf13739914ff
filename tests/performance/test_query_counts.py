"""Query-count guards: no page or API list runs more queries when it shows more rows.

Each test renders a list once with N rows and once with 5N rows (after a warm-up request, so
per-session caches are filled) and asserts that the second render needs no more queries than
the first (no N+1), and that neither needs more than the count pinned here (`most`). The body
must grow too, so the rows are really on the page.

A pinned count that is too low after a deliberate change (a new panel on a page, say) is raised
here in the same change, with the reason; a count that grows with the rows is a bug to fix
with select_related / prefetch_related / an annotation, never a reason to raise the pin.
"""

import datetime as dt
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts import roles
from accounts.notifications import notify
from tests.factories import UserFactory, api_token_key

pytestmark = pytest.mark.django_db

N = 3


def api_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_key(user)}")
    return client


def measure(client, url: str) -> tuple[int, int, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(queries), len(response.content), [q["sql"] for q in queries.captured_queries]


def assert_flat(client, url, add_rows, *, most: int, n: int = N) -> None:
    """`add_rows(k)` adds k more rows to what `url` lists; `url` may be a callable."""
    target = url if callable(url) else (lambda: url)
    add_rows(n)
    client.get(target())  # warm-up: sessions, per-process caches
    small, small_size, _ = measure(client, target())
    add_rows(4 * n)
    large, large_size, sql = measure(client, target())
    report = f"{target()}: {small} queries with {n} rows, {large} with {5 * n}"
    print(f"QUERIES {target()}: {small} with {n} rows, {large} with {5 * n}")
    assert large_size > small_size, f"{target()}: the extra rows are not on the page"
    assert large <= small, f"{report} (grows with the rows):\n" + "\n".join(sql)
    assert large <= most, f"{report}; pinned at {most}:\n" + "\n".join(sql)


def assert_same(few: tuple, many: tuple, *, most: int) -> None:
    """Two renders of the same page for a small and a five-times larger object."""
    (few_count, few_size, _), (many_count, many_size, sql) = few, many
    report = f"{few_count} queries for the small one, {many_count} for the large one"
    assert many_size > few_size, "the extra rows are not on the page"
    assert many_count <= few_count, f"{report} (grows with the rows):\n" + "\n".join(sql)
    assert many_count <= most, f"{report}; pinned at {most}:\n" + "\n".join(sql)


# --- approvals ---


@pytest.fixture
def approvals_org():
    from tests.approvals.factories import make_org

    return make_org()


def add_waiting_documents(org):
    from tests.approvals.factories import general_document

    def add(k):
        for _ in range(k):
            applicant = UserFactory(role=roles.STAFF, department=org.team)
            general_document(org, applicant=applicant, title=f"{applicant.full_name} 구입 건")

    return add


def test_approvals_inbox_page(approvals_org, client_for):
    assert_flat(
        client_for(approvals_org.lead), "/approvals/", add_waiting_documents(approvals_org), most=11
    )


def test_approvals_inbox_api(approvals_org):
    assert_flat(
        api_client(approvals_org.lead),
        "/api/v1/approvals/inbox/",
        add_waiting_documents(approvals_org),
        most=3,
    )


def test_approvals_sent_page(approvals_org, client_for):
    from tests.approvals.factories import general_document

    assert_flat(
        client_for(approvals_org.applicant),
        "/approvals/sent/",
        lambda k: [general_document(approvals_org, title=f"건 {i}") for i in range(k)],
        most=7,
    )


# --- worktime ---


def own_requests(person):
    from tests.worktime.factories import working_day
    from worktime import services

    days = itertools.count(2)

    def add(k):
        for _ in range(k):
            day = working_day(next(days))
            while person.arrangement_days.filter(date=day).exists():
                day = working_day((day - dt.date.today()).days + 1)
            services.request_arrangement(
                applicant=person,
                kind="staggered",
                start_date=day,
                start_time=dt.time(10),
                reason="등원",
            )

    return add


@pytest.fixture
def worktime_person():
    from tests.worktime.factories import team_member

    person, lead, _chief = team_member()
    return person, lead


def test_worktime_month_page(worktime_person, client_for):
    person, _lead = worktime_person
    assert_flat(client_for(person), "/worktime/", own_requests(person), most=12)


def test_worktime_requests_api(worktime_person):
    person, _lead = worktime_person
    # One of them reads the office holidays, for each request's skipped days.
    assert_flat(api_client(person), "/api/v1/worktime/requests/", own_requests(person), most=5)


def team_arrangements(lead, day):
    from tests.worktime.factories import SeatFactory
    from worktime import services

    kinds = itertools.cycle(["remote_home", "staggered", "smart_work"])

    def add(k):
        for _ in range(k):
            member = UserFactory(role=roles.STAFF, department=lead.headed_departments.first())
            kind = next(kinds)
            extra = {}
            if kind == "staggered":
                extra = {"start_time": dt.time(10)}
            elif kind == "smart_work":
                seat = SeatFactory()
                extra = {"center": seat.center, "seat": seat}
            services.request_arrangement(
                applicant=member, kind=kind, start_date=day, reason="사유", **extra
            )

    return add


@pytest.mark.parametrize("view", ["day", "week"])
def test_worktime_board_page(worktime_person, client_for, view):
    from tests.worktime.factories import working_day

    _person, lead = worktime_person
    day = working_day(2)
    assert_flat(
        client_for(lead),
        f"/worktime/board/?date={day:%Y-%m-%d}&view={view}",
        team_arrangements(lead, day),
        most=15,
    )


def test_worktime_board_api(worktime_person):
    from tests.worktime.factories import working_day

    _person, lead = worktime_person
    day = working_day(2)
    assert_flat(
        api_client(lead),
        f"/api/v1/worktime/board/?start={day:%Y-%m-%d}&end={day + dt.timedelta(days=4):%Y-%m-%d}",
        team_arrangements(lead, day),
        most=9,
    )


def test_worktime_statistics_page(admin_user, client_for):
    from tests.worktime.factories import team_member, working_day
    from worktime import services
    from worktime.models import Arrangement

    day = working_day(2)

    def add(k):
        # Each row an approved arrangement in a new team, so the department chart grows too.
        for _ in range(k):
            person, _lead, _chief = team_member()
            arrangement = services.request_arrangement(
                applicant=person,
                kind="staggered",
                start_date=day,
                start_time=dt.time(10),
                reason="등원",
            )
            Arrangement.objects.filter(pk=arrangement.pk).update(status="approved")

    assert_flat(client_for(admin_user), f"/worktime/statistics/?year={day.year}", add, most=13)


# --- smart-work centers ---


def centers_with_bookings(day):
    from smartcenters import services
    from tests.smartcenters.factories import CenterFactory, SeatFactory

    def add(k):
        for _ in range(k):
            center = CenterFactory()
            for _ in range(2):
                seat = SeatFactory(center=center)
                services.book_seat(
                    user=UserFactory(), seat=seat, date=day, slot="full", enforce_rules=False
                )

    return add


def seats_of(center, day):
    from smartcenters import services
    from tests.smartcenters.factories import SeatFactory

    def add(k):
        for i in range(k):
            seat = SeatFactory(center=center)
            if i % 2 == 0:
                services.book_seat(
                    user=UserFactory(), seat=seat, date=day, slot="full", enforce_rules=False
                )

    return add


def bookings_of(person):
    from smartcenters import services
    from tests.smartcenters.factories import SeatFactory, next_weekday

    state = {"day": None}

    def add(k):
        for _ in range(k):
            state["day"] = next_weekday(state["day"], days=1)
            services.book_seat(
                user=person, seat=SeatFactory(), date=state["day"], slot="full", enforce_rules=False
            )

    return add


def test_centers_booking_page(staff_user, client_for):
    from tests.smartcenters.factories import next_weekday

    day = next_weekday()
    # One of them reads the office holidays: every center is closed on them.
    assert_flat(
        client_for(staff_user), f"/centers/?date={day:%Y-%m-%d}", centers_with_bookings(day), most=9
    )


def test_centers_api_list(staff_user):
    from tests.smartcenters.factories import next_weekday

    day = next_weekday()
    assert_flat(
        api_client(staff_user),
        f"/api/v1/centers/?date={day:%Y-%m-%d}",
        centers_with_bookings(day),
        most=3,
    )


def test_centers_seat_map(staff_user, client_for):
    from tests.smartcenters.factories import CenterFactory, next_weekday

    day = next_weekday()
    center = CenterFactory()
    assert_flat(
        client_for(staff_user),
        f"/centers/{center.pk}/?date={day:%Y-%m-%d}",
        seats_of(center, day),
        most=10,
    )


def test_centers_availability_api(staff_user):
    from tests.smartcenters.factories import CenterFactory, next_weekday

    day = next_weekday()
    center = CenterFactory()
    assert_flat(
        api_client(staff_user),
        f"/api/v1/centers/{center.pk}/availability/?date={day:%Y-%m-%d}",
        seats_of(center, day),
        most=9,  # one reads the office holidays: every center is closed on them
    )


def test_centers_my_bookings_page(staff_user, client_for):
    assert_flat(client_for(staff_user), "/centers/mine/", bookings_of(staff_user), most=8)


def test_bookings_api_list(staff_user):
    assert_flat(api_client(staff_user), "/api/v1/bookings/", bookings_of(staff_user), most=3)


# --- residents' messages (rpa) ---


@pytest.fixture
def rpa_ready(settings, tmp_path):
    from tests.rpa.factories import make_templates

    settings.RPA_PRIVATE_ROOT = tmp_path / "private"
    return make_templates()


def test_rpa_uploads_list(health_user, client_for, rpa_ready):
    from tests.rpa.factories import results_sheet, upload_sheet

    counter = itertools.count()

    def add(k):
        for _ in range(k):
            i = next(counter)
            upload_sheet(health_user, results_sheet(3, start=i * 10), name=f"명단{i}.csv")

    assert_flat(client_for(health_user), "/rpa/", add, most=8)


def test_rpa_upload_preview(health_user, client_for, rpa_ready):
    from tests.rpa.factories import results_sheet, upload_sheet

    small = upload_sheet(health_user, results_sheet(N, rejected=1))
    large = upload_sheet(health_user, results_sheet(5 * N, rejected=5))
    client = client_for(health_user)
    client.get(f"/rpa/{small.pk}/")
    assert_same(measure(client, f"/rpa/{small.pk}/"), measure(client, f"/rpa/{large.pk}/"), most=13)


def test_rpa_messages_api(health_user, rpa_ready):
    from rpa import services
    from tests.rpa.factories import results_sheet, upload_sheet

    client = api_client(health_user)
    counts = []
    for rows in (N, 5 * N):
        upload = upload_sheet(health_user, results_sheet(rows, start=rows * 100))
        services.confirm_send(upload=upload, user=health_user)
        url = f"/api/v1/rpa/uploads/{upload.pk}/messages/"
        client.get(url)
        counts.append(measure(client, url))
    assert_same(*counts, most=6)


def test_rpa_missing_self_checks_page(health_user, client_for, rpa_ready):
    from django.utils import timezone

    from rpa import services
    from tests.rpa.factories import quarantine_row, sheet, upload_sheet

    today = timezone.localdate()
    counter = itertools.count(1)

    def add(k):
        rows = [
            quarantine_row(next(counter), start=today, end=today + dt.timedelta(days=7))
            for _ in range(k)
        ]
        upload = upload_sheet(health_user, sheet(rows), name=f"격리{k}.csv")
        services.confirm_send(upload=upload, user=health_user)
        upload.messages.update(status="sent")

    assert_flat(client_for(health_user), "/rpa/self-checks/missing/", add, most=8)


# --- accounts ---


def test_notifications_page(staff_user, client_for):
    counter = itertools.count()

    def add(k):
        for _ in range(k):
            notify(recipient=staff_user, title=f"알림 {next(counter)}", body="본문", url="/")

    assert_flat(client_for(staff_user), "/accounts/notifications/", add, most=7)
