"""PostgreSQL connections dropped under load: operations fail cleanly, nothing is half-written.

While threads book seats (one of the centers needs approval, so a booking also submits an
approval document in the same transaction), approve documents, confirm uploads and claim and
send outbox batches, a killer thread keeps running `pg_terminate_backend` on every other
connection of the test database. Each operation either succeeds, is refused for a domain
reason, or fails with the OperationalError / InterfaceError its caller sees; afterwards the
database must hold only whole states:

- bookings: no seat or person held twice for overlapping half-days; a booking at a center
  that needs approval has exactly one approval document, in the matching state;
- approvals: every decided step has exactly one decision action (and no undecided step has
  one), every document has its line and one submission, its status agrees with its steps;
- outbox: an upload is either unconfirmed with no message or confirmed with one message per
  valid recipient; no message the gateway accepted is back in the queue; after the storm the
  outbox drains with every message accepted exactly once.

The same storm runs through HTTP against gunicorn: every answer is a clean status.
"""

import http.client
import json
import os
import random
import subprocess
import sys
import threading
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

import psycopg2
import pytest
from django.db import InterfaceError, OperationalError, close_old_connections, connection

from accounts.models import User
from approvals import services as approvals
from approvals.models import Action, ApprovalStep, Document
from rpa import services as rpa
from rpa.gateway.simulator import make_server
from rpa.models import OutboxMessage, Upload
from smartcenters import rules as seat_rules
from smartcenters import services as seats
from smartcenters.models import Booking, Seat
from tests.approvals.factories import general_document
from tests.factories import UserFactory, api_token_key, org_tree
from tests.faults import stack
from tests.faults.stack import (
    ROOT,
    RedisServer,
    free_port,
    point_broker_at,
    stop_process,
    wait_for,
)
from tests.rpa.factories import results_sheet, upload_sheet
from tests.smartcenters.factories import CenterFactory, SeatFactory, next_weekday

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

# Fixtures of tests/faults/stack.py used here.
workdir, templates = stack.workdir, stack.templates

STORM_SECONDS = 10
# Django wraps the driver's errors, except where it closes a server-side cursor (QuerySet
# .iterator()): a connection dropped there reaches the caller as psycopg2's own error.
DB_ERRORS = (OperationalError, InterfaceError, psycopg2.OperationalError, psycopg2.InterfaceError)
ACTIVE = ("held", "confirmed", "checked_in")
KILL_SQL = (
    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
)


# --- the world the storm runs in ----------------------------------------------------------


@dataclass
class World:
    lead: User
    chief: User
    health: User
    staff: list[User]
    seats: list[Seat]
    days: list[date]
    uploads: list[Upload]
    documents: list[int]


def build_world(health_user) -> World:
    team, lead, chief, _director = org_tree()
    staff = [UserFactory(role="staff", department=team) for _ in range(24)]
    open_center = CenterFactory()
    approval_center = CenterFactory(needs_approval=True)
    seats_ = [SeatFactory(center=open_center) for _ in range(4)]
    seats_ += [SeatFactory(center=approval_center) for _ in range(2)]
    first = next_weekday()
    days = [first, next_weekday(first), next_weekday(next_weekday(first))]
    documents = [general_document(_org(team, lead, chief, person)).pk for person in staff[:16]]
    uploads = [
        upload_sheet(health_user, results_sheet(250, start=610000 + n * 1000), name=f"{n}.csv")
        for n in range(4)
    ]
    return World(lead, chief, health_user, staff, seats_, days, uploads, documents)


def _org(team, lead, chief, applicant):
    from tests.approvals.factories import Org

    return Org(team, lead, chief, None, applicant)


# --- the storm ----------------------------------------------------------------------------


@dataclass
class Tally:
    lock: threading.Lock = field(default_factory=threading.Lock)
    outcomes: Counter = field(default_factory=Counter)
    unclean: list = field(default_factory=list)

    def add(self, name: str) -> None:
        with self.lock:
            self.outcomes[name] += 1

    def count(self, prefix: str) -> int:
        return sum(n for key, n in self.outcomes.items() if key.startswith(prefix))


