"""A worst day's sheet stored and confirmed: what the health team waits for after each click.

Uploads `large-50k.xlsx` as a stored upload (`create_upload`: read, check, store 50,000
recipients) and confirms it (`confirm_send`: 50,000 outbox rows), three times, against only
reading the sheet's cells with python-calamine in the same run. Uses its own database
`flexwork_bench_upload` (or BENCH_UPLOAD_DATABASE_URL), created and migrated here, and Redis
database 11 (BENCH_UPLOAD_REDIS_URL), emptied at the end: no worker takes the outbox, the rows
are the work measured.

    .venv/bin/python bench/upload_50k.py [--repeat 3] [--file PATH]
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from benchlib import machine  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT.parent / "shared" / "data" / "case-sheets" / "large-50k.xlsx"
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/flexwork_bench_upload"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--file", type=Path, default=Path(os.environ.get("BENCH_SHEET", SAMPLE)))
    args = parser.parse_args()
    if not args.file.exists():
        print(f"No sheet at {args.file}: give one with --file.")
        return 1
    env = {
        "DATABASE_URL": os.environ.get("BENCH_UPLOAD_DATABASE_URL", DEFAULT_DB),
        "REDIS_URL": os.environ.get("BENCH_UPLOAD_REDIS_URL", "redis://127.0.0.1:6379/11"),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_LOCAL_HTTP": "1",
        "LOG_LEVEL": "ERROR",
        "RPA_PRIVATE_ROOT": str(ROOT / "var" / "bench-upload-private"),
    }
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    preflight = subprocess.run(
        [sys.executable, "-m", "config.preflight"], cwd=ROOT, env={**os.environ}, check=False
    )
    if preflight.returncode:
        return 1

    import django

    django.setup()
    import python_calamine
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection

    from rpa import demo, services
    from rpa.models import Upload

    call_command("migrate", verbosity=0)
    demo.seed()
    user, _ = get_user_model().objects.get_or_create(
        username="bench-upload", defaults={"full_name": "벤치"}
    )
    data = args.file.read_bytes()
    print(f"Machine: {machine()}")
    print(f"Sheet: {args.file.name}, {len(data) / 1e6:.1f} MB")

    def read_cells() -> int:
        sheet = python_calamine.CalamineWorkbook.from_path(str(args.file)).get_sheet_by_index(0)
        return sum(len(row) for row in sheet.iter_rows())

    reading, storing, confirming = [], [], []
    for _ in range(args.repeat):
        started = time.perf_counter()
        read_cells()
        reading.append(time.perf_counter() - started)
        started = time.perf_counter()
        upload = services.create_upload(user=user, filename=args.file.name, data=data)
        storing.append(time.perf_counter() - started)
        started = time.perf_counter()
        queued = services.confirm_send(upload=upload, user=user)
        confirming.append(time.perf_counter() - started)
        rows = upload.summary.get("rows")
        Upload.objects.filter(pk=upload.pk).delete()
        upload.file.delete(save=False)
        with connection.cursor() as cursor:  # no bloat carried into the next round
            cursor.execute("VACUUM ANALYZE rpa_recipient")
            cursor.execute("VACUUM ANALYZE rpa_outboxmessage")

    def line(label: str, times: list[float]) -> float:
        median = statistics.median(times)
        print(f"{label}: median {median:.2f} s ({', '.join(f'{t:.2f}' for t in times)})")
        return median

    import redis

    redis.Redis.from_url(env["REDIS_URL"]).flushdb()  # the wake-ups no worker took
    floor = line("read cells, python-calamine (reference)", reading)
    store = line(f"store the upload, {rows:,} rows (create_upload)", storing)
    confirm = line(f"confirm, {queued:,} outbox rows (confirm_send)", confirming)
    print(f"store / reference: {store / floor:.1f}x; confirm / reference: {confirm / floor:.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
