"""Hostile case sheets are refused before a reader allocates for them, on every way in.

Each file is read by `import_cases --dry-run` and posted to the upload page, each in its own
process under an address-space limit: a reader that asks for gigabytes ends that process (a
failed test), not the test run. A refused file exits with status 2 and one sentence, the page
shows the same sentence, and nothing is stored.
"""

import json
import os
import resource
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from django.db import connection

from rpa.models import Upload
from tests.samples import SAMPLES

from .hostile_workbooks import CORPUS, write_corpus

ROOT = Path(__file__).resolve().parents[2]
# Django, python-calamine and a 50,000-row sheet fit in this; a grid of the whole sheet not.
MEMORY_LIMIT = 600 * 1024 * 1024
EXPECTED = {name: expected for name, _build, expected in CORPUS}

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return write_corpus(tmp_path_factory.mktemp("hostile"))


def _limit_memory():
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def run_bounded(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        preexec_fn=_limit_memory,
        capture_output=True,
        text=True,
        timeout=300,
    )


def dry_run(path: Path) -> subprocess.CompletedProcess:
    return run_bounded("manage.py", "import_cases", str(path), "--dry-run", "--json")


def upload_page(path: Path, user, private_root: Path) -> subprocess.CompletedProcess:
    env = {
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{connection.settings_dict['NAME']}",
        "RPA_PRIVATE_ROOT": str(private_root),
        "DJANGO_SECURE_SSL_REDIRECT": "0",
    }
    return run_bounded(
        "-m", "tests.security.upload_in_subprocess", user.username, str(path), env=env
    )


def is_korean(text: str) -> bool:
    return any("\uac00" <= ch <= "\ud7a3" for ch in text)


def assert_refused_everywhere(name: str, corpus, health_user, tmp_path) -> None:
    command = dry_run(corpus[name])
    # A reader that ran out of memory ends the process with SIGABRT (-6) or a MemoryError.
    assert command.returncode == 2, f"exit {command.returncode}: {command.stderr[-1500:]}"
    assert command.stdout == ""
    sentence = command.stderr.strip()
    assert "\n" not in sentence and is_korean(sentence)
    assert EXPECTED[name] in sentence

    private_root = tmp_path / "private"
    page = upload_page(corpus[name], health_user, private_root)
    assert page.returncode == 0, f"exit {page.returncode}: {page.stderr[-1500:]}"
    answer = json.loads(page.stdout)
    assert answer == {"status": 400, "errors": [sentence]}  # the one entry point, both ways in
    assert not Upload.objects.exists()
    assert not private_root.exists() or not any(private_root.rglob("*.*"))


def test_far_cell_workbook_is_refused_without_allocating(corpus, health_user, tmp_path):
    assert_refused_everywhere("far-cell.xlsx", corpus, health_user, tmp_path)


def test_dimension_claiming_the_whole_sheet_is_refused(corpus, health_user, tmp_path):
    assert_refused_everywhere("huge-dimension.xlsx", corpus, health_user, tmp_path)


def test_row_of_twenty_thousand_cells_is_refused(corpus, health_user, tmp_path):
    assert_refused_everywhere("wide-row.xlsx", corpus, health_user, tmp_path)


def test_cells_without_references_are_placed_and_refused_like_a_reader_places_them(
    corpus, health_user, tmp_path
):
    assert_refused_everywhere("wide-row-without-references.xlsx", corpus, health_user, tmp_path)


def test_workbook_of_two_thousand_sheets_is_refused(corpus, health_user, tmp_path):
    assert_refused_everywhere("many-sheets.xlsx", corpus, health_user, tmp_path)


def test_huge_shared_strings_table_is_refused(corpus, health_user, tmp_path):
    assert_refused_everywhere("huge-shared-strings.xlsx", corpus, health_user, tmp_path)


def test_long_string_repeated_in_every_cell_is_refused_without_copying_it(
    corpus, health_user, tmp_path
):
    assert_refused_everywhere("repeated-long-string.xlsx", corpus, health_user, tmp_path)