def killer(stop: threading.Event, kills: Counter) -> None:
    """Terminate every other backend of the test database, again and again."""
    rng = random.Random(7)
    try:
        while not stop.is_set():
            try:
                close_old_connections()
                with connection.cursor() as cursor:
                    cursor.execute(KILL_SQL)
                    kills["backends"] += cursor.fetchone()[0]
                kills["rounds"] += 1
            except DB_ERRORS:
                connection.close()
            stop.wait(rng.uniform(0.05, 0.25))
    finally:
        connection.close()


def run_storm(operations: dict, seconds: float) -> tuple[Tally, Counter]:
    """Run each operation in a loop in its own thread (own connection) while the killer runs."""
    tally = Tally()
    kills: Counter = Counter()
    stop = threading.Event()

    def loop(name, operation):
        rng = random.Random(name)
        try:
            while not stop.is_set():
                close_old_connections()  # what Django does at each request's start
                try:
                    outcome = operation(rng)
                    tally.add(f"{name}:{outcome}")
                except DB_ERRORS:
                    tally.add(f"{name}:db-error")
                    connection.close()
                except Exception as error:  # anything else is not a clean failure
                    tally.unclean.append((name, repr(error), traceback.format_exc()[-1500:]))
                    tally.add(f"{name}:UNCLEAN")
                    connection.close()
                time.sleep(rng.uniform(0, 0.01))
        finally:
            connection.close()

    threads = [
        threading.Thread(target=loop, args=(name, operation), daemon=True)
        for name, operation in operations.items()
    ]
    threads.append(threading.Thread(target=killer, args=(stop, kills), daemon=True))
    for thread in threads:
        thread.start()
    time.sleep(seconds)
    stop.set()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a storm thread hangs"
    # This thread's connection was terminated too; the checks below need a fresh one.
    connection.close()
    return tally, kills


# --- what must hold afterwards ------------------------------------------------------------


def assert_bookings_whole() -> None:
    with connection.cursor() as cursor:
        for column in ("seat_id", "user_id"):
            cursor.execute(
                f"""SELECT count(*) FROM smartcenters_booking a JOIN smartcenters_booking b
                    ON a.id < b.id AND a.{column} = b.{column} AND a.halfdays && b.halfdays
                    WHERE a.status = ANY(%s) AND b.status = ANY(%s)""",  # noqa: S608
                [list(ACTIVE), list(ACTIVE)],
            )
            assert cursor.fetchone()[0] == 0, f"double booking by {column}"
        cursor.execute(
            f"SELECT count(*) FROM smartcenters_booking WHERE halfdays IS NULL "  # noqa: S608
            f"OR status NOT IN ({','.join(repr(s) for s in Booking.Status.values)})"
        )
        assert cursor.fetchone()[0] == 0
    documents = {
        d.subject_id: d for d in Document.objects.filter(doc_type__code=seats.APPROVAL_TYPE)
    }
    assert len(documents) == Document.objects.filter(doc_type__code=seats.APPROVAL_TYPE).count()
    bookings = {b.pk: b for b in Booking.objects.select_related("seat__center")}
    assert set(documents) <= set(bookings), "an approval document without its booking"
    for booking in bookings.values():
        if not booking.seat.center.needs_approval:
            assert booking.status == "confirmed" and booking.pk not in documents
            continue
        document = documents.get(booking.pk)
        assert document is not None, f"held booking {booking.pk} without its approval document"
        expected = {"held": "pending", "confirmed": "approved"}[booking.status]
        assert document.status == expected, (booking.status, document.status)


