"""50,000 messages from confirmation to the last one accepted by the simulator (--latency-ms 50).

Runs with 1, 2 and 4 worker processes and prints the figures and the machine. Uses the
database and Redis of DATABASE_URL / REDIS_URL (run `make setup` first).
"""

import os
import platform
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")

COUNT = int(os.environ.get("BENCH_MESSAGES", "50000"))
WORKERS = [int(n) for n in os.environ.get("BENCH_WORKERS", "1,2,4").split(",")]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_port(port: int) -> None:
    for _ in range(200):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("simulator did not start")


def machine() -> str:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{model or platform.processor()} · {os.cpu_count()} CPUs · Python {platform.python_version()}"


def main() -> int:
    port = free_port()
    record = Path(tempfile.mkdtemp(prefix="bench-sms-")) / "record.jsonl"
    url = f"http://127.0.0.1:{port}"
    os.environ["SMS_GATEWAY_URL"] = url

    import django

    django.setup()
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
    print(f"messages: {COUNT}, gateway latency 50 ms a request, batches of 1,000")
    try:
        for workers in WORKERS:
            upload = Upload.objects.create(
                uploaded_by=user,
                original_name="bench.xlsx",
                sha256=uuid.uuid4().hex,
                day=timezone.localdate(),
                summary={"rows": COUNT, "valid": COUNT},
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
                    for n in range(COUNT)
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
            while not app.control.ping(destination=[name], timeout=0.5):
                time.sleep(0.2)
            lines_before = sum(1 for _ in record.open()) if record.exists() else 0
            started = time.perf_counter()
            queued = services.confirm_send(upload=upload, user=user)
            confirmed = time.perf_counter() - started
            pending = OutboxMessage.objects.filter(
                upload=upload, status__in=("queued", "sending", "unknown")
            )
            while pending.exists():
                time.sleep(0.2)
            elapsed = time.perf_counter() - started
            lines = sum(1 for _ in record.open()) - lines_before
            print(
                f"workers={workers}: {queued} queued in {confirmed:.1f} s; all accepted after "
                f"{elapsed:.1f} s ({queued / elapsed:,.0f} messages/s); simulator recorded {lines}"
            )
            worker.terminate()
            worker.wait(timeout=60)
            OutboxMessage.objects.filter(upload=upload).delete()
            Recipient.objects.filter(upload=upload).delete()
            upload.delete()
    finally:
        simulator.terminate()
        simulator.wait(timeout=10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