def test_deeply_nested_workbook_xml_is_refused(corpus, health_user, tmp_path):
    assert_refused_everywhere("deep-workbook.xlsx", corpus, health_user, tmp_path)


def test_workbook_with_more_styles_than_excel_allows_is_refused(corpus, health_user, tmp_path):
    assert_refused_everywhere("many-styles.xlsx", corpus, health_user, tmp_path)


def test_zip_bomb_is_refused_within_the_memory_limit(corpus, health_user, tmp_path):
    assert_refused_everywhere("zip-bomb.xlsx", corpus, health_user, tmp_path)


def test_billion_laughs_is_refused_within_the_memory_limit(corpus, health_user, tmp_path):
    assert_refused_everywhere("billion-laughs.xlsx", corpus, health_user, tmp_path)


def test_csv_line_of_fifteen_million_columns_is_refused(corpus, health_user, tmp_path):
    assert_refused_everywhere("comma-flood.csv", corpus, health_user, tmp_path)


def test_csv_longer_than_a_case_sheet_is_refused(corpus, health_user, tmp_path):
    assert_refused_everywhere("tall.csv", corpus, health_user, tmp_path)


def test_html_table_of_spanning_cells_is_refused(corpus, health_user, tmp_path):
    assert_refused_everywhere("colspan-flood.xls", corpus, health_user, tmp_path)


def test_opendocument_row_repeated_a_million_times_is_refused(corpus, health_user, tmp_path):
    assert_refused_everywhere("repeated-rows.ods", corpus, health_user, tmp_path)


def test_opendocument_empty_rows_after_the_list_are_read_as_nothing(corpus):
    command = dry_run(corpus["empty-tail.ods"])
    assert command.returncode == 0, command.stderr[-1500:]
    assert json.loads(command.stdout)["summary"]["rows"] == 1


def test_old_excel_workbook_with_a_far_cell_is_refused(corpus, health_user, tmp_path):
    assert_refused_everywhere("far-cell.xls", corpus, health_user, tmp_path)


def test_old_excel_workbook_repeating_a_long_string_is_refused(corpus, health_user, tmp_path):
    assert_refused_everywhere("repeated-long-string.xls", corpus, health_user, tmp_path)


def test_old_excel_workbook_within_the_limits_is_read(corpus):
    command = dry_run(corpus["normal.xls"])
    assert command.returncode == 0, command.stderr[-1500:]
    assert json.loads(command.stdout)["summary"]["valid"] == 1


def test_deeply_nested_cell_text_is_read_without_recursion(corpus):
    command = dry_run(corpus["deep-sheet.xlsx"])
    assert command.returncode == 0, command.stderr[-1500:]
    assert json.loads(command.stdout)["summary"] == {
        "rows": 1,
        "valid": 1,
        "rejected": 0,
        "duplicate": 0,
    }


@pytest.mark.parametrize("sample", ["standard.xlsx", "large-50k.xlsx", "cp949.csv"])
def test_samples_still_import_within_the_memory_limit(sample):
    command = dry_run(SAMPLES / sample)
    assert command.returncode == 0, command.stderr[-1500:]
    expected = json.loads((SAMPLES / f"{sample}.expected.json").read_text())["rows"]
    summary = json.loads(command.stdout)["summary"]
    assert summary["rows"] == len(expected)
    for status, count in Counter(row["status"] for row in expected.values()).items():
        assert summary[status] == count


def test_sample_uploaded_through_the_page_within_the_memory_limit_is_stored(health_user, tmp_path):
    page = upload_page(SAMPLES / "large-50k.xlsx", health_user, tmp_path / "private")
    assert page.returncode == 0, page.stderr[-1500:]
    assert json.loads(page.stdout) == {"status": 302, "errors": []}
    assert Upload.objects.get().summary["rows"] == 50_000
