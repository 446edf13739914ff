"""Benchmark: the peak memory of reading each hostile case sheet, against the 50,000-row dry run.

    .venv/bin/python bench/hostile_memory.py [--limit-mb 4096]

Runs `import_cases PATH --dry-run --json` in a child process for large-50k.xlsx (the
reference: the largest sheet the health team sends) and for each file of the hostile corpus
(tests/security/hostile_workbooks.py), and prints each child's peak resident memory
(ru_maxrss), its time, its exit status and how it ended. Target: none over 600 MB. Each child
runs under an address-space limit (4 GB by default) so that a reader that asks for far more
fails alone instead of taking the machine with it; such a child shows its signal.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchlib import machine  # noqa: E402

# The shared samples sit beside the checkout (CASE_SHEETS_DIR overrides).
SAMPLES = Path(
    os.environ.get("CASE_SHEETS_DIR")
    or Path(__file__).resolve().parents[2] / "shared/data/case-sheets"
)
TARGET_MB = 600


def dry_run(path: Path, limit_mb: int) -> tuple[int, float, float, str]:
    """(exit status or -signal, peak MB, seconds, the first words of its answer)."""

    def limit():
        size = limit_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (size, size))

    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "manage.py", "import_cases", str(path), "--dry-run", "--json"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        preexec_fn=limit,
        env={**os.environ, "DJANGO_SECURE_SSL_REDIRECT": "0"},
    )
    stderr = child.stderr.read().decode(errors="replace")
    _pid, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    child.stderr.close()
    elapsed = time.perf_counter() - started
    lines = [line for line in stderr.strip().splitlines() if line.strip()]
    answer = lines[0][:60] if lines else "read normally"
    if child.returncode < 0 or (lines and "memory allocation" in stderr):
        answer = next((line for line in lines if "memory" in line), answer)[:60]
    return child.returncode, usage.ru_maxrss / 1024, elapsed, answer


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit-mb", type=int, default=4096)
    args = parser.parse_args()

    from tests.security.hostile_workbooks import write_corpus

    print(f"machine: {machine()}")
    print(
        f"each child under an address-space limit of {args.limit_mb} MB; target: peak under {TARGET_MB} MB"
    )
    rows = []
    with tempfile.TemporaryDirectory() as directory:
        files = {"large-50k.xlsx (reference)": SAMPLES / "large-50k.xlsx"}
        files.update(write_corpus(Path(directory)))
        print(f"{'file':<36} {'size':>11} {'exit':>5} {'peak MB':>8} {'time s':>7}  answer")
        for name, path in files.items():
            status, peak, elapsed, answer = dry_run(path, args.limit_mb)
            rows.append((name, peak, status))
            size = path.stat().st_size
            print(f"{name:<36} {size:>11,} {status:>5} {peak:>8.0f} {elapsed:>7.2f}  {answer}")
    worst = max(rows, key=lambda row: row[1])
    crashed = [row[0] for row in rows if row[2] not in (0, 2)]
    print(f"worst: {worst[0]} at {worst[1]:.0f} MB")
    met = worst[1] < TARGET_MB and not crashed
    print(f"target none over {TARGET_MB} MB and no crash: {'met' if met else 'NOT met'}")
    if crashed:
        print(f"crashed: {', '.join(crashed)}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
