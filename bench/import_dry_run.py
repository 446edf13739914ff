"""Benchmark: the case-sheet dry run against only reading the cells, in the same run.

    .venv/bin/python bench/import_dry_run.py [--repeat 5] [--file PATH]

Times, several times each, in one process:
  - calamine: only reading every cell of large-50k.xlsx with python-calamine (the fastest
    xlsx reader on PyPI) — the floor;
  - openpyxl: the same with openpyxl read_only (for reference);
  - dry run: `import_cases PATH --dry-run --json` in-process (read_sheet + JSON printed to a
    null stream), and read_sheet alone;
then the ratio dry run / calamine, and how the dry run grows from 500 to 5,000 to 50,000 rows
(smaller sheets are sliced from the large one into temporary files).
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import statistics
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

import python_calamine  # noqa: E402
from benchlib import cpu_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from openpyxl import Workbook, load_workbook  # noqa: E402

from rpa.importer import read_sheet  # noqa: E402

# The shared samples sit beside the checkout (CASE_SHEETS_DIR overrides).
DEFAULT_FILE = (
    Path(
        os.environ.get("CASE_SHEETS_DIR")
        or Path(__file__).resolve().parents[2] / "shared/data/case-sheets"
    )
    / "large-50k.xlsx"
)


def read_calamine(path: Path) -> int:
    workbook = python_calamine.CalamineWorkbook.from_path(str(path))
    cells = 0
    for name in workbook.sheet_names:
        for row in workbook.get_sheet_by_name(name).iter_rows():
            cells += len(row)
    return cells


def read_openpyxl(path: Path) -> int:
    workbook = load_workbook(path, read_only=True, data_only=True)
    cells = 0
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows(values_only=True):
            cells += len(row)
    workbook.close()
    return cells


class _Null(io.TextIOBase):
    def write(self, text):
        return len(text)


def dry_run_command(path: Path) -> None:
    call_command("import_cases", str(path), "--dry-run", "--json", stdout=_Null(), stderr=_Null())


def dry_run_function(path: Path) -> None:
    read_sheet(path, path.name)


def timed(function, path: Path, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function(path)
        times.append(time.perf_counter() - started)
    return times


def sliced_copy(source: Path, rows: int, directory: Path) -> Path:
    """The first `rows` data rows of the sheet (plus its header) as a new xlsx."""
    target = directory / f"slice-{rows}.xlsx"
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("명단")
    reader = python_calamine.CalamineWorkbook.from_path(str(source))
    for index, row in enumerate(reader.get_sheet_by_index(0).iter_rows()):
        if index > rows:
            break
        sheet.append(row)
    workbook.save(target)
    return target


def summary(times: list[float]) -> str:
    return f"median {statistics.median(times):.3f} s  (min {min(times):.3f}, max {max(times):.3f}, n={len(times)})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file", type=Path, default=DEFAULT_FILE)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    path: Path = args.file

    print(f"machine: {os.cpu_count()} CPUs, {cpu_model()}, Python {platform.python_version()}")
    print(f"file: {path.name} ({path.stat().st_size / 1e6:.1f} MB)")
    print(
        f"python-calamine {metadata.version('python-calamine')}, openpyxl {metadata.version('openpyxl')}"
    )

    dry_run_command(path)  # warm up imports, translations and caches once
    read_calamine(path)
    calamine, command, function = [], [], []
    for _ in range(args.repeat):  # interleaved, so background load hits all alike
        calamine += timed(read_calamine, path, 1)
        command += timed(dry_run_command, path, 1)
        function += timed(dry_run_function, path, 1)
    openpyxl_times = timed(read_openpyxl, path, max(1, args.repeat // 2))

    print(f"read cells, python-calamine : {summary(calamine)}")
    print(f"read cells, openpyxl r/o    : {summary(openpyxl_times)}")
    print(f"read_sheet()                : {summary(function)}")
    print(f"import_cases --dry-run --json: {summary(command)}")
    floor = statistics.median(calamine)
    print(
        f"ratio dry run / calamine     : {statistics.median(command) / floor:.2f}x "
        f"(read_sheet alone {statistics.median(function) / floor:.2f}x; target < 5x and < 5 s)"
    )

    print("growth (import_cases --dry-run --json, median):")
    with tempfile.TemporaryDirectory() as directory:
        previous = None
        for rows in (500, 5_000, 50_000):
            target = path if rows == 50_000 else sliced_copy(path, rows, Path(directory))
            times = timed(dry_run_command, target, args.repeat)
            median = statistics.median(times)
            step = f"  x{median / previous:.1f} for 10x rows" if previous else ""
            print(f"  {rows:>6} rows: {median:.3f} s  ({median / rows * 1e6:.1f} µs/row){step}")
            previous = median


if __name__ == "__main__":
    main()
