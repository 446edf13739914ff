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


def sheet_at_the_limits() -> bytes:
    """The largest sheet the limits let through: 100,000 rows of 10 columns (1,000,000 cells),
    every row valid, names and notes from a table of 2,000 shared strings: what a dry run of
    an allowed sheet can cost at most."""
    from tests.security.hostile_workbooks import shared_strings_xml, sheet_xml, xlsx

    header = [
        "연번",
        "성명",
        "생년월일",
        "휴대전화",
        "검사일",
        "검사결과",
        "구분",
        "격리시작일",
        "격리해제일",
        "비고",
    ]
    names = [f"김민{chr(0xAC00 + n)}" for n in range(1000)]
    notes = [f"재택 확인 요망 {n:04d} 담당 보건소 연락" for n in range(1000)]
    strings = header + names + notes + ["음성"]
    result = len(strings) - 1

    def shared(column: str, row: int, index: int) -> str:
        return f'<c r="{column}{row}" t="s"><v>{index}</v></c>'

    rows = ['<row r="1">' + "".join(shared(chr(65 + i), 1, i) for i in range(10)) + "</row>"]
    for row in range(2, 100_001):
        n = row - 1
        rows.append(
            f'<row r="{row}"><c r="A{row}"><v>{n}</v></c>{shared("B", row, 10 + n % 1000)}'
            f'<c r="C{row}" t="inlineStr"><is><t>1980-01-01</t></is></c>'
            f'<c r="D{row}" t="inlineStr"><is><t>010-{1000 + n // 10000}-{n % 10000:04d}</t></is></c>'
            f'<c r="E{row}"><v>44409</v></c>{shared("F", row, result)}'
            f'<c r="G{row}" t="inlineStr"><is><t>자가격리</t></is></c>'
            f'<c r="H{row}"><v>44407</v></c><c r="I{row}"><v>44420</v></c>'
            f"{shared('J', row, 1010 + n % 1000)}</row>"
        )
    sheet = sheet_xml("".join(rows), dimension="A1:J100000")
    return xlsx([sheet], shared_strings=shared_strings_xml(strings))


def write_files(directory: Path) -> None:
    """The sheets to read, written by a child process: a parent grown by building them would
    lend its peak to every child it forks (ru_maxrss survives exec)."""
    from tests.security.hostile_workbooks import write_corpus

    (directory / "at-the-limits.xlsx").write_bytes(sheet_at_the_limits())
    write_corpus(directory)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit-mb", type=int, default=4096)
    parser.add_argument("--write", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.write:
        write_files(args.write)
        return 0

    # The shared samples sit beside the checkout (CASE_SHEETS_DIR overrides).
    from tests.samples import SAMPLES
    from tests.security.hostile_workbooks import CORPUS

    print(f"machine: {machine()}")
    print(
        f"each child under an address-space limit of {args.limit_mb} MB; target: peak < {TARGET_MB} MB"
    )
    rows = []
    with tempfile.TemporaryDirectory() as directory:
        subprocess.run([sys.executable, __file__, "--write", directory], check=True)
        files = {
            "large-50k.xlsx (reference)": SAMPLES / "large-50k.xlsx",
            "at-the-limits.xlsx (100,000 x 10)": Path(directory) / "at-the-limits.xlsx",
        }
        files.update({name: Path(directory) / name for name, _build, _expected in CORPUS})
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
