"""Korean is the default language: every string in the code has a Korean translation."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# The script, not `python -m django`: an app's selectors.py must not shadow the standard library.
DJANGO_ADMIN = str(Path(sys.executable).with_name("django-admin"))
APPS = ["accounts", "approvals", "smartcenters", "worktime", "rpa"]
ENTRY = re.compile(
    r'((?:#.*\n)*)msgid ((?:".*"\n)+)(?:msgid_plural (?:".*"\n)+)?((?:msgstr(?:\[\d\])? (?:".*"\n)+)+)',
    re.M,
)
# A flags line such as "#, fuzzy, python-format": makemessages' guess, not a translation.
FUZZY = re.compile(r"^#,.*\bfuzzy\b", re.M)


def untranslated(po_text: str) -> list[str]:
    missing = []
    for comments, msgid, msgstrs in ENTRY.findall(po_text + "\n"):
        text = "".join(re.findall(r'"(.*)"', msgid))
        if not text:
            continue  # the header
        values = re.findall(r'msgstr(?:\[\d\])? ((?:".*"\n?)+)', msgstrs)
        if FUZZY.search(comments) or any(not "".join(re.findall(r'"(.*)"', v)) for v in values):
            missing.append(text)
    return missing


def extract(source: Path, workdir: Path) -> str:
    """Run makemessages on a copy of `source`, so new strings show up without touching the tree."""
    copy = workdir / source.name
    shutil.copytree(
        source, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo", "migrations")
    )
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="config.settings", PYTHONPATH=str(ROOT))
    subprocess.run(
        [DJANGO_ADMIN, "makemessages", "-l", "ko", "--no-obsolete", "--verbosity", "0"],
        cwd=copy,
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )
    return (copy / "locale/ko/LC_MESSAGES/django.po").read_text(encoding="utf-8")


@pytest.mark.parametrize("app", [a for a in APPS if a != "accounts"])
def test_every_string_of_the_app_has_a_korean_translation(app, tmp_path):
    assert untranslated(extract(ROOT / app, tmp_path)) == []


def test_every_string_of_the_shared_pieces_and_accounts_has_a_korean_translation(tmp_path):
    project = tmp_path / "project"
    project.mkdir()
    for part in ("accounts", "config", "core", "templates", "locale"):
        shutil.copytree(
            ROOT / part,
            project / part,
            ignore=shutil.ignore_patterns("__pycache__", "*.mo", "migrations"),
        )
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="config.settings", PYTHONPATH=str(ROOT))
    subprocess.run(
        [DJANGO_ADMIN, "makemessages", "-l", "ko", "--no-obsolete", "--verbosity", "0"],
        cwd=project,
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )
    assert (
        untranslated((project / "locale/ko/LC_MESSAGES/django.po").read_text(encoding="utf-8"))
        == []
    )
