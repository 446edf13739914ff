"""Where the shared sample case sheets are: beside the checkout, or where CASE_SHEETS_DIR says."""

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _find() -> Path:
    candidates = [
        os.environ.get("CASE_SHEETS_DIR"),
        ROOT.parent / "shared" / "data" / "case-sheets",
        "/work/shared/data/case-sheets",
    ]
    for candidate in candidates:
        if candidate and Path(candidate).is_dir():
            return Path(candidate)
    raise RuntimeError("sample case sheets not found: set CASE_SHEETS_DIR")


SAMPLES = _find()