def assert_approvals_whole() -> None:
    documents = Document.objects.prefetch_related("steps", "actions")
    assert documents.exists()
    for document in documents:
        steps = [s for s in document.steps.all() if s.round == document.round]
        actions = list(document.actions.all())
        assert steps, f"document {document.pk} has no approval line"
        assert [a.kind for a in actions].count("submitted") == 1
        for step in steps:
            decisions = [
                a for a in actions if a.step_id == step.pk and a.kind in ("approved", "returned")
            ]
            if step.status in ("approved", "returned"):
                assert len(decisions) == 1, f"step {step.pk}: {len(decisions)} decisions"
                assert decisions[0].kind == step.status
                assert decisions[0].actor_id == step.approver_id
                assert step.decided_at is not None
            else:
                assert not decisions, f"undecided step {step.pk} has a decision"
        assert Action.objects.filter(
            document=document, kind__in=("approved", "returned")
        ).count() == sum(s.status in ("approved", "returned") for s in steps)
        statuses = {s.status for s in steps}
        if document.status == "pending":
            pending = [s for s in steps if s.status == "pending"]
            assert pending, f"pending document {document.pk} waits for nobody"
            first = min(s.order for s in pending)
            assert all(s.status == "approved" for s in steps if s.order < first)
            assert all(s.status == "waiting" for s in steps if s.order > first)
            assert document.decided_at is None
        elif document.status == "approved":
            assert not statuses & {"pending", "waiting"}
            assert any(s.kind == "final" and s.status == "approved" for s in steps)
            assert document.decided_at is not None
        else:
            pytest.fail(f"document {document.pk} is {document.status}")


def assert_outbox_whole(accepted: Counter) -> None:
    for upload in Upload.objects.all():
        messages = upload.messages.count()
        if upload.status == Upload.Status.PREVIEWED:
            assert messages == 0, f"unconfirmed upload {upload.pk} has {messages} messages"
            continue
        valid = upload.recipients.filter(status="valid", already_messaged_by__isnull=True)
        assert messages == valid.count() == 250
        assert upload.confirmed_at is not None and upload.confirmed_by_id is not None
    queued = {
        str(c)
        for c in OutboxMessage.objects.filter(status="queued").values_list("client_id", flat=True)
    }
    assert not queued & set(accepted), "a message the gateway accepted is queued again"


def drain_outbox(settings, accepted_now) -> None:
    """After the storm, as the workers would: confirm what was not, settle, send the rest."""
    settings.RPA_STALE_SENDING_SECONDS = 1
    for upload in Upload.objects.filter(status=Upload.Status.PREVIEWED):
        rpa.confirm_send(upload=upload, user=upload.uploaded_by)
    deadline = time.monotonic() + 120
    while OutboxMessage.objects.filter(status__in=("queued", "sending", "unknown")).exists():
        assert time.monotonic() < deadline, "the outbox did not drain"
        rpa.reconcile_uncertain()
        ids = rpa.claim_outbox_batch(200)
        if ids:
            rpa.send_claimed(ids)
        else:
            time.sleep(0.3)
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {"sent"}
    counts = accepted_now()
    assert len(counts) == OutboxMessage.objects.count() == 1000
    assert set(counts.values()) == {1}, "a message was accepted twice"
    assert set(counts) == {
        str(c) for c in OutboxMessage.objects.values_list("client_id", flat=True)
    }


# --- fixtures -----------------------------------------------------------------------------


@pytest.fixture
def private_redis(workdir, settings):
    """Notifications and the outbox publish to a Redis of this test that nobody consumes."""
    from config.celery import app

    server = RedisServer(free_port(), workdir)
    server.start()
    original = app.conf.broker_url
    point_broker_at(app, server.url)
    settings.CELERY_BROKER_URL = server.url
    try:
        yield server
    finally:
        point_broker_at(app, original)
        server.stop()


