"""50,000 messages from confirmation to the last one accepted by the simulator (--latency-ms 50).

Runs with 1, 2 and 4 worker processes and prints the figures and the machine. Uses the
database and Redis of DATABASE_URL / REDIS_URL (migrated at the start).

    .venv/bin/python bench/send_50k.py [--quick] [--messages 50000] [--workers 1,2,4]
                                       [--timeout 300]

--quick sends 5,000 messages with 1 and 4 workers. Each worker count gives up after --timeout
seconds (reported as a failure), so the run is bounded.
"""

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from benchlib import free_port, machine  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_LOCAL_HTTP", "1")

COUNT = int(os.environ.get("BENCH_MESSAGES", "50000"))
WORKERS = [int(n) for n in os.environ.get("BENCH_WORKERS", "1,2,4").split(",")]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="5,000 messages, 1 and 4 workers")
    parser.add_argument("--messages", type=int, default=None)
    parser.add_argument("--workers", default=None, help="comma-separated worker counts")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds per worker count")
    parser.add_argument(
        "--provider",
        choices=("simulator", "sens", "nhn"),
        default="simulator",
        help="the protocol the adapter and the simulator speak",
    )
    args = parser.parse_args()
    if args.messages is None:
        args.messages = 5000 if args.quick else COUNT
    if args.workers is None:
        args.workers = "1,4" if args.quick else ",".join(map(str, WORKERS))
    args.workers = [int(n) for n in args.workers.split(",")]
    return args


def wait_port(port: int) -> None:
    for _ in range(200):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("simulator did not start")


def main() -> int:
    args = parse_args()
    count = args.messages
    port = free_port()
    record = Path(tempfile.mkdtemp(prefix="bench-sms-")) / "record.jsonl"
    url = f"http://127.0.0.1:{port}"
    # The provider's adapter and its simulator, with keys that exist only for this run.
    os.environ.update(
        SMS_PROVIDER=args.provider,
        SMS_GATEWAY_URL=url,
        SENS_API_URL=url,
        NHN_SMS_API_URL=url,
        SENS_SERVICE_ID="ncp:sms:kr:000000000001:bench",
        SENS_ACCESS_KEY="bench-access-key",
        SENS_SECRET_KEY=uuid.uuid4().hex,
        NHN_SMS_APP_KEY="bench-app-key",
        NHN_SMS_SECRET_KEY=uuid.uuid4().hex,
    )

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from config.celery import app
    from rpa import demo, rules, services
    from rpa.models import OutboxMessage, Recipient, Upload

    demo.seed()
    user, _ = get_user_model().objects.get_or_create(
        username="bench-rpa", defaults={"full_name": "벤치"}
    )
    simulator = subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "sms_gateway_sim",
            "--provider",
            args.provider,
            "--port",
            str(port),
            "--record",
            str(record),
            "--latency-ms",
            "50",
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )
    wait_port(port)
    print(f"machine: {machine()}")
    print(f"provider: {args.provider}, messages: {count}, latency 50 ms a request")
    failed = False
    try:
        for workers in args.workers:
            upload = Upload.objects.create(
                uploaded_by=user,
                original_name="bench.xlsx",
                sha256=uuid.uuid4().hex,
                day=timezone.localdate(),
                summary={"rows": count, "valid": count},
            )
            kinds = ["negative", "positive", "inconclusive"]
            Recipient.objects.bulk_create(
                (
                    Recipient(
                        upload=upload,
                        row=n + 2,
                        status="valid",
                        name=f"주민{n}",
                        phone=f"019{n:08d}",
                        result=kinds[n % 3],
                        test_date=timezone.localdate(),
                        message_kind=kinds[n % 3],
                        person_key=rules.person_key(
                            name=f"주민{n}-{upload.pk}",
                            phone=f"019{n:08d}",
                            kind=kinds[n % 3],
                            test_date=timezone.localdate(),
                            start=None,
                        ),
                    )
                    for n in range(count)
                ),
                batch_size=5000,
            )
            name = f"bench-{workers}-{os.getpid()}@localhost"
            worker = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "config",
                    "worker",
                    "--pool=prefork",
                    f"--concurrency={workers}",
                    "--loglevel=WARNING",
                    "--without-heartbeat",
                    "--without-mingle",
                    "--without-gossip",
                    "-n",
                    name,
                ],
                cwd=ROOT,
                env={**os.environ, "RPA_SEND_PARALLELISM": str(max(workers, 4))},
                start_new_session=True,
            )
            deadline = time.monotonic() + 60
            while not app.control.ping(destination=[name], timeout=0.5):
                if time.monotonic() > deadline or worker.poll() is not None:
                    os.killpg(worker.pid, 9)
                    print(f"workers={workers}: the Celery worker did not start")
                    return 1
                time.sleep(0.2)
            lines_before = sum(1 for _ in record.open()) if record.exists() else 0
            started = time.perf_counter()
            queued = services.confirm_send(upload=upload, user=user)
            confirmed = time.perf_counter() - started
            pending = OutboxMessage.objects.filter(
                upload=upload, status__in=("queued", "sending", "unknown")
            )
            deadline = time.monotonic() + args.timeout
            while pending.exists() and time.monotonic() < deadline:
                time.sleep(0.2)
            if pending.exists():
                failed = True
                print(f"workers={workers}: not finished after {args.timeout:.0f} s")
            elapsed = time.perf_counter() - started
            lines = sum(1 for _ in record.open()) - lines_before
            print(
                f"workers={workers}: {queued} queued in {confirmed:.1f} s; all accepted after "
                f"{elapsed:.1f} s ({queued / elapsed:,.0f} messages/s); simulator recorded {lines}"
            )
            worker.terminate()
            try:
                worker.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(worker.pid, 9)
                worker.wait()
            OutboxMessage.objects.filter(upload=upload).delete()
            Recipient.objects.filter(upload=upload).delete()
            upload.delete()
    finally:
        simulator.terminate()
        simulator.wait(timeout=10)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
