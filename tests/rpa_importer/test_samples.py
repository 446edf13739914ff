"""Every shared sample sheet through `import_cases --dry-run --json`, against its expected.json."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from .helpers import SAMPLES, run_dry

ROOT = Path(__file__).resolve().parents[2]
SAMPLE_FILES = sorted(p.name[: -len(".expected.json")] for p in SAMPLES.glob("*.expected.json"))
ROW_KEYS = {
    "valid": [
        "row",
        "status",
        "name",
        "phone",
        "result",
        "test_date",
        "quarantine_start",
        "quarantine_end",
    ],
    "rejected": ["row", "status", "errors"],
    "duplicate": ["row", "status", "duplicate_of"],
}
REFUSAL_CODES = {"empty": "empty", "no case-sheet header": "no_header"}


def test_every_sample_has_an_expectation():
    assert len(SAMPLE_FILES) >= 10
    assert "large-50k.xlsx" in SAMPLE_FILES


@pytest.mark.parametrize("name", SAMPLE_FILES)
def test_sample_dry_run_matches_expected_json(name):
    expected = json.loads((SAMPLES / f"{name}.expected.json").read_text(encoding="utf-8"))
    status, out, err = run_dry(SAMPLES / name)
    if expected["outcome"] == "error":
        assert status == 2
        assert out == ""
        assert len(err.strip().splitlines()) == 1
        return
    assert status == 0, err
    payload = json.loads(out)
    assert list(payload) == ["file", "sheet", "header_row", "rows", "summary"]
    assert payload["file"] == expected["file"]
    assert payload["sheet"] == expected["sheet"]
    assert payload["header_row"] == expected["header_row"]
    got = {str(row["row"]): row for row in payload["rows"]}
    assert set(got) == set(expected["rows"])  # blank and totals rows are not data rows
    for number, want in expected["rows"].items():
        row = got[number]
        assert list(row) == ROW_KEYS[row["status"]]
        assert row["status"] == want["status"], number
        if want["status"] == "valid":
            assert row["phone"] == want["phone"], number
            assert row["result"] == want["result"], number
        elif want["status"] == "rejected":
            assert row["errors"][0]["field"] == want["field"], number
            for error in row["errors"]:
                assert list(error) == ["field", "code", "message"]
                assert error["message"]
        else:
            assert row["duplicate_of"] == want["duplicate_of"], number
    summary = payload["summary"]
    assert list(summary) == ["rows", "valid", "rejected", "duplicate"]
    assert summary["rows"] == len(expected["rows"])
    for status_name in ("valid", "rejected", "duplicate"):
        assert summary[status_name] == sum(
            1 for row in expected["rows"].values() if row["status"] == status_name
        )


@pytest.mark.parametrize("name", [n for n in SAMPLE_FILES if n != "large-50k.xlsx"])
def test_sample_refusal_codes_match_expected_why(name):
    from rpa.importer import SheetRefused, read_sheet

    expected = json.loads((SAMPLES / f"{name}.expected.json").read_text(encoding="utf-8"))
    if expected["outcome"] == "ok":
        assert read_sheet(SAMPLES / name, name).summary["rows"] == len(expected["rows"])
        return
    with pytest.raises(SheetRefused) as refused:
        read_sheet(SAMPLES / name, name)
    assert refused.value.code == REFUSAL_CODES[expected["why"]]


def _cli(*args):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"}
    return subprocess.run(
        [sys.executable, "manage.py", "import_cases", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_command_line_prints_one_json_object_for_a_sample():
    done = _cli(str(SAMPLES / "title-rows.xlsx"), "--dry-run", "--json")
    assert done.returncode == 0, done.stderr
    payload = json.loads(done.stdout)
    assert payload["rows"][0] == {
        "row": 4,
        "status": "valid",
        "name": "송정우",
        "phone": "01078843973",
        "result": "negative",
        "test_date": "2021-08-02",
        "quarantine_start": None,
        "quarantine_end": None,
    }


def test_command_line_refusal_exits_2_with_one_korean_line_and_no_stdout():
    done = _cli(str(SAMPLES / "wrong-columns.xlsx"), "--dry-run", "--json")
    assert done.returncode == 2
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "성명" in lines[0] and "휴대전화" in lines[0]
    assert any(
        "\uac00" <= ch <= "\ud7a3" for ch in lines[0].replace("성명", "").replace("휴대전화", "")
    )