@pytest.fixture
def gateway(workdir, settings):
    """An in-process gateway simulator; returns a function counting accepted client ids."""
    port = free_port()
    record = workdir / "gateway.jsonl"
    server = make_server(port=port, record=str(record))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.SMS_GATEWAY_URL = f"http://127.0.0.1:{port}"
    settings.SMS_GATEWAY_TIMEOUT = 5
    settings.RPA_PRIVATE_ROOT = workdir / "private"

    def accepted() -> Counter:
        if not record.exists():
            return Counter()
        return Counter(json.loads(line)["client_id"] for line in record.read_text().splitlines())

    yield accepted
    server.shutdown()
    server.server_close()


# --- services under the storm -------------------------------------------------------------


def test_services_under_terminated_connections_leave_no_half_written_row(
    health_user,
    templates,
    private_redis,
    gateway,
    settings,
):
    world = build_world(health_user)
    slots = list(seat_rules.SLOTS)

    def book(rng):
        try:
            seats.book_seat(
                user=rng.choice(world.staff),
                seat=rng.choice(world.seats),
                date=rng.choice(world.days),
                slot=rng.choice(slots),
            )
        except (seats.SeatTaken, seats.PersonAlreadyBooked, seats.BookingRuleError):
            return "refused"
        return "booked"

    def approve_as(person):
        def approve(rng):
            waiting = list(
                ApprovalStep.objects.filter(
                    approver=person, status="pending", document__status="pending"
                ).values_list("document_id", flat=True)[:20]
            )
            if not waiting:
                return "idle"
            try:
                approvals.approve(document=Document(pk=rng.choice(waiting)), actor=person)
            except (approvals.AlreadyDecided, approvals.NotYourTurn):
                return "refused"
            return "approved"

        return approve

    def confirm(rng):
        upload = rng.choice(world.uploads)
        try:
            rpa.confirm_send(upload=upload, user=world.health)
        except rpa.SendRefused:
            return "refused"
        return "confirmed"

    def send(rng):
        rpa.reconcile_uncertain()
        ids = rpa.claim_outbox_batch(rng.randint(20, 60))
        if not ids:
            return "idle"
        rpa.send_claimed(ids)
        return "sent"

    settings.RPA_STALE_SENDING_SECONDS = 2
    tally, kills = run_storm(
        {
            "book-1": book,
            "book-2": book,
            "book-3": book,
            "approve-lead": approve_as(world.lead),
            "approve-chief": approve_as(world.chief),
            "confirm": confirm,
            "send-1": send,
            "send-2": send,
        },
        STORM_SECONDS,
    )

    print(f"\nstorm outcomes: {dict(sorted(tally.outcomes.items()))}; kills: {dict(kills)}")
    for name, error, trace in tally.unclean[:2]:
        print(name, error, trace)  # the stack of an unclean failure, for the log
    assert not tally.unclean, tally.unclean[:5]
    assert kills["backends"] >= 20, kills
    assert (
        tally.count("book")
        and tally.outcomes["book-1:db-error"]
        + tally.outcomes["book-2:db-error"]
        + tally.outcomes["book-3:db-error"]
    ), "no booking met a dropped connection"
    assert sum(tally.outcomes[f"book-{n}:booked"] for n in (1, 2, 3)) > 0
    assert tally.outcomes["approve-lead:approved"] > 0
    assert tally.count("approve-lead:db-error") + tally.count("approve-chief:db-error") > 0
    assert tally.count("send-1:db-error") + tally.count("send-2:db-error") > 0

    assert_bookings_whole()
    assert_approvals_whole()
    assert_outbox_whole(gateway())
    drain_outbox(settings, gateway)


# --- the same storm through HTTP ----------------------------------------------------------


