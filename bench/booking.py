"""Seat-booking benchmark: concurrent POST /api/v1/bookings/ against a running gunicorn.

Starts gunicorn on a free 127.0.0.1 port against its own database, seeds the five centers
(60 seats), people and API tokens, then fires bounded concurrent bookings (a broad mix and a
hot-seat stampede), reports bookings per second and the 201/409/400 counts, checks in the
database that no seat and no person is ever held twice at overlapping times, and measures a
plain DRF read (GET /api/v1/me/) the same way for comparison.

    .venv/bin/python bench/booking.py [--requests 3000] [--threads 32] [--workers 4]
"""

import argparse
import http.client
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

from benchlib import free_port, machine  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/flexwork_bench_booking"


def prepare_database(people: int) -> list[str]:
    """Migrate the bench database, seed centers and people; return one API token per person."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from accounts import services
    from accounts.models import ApiToken, User
    from smartcenters import demo
    from smartcenters.models import BOOKING_RULES_PK, Booking, BookingRules, WaitlistEntry

    call_command("migrate", verbosity=0)
    demo.seed()
    WaitlistEntry.objects.all().delete()
    Booking.objects.all().delete()
    BookingRules.objects.update_or_create(
        pk=BOOKING_RULES_PK,
        defaults={
            "days_ahead": 31,  # ten working days from tomorrow, even over the new year
            "max_active_bookings": 5,
            "cancel_deadline_minutes": 0,
            "checkin_deadline_minutes": 60,
        },
    )
    existing = set(
        User.objects.filter(username__startswith="bench").values_list("username", flat=True)
    )
    User.objects.bulk_create(
        [
            User(username=f"bench{i:04d}", full_name=f"벤치{i}", password="!")
            for i in range(people)
            if f"bench{i:04d}" not in existing
        ]
    )
    users = list(User.objects.filter(username__startswith="bench").order_by("username")[:people])
    # Only a token's hash is stored, so every run issues fresh ones and drops the last run's.
    ApiToken.objects.filter(user__in=users).delete()
    now = timezone.now()
    return [
        services.issue_api_token(user=u, name="bench", days=1, otp_verified=False, now=now)[1]
        for u in users
    ]


def booking_targets():
    """Seat ids and the ten working days from tomorrow, as the clients choose among them.

    Tomorrow, not today: later in the day today's morning has passed, and a "clean" booking of
    it would be refused.
    """
    from core import clock
    from core.workdays import work_calendar
    from smartcenters.models import Seat

    seats = list(Seat.objects.filter(is_active=True).values_list("pk", flat=True))
    day = clock.today() + timedelta(days=1)
    calendar = work_calendar(day, day + timedelta(days=31))
    days = []
    while len(days) < 10:
        if calendar.is_working_day(day):
            days.append(day)
        day += timedelta(days=1)
    return seats, days


def clean_jobs(tokens: list[str], seats: list[int], days: list, count: int, randomiser) -> list:
    """Requests for distinct free half-days, each person at most once a half-day, at most 4 each."""
    halves = [(seat, day, half) for seat in seats for day in days for half in ("am", "pm")]
    randomiser.shuffle(halves)
    taken_by_person: dict[str, set] = {token: set() for token in tokens}
    jobs = []
    people = iter(tokens * 4)
    for seat, day, half in halves:
        if len(jobs) == count:
            break
        for token in people:
            if (day, half) not in taken_by_person[token]:
                taken_by_person[token].add((day, half))
                body = {"seat": seat, "date": day.isoformat(), "slot": half}
                jobs.append(("POST", "/api/v1/bookings/", token, body))
                break
    return jobs


def double_bookings() -> tuple[int, int]:
    """Pairs of active bookings that overlap on one seat, and on one person (must both be 0)."""
    from django.db import connection

    from smartcenters.models import Booking

    def column(name: str) -> str:
        return Booking._meta.get_field(name).column

    table, halfdays, status = Booking._meta.db_table, column("halfdays"), column("status")
    pairs = []
    with connection.cursor() as cursor:
        for holder in (column("seat"), column("user")):
            cursor.execute(
                f"""SELECT count(*) FROM {table} a JOIN {table} b
                      ON a.id < b.id AND a.{holder} = b.{holder} AND a.{halfdays} && b.{halfdays}
                   WHERE a.{status} = ANY(%(active)s) AND b.{status} = ANY(%(active)s)""",
                {"active": list(Booking.ACTIVE_STATUSES)},
            )
            pairs.append(cursor.fetchone()[0])
    seats, people = pairs
    return seats, people


def start_gunicorn(port: int, workers: int, env: dict, log_path: Path) -> subprocess.Popen:
    # The child keeps its own handle on the log; ours closes once it has started.
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [
                str(ROOT / ".venv" / "bin" / "gunicorn"),
                "config.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(workers),
                "--backlog",
                "2048",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
            start_new_session=True,
            # Every 409 is logged by django.request; keep the report readable.
            stdout=log,
            stderr=log,
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return process
        except OSError:
            time.sleep(0.2)
        if process.poll() is not None:
            raise RuntimeError("gunicorn exited while starting")
    process.kill()
    raise RuntimeError("gunicorn did not answer /healthz within 60 s")


def request(port: int, method: str, path: str, token: str, body: dict | None = None):
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Authorization": f"Token {token}", "Host": "127.0.0.1"}
    payload = None
    if body is not None:
        payload = json.dumps(body)
        headers["Content-Type"] = "application/json"
    try:
        conn.request(method, path, body=payload, headers=headers)
        response = conn.getresponse()
        data = response.read()
        status = response.status
    except OSError:
        status, data = 0, b""
    finally:
        conn.close()
    return status, time.perf_counter() - started, data


def run_load(port: int, jobs: list, threads: int, time_limit: float):
    """Run (method, path, token, body) jobs over a thread pool; stop starting new ones at the limit."""
    results = []
    lock = threading.Lock()
    deadline = time.monotonic() + time_limit

    def one(job):
        if time.monotonic() > deadline:
            return
        outcome = request(port, *job)
        with lock:
            results.append(outcome)

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        list(pool.map(one, jobs))
    return results, time.perf_counter() - started


def summarise(label: str, results, elapsed: float) -> dict:
    latencies = sorted(r[1] for r in results)
    codes = Counter(r[0] for r in results)
    rate = len(results) / elapsed if elapsed else 0.0
    p50 = statistics.median(latencies) * 1000 if latencies else 0
    p95 = latencies[int(len(latencies) * 0.95) - 1] * 1000 if latencies else 0
    print(
        f"{label}: {len(results)} requests in {elapsed:.2f} s = {rate:.0f} req/s; "
        f"p50 {p50:.1f} ms, p95 {p95:.1f} ms; status codes {dict(sorted(codes.items()))}"
    )
    return {"rate": rate, "codes": codes}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=3000, help="booking requests in the mix")
    parser.add_argument("--threads", type=int, default=32, help="concurrent client threads")
    parser.add_argument("--workers", type=int, default=min(4, max(2, (os.cpu_count() or 1) * 2)))
    parser.add_argument("--clean", type=int, default=600, help="conflict-free booking requests")
    parser.add_argument("--people", type=int, default=400)
    parser.add_argument("--time-limit", type=float, default=60.0, help="seconds per phase, at most")
    args = parser.parse_args()

    env = dict(os.environ)
    env["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB)
    env["DJANGO_LOCAL_HTTP"] = "1"
    env["DJANGO_ALLOWED_HOSTS"] = "127.0.0.1,localhost"
    env.setdefault("REDIS_URL", "redis://127.0.0.1:6379/2")
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    env["LOG_LEVEL"] = "WARNING"
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))

    if subprocess.run([sys.executable, "-m", "config.preflight"], cwd=ROOT, env=env).returncode:
        return 1
    print(f"Machine: {machine()}")
    tokens = prepare_database(args.people)
    seats, days = booking_targets()
    port = free_port()
    log_path = Path(tempfile.gettempdir()) / f"bench-booking-gunicorn-{port}.log"
    server = start_gunicorn(port, args.workers, env, log_path)
    print(
        f"gunicorn: {args.workers} sync workers on 127.0.0.1:{port}; {args.threads} client threads; "
        f"{len(tokens)} people, {len(seats)} seats, {len(days)} working days"
    )
    try:
        randomiser = random.Random(2026)
        # Warm each worker's connections and imports so the first phase is not a cold start.
        run_load(
            port, [("GET", "/api/v1/me/", tokens[0], None)] * (args.workers * 8), args.threads, 30
        )

        # 1. A stampede: 40 people book the same seat at the same moment.
        hot_seat, hot_day = seats[0], days[0]
        stampede = [
            (
                "POST",
                "/api/v1/bookings/",
                tokens[i],
                {"seat": hot_seat, "date": hot_day.isoformat(), "slot": "full"},
            )
            for i in range(40)
        ]
        results, elapsed = run_load(port, stampede, 40, args.time_limit)
        hot = summarise("Hot seat, 40 at once", results, elapsed)
        assert hot["codes"][201] == 1, "exactly one person must get the hot seat"

        # 2. Clean bookings: every request is for a free half-day and a free person, so every
        #    answer should be 201; this is the rate at which bookings are actually made.
        jobs = clean_jobs(tokens[40:], seats[1:], days, args.clean, randomiser)
        results, elapsed = run_load(port, jobs, args.threads, args.time_limit)
        clean = summarise("Clean bookings (all free)", results, elapsed)
        print(f"  → {clean['codes'][201] / elapsed:.0f} bookings made/s")

        # 3. The mix: everyone books random seats, days and slots; conflicts are expected.
        jobs = [
            (
                "POST",
                "/api/v1/bookings/",
                randomiser.choice(tokens),
                {
                    "seat": randomiser.choice(seats),
                    "date": randomiser.choice(days).isoformat(),
                    "slot": randomiser.choice(["am", "pm", "full"]),
                },
            )
            for _ in range(args.requests)
        ]
        results, elapsed = run_load(port, jobs, args.threads, args.time_limit)
        mix = summarise("Booking mix", results, elapsed)
        made = mix["codes"][201] / elapsed if elapsed else 0
        print(
            f"  → {mix['rate']:.0f} booking requests/s, {made:.0f} bookings made/s; "
            f"201 {mix['codes'][201]}, 409 {mix['codes'][409]}, 400 {mix['codes'][400]}, "
            f"other {sum(n for c, n in mix['codes'].items() if c not in (201, 409, 400))}"
        )

        # 4. For comparison: a plain DRF endpoint that only reads the person's row.
        reads = [
            ("GET", "/api/v1/me/", randomiser.choice(tokens), None) for _ in range(args.requests)
        ]
        results, elapsed = run_load(port, reads, args.threads, args.time_limit)
        summarise("Plain read GET /api/v1/me/", results, elapsed)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
        print(f"Server log: {log_path}")

    from smartcenters.models import Booking

    seat_pairs, person_pairs = double_bookings()
    active = Booking.objects.filter(status__in=Booking.ACTIVE_STATUSES).count()
    print(f"Load average after the run: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(
        f"Database: {active} active bookings; double-booked seat pairs {seat_pairs}, "
        f"people holding two seats at once {person_pairs}"
    )
    if seat_pairs or person_pairs:
        print("FAIL: a double booking was stored")
        return 1
    print("OK: zero double bookings")
    return 0


if __name__ == "__main__":
    sys.exit(main())