class Gunicorn:
    def __init__(self, workdir, redis_url: str):
        self.port = free_port()
        env = dict(os.environ)
        env.update(
            DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{connection.settings_dict['NAME']}",
            REDIS_URL=redis_url,
            CELERY_BROKER_URL=redis_url,
            DJANGO_LOCAL_HTTP="1",
            DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
            RPA_PRIVATE_ROOT=str(workdir / "private"),
            LOG_LEVEL="ERROR",
        )
        self.log = workdir / "gunicorn.log"
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "config.wsgi",
                    "--bind",
                    f"127.0.0.1:{self.port}",
                    "--workers",
                    "2",
                    "--worker-class",
                    "gthread",
                    "--threads",
                    "4",
                    "--timeout",
                    "60",
                ],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            wait_for(self._healthy, timeout=60, interval=0.2, what="gunicorn answers")
        except BaseException:
            self.stop()
            raise

    def _healthy(self) -> bool:
        if self.process.poll() is not None:
            raise RuntimeError(f"gunicorn exited: {self.log.read_text()[-2000:]}")
        try:
            return self.request("GET", "/healthz")[0] == 200
        except OSError:
            return False

    def request(self, method: str, path: str, token: str | None = None, body=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            headers = {"Host": "127.0.0.1", "Accept": "application/json"}
            if token:
                headers["Authorization"] = f"Token {token}"
            data = None
            if body is not None:
                data = json.dumps(body).encode()
                headers["Content-Type"] = "application/json"
            conn.request(method, path, body=data, headers=headers)
            response = conn.getresponse()
            payload = response.read()
            return response.status, payload
        finally:
            conn.close()

    def stop(self) -> None:
        stop_process(self.process)


def test_api_under_terminated_connections_answers_cleanly_and_writes_whole_rows(
    health_user,
    templates,
    private_redis,
    workdir,
):
    world = build_world(health_user)
    tokens = {user.pk: api_token_key(user) for user in world.staff}
    lead_token = api_token_key(world.lead)
    chief_token = api_token_key(world.chief)
    health_token = api_token_key(world.health)
    slots = list(seat_rules.SLOTS)
    server = Gunicorn(workdir, private_redis.url)
    statuses: Counter = Counter()
    lock = threading.Lock()

    def call(name, method, path, token, body=None):
        status, payload = server.request(method, path, token, body)
        with lock:
            statuses[(name, status)] += 1
        return status, payload

    def book(rng):
        seat = rng.choice(world.seats)
        call(
            "book",
            "POST",
            "/api/v1/bookings/",
            tokens[rng.choice(world.staff).pk],
            {
                "seat": seat.pk,
                "date": rng.choice(world.days).isoformat(),
                "slot": rng.choice(slots),
            },
        )
        return "asked"

    def approve_with(token):
        def approve(rng):
            status, payload = call("inbox", "GET", "/api/v1/approvals/inbox/", token)
            if status != 200:
                return "asked"
            waiting = [item["id"] for item in json.loads(payload)["results"]]
            if not waiting:
                return "idle"
            call("approve", "POST", f"/api/v1/approvals/{rng.choice(waiting)}/approve/", token, {})
            return "asked"

        return approve

    def confirm(rng):
        upload = rng.choice(world.uploads)
        call("confirm", "POST", f"/api/v1/rpa/uploads/{upload.pk}/send/", health_token)
        return "asked"

    try:
        tally, kills = run_storm(
            {
                "book-1": book,
                "book-2": book,
                "book-3": book,
                "approve-lead": approve_with(lead_token),
                "approve-chief": approve_with(chief_token),
                "confirm": confirm,
            },
            STORM_SECONDS,
        )
    finally:
        server.stop()

    print(f"\nHTTP answers: {dict(sorted(statuses.items()))}; kills: {dict(kills)}")
    assert not tally.unclean, tally.unclean[:3]  # no connection refused, reset or timed out
    assert kills["backends"] >= 20, kills
    unclean = {key: n for key, n in statuses.items() if not (200 <= key[1] < 500 or key[1] == 503)}
    assert not unclean, f"answers other than 2xx, 4xx and 503: {unclean}"
    assert statuses[("book", 201)] > 0 and statuses[("approve", 200)] > 0
    assert sum(n for (name, status), n in statuses.items() if status == 503) > 0

    assert_bookings_whole()
    assert_approvals_whole()
    assert_outbox_whole(Counter())
