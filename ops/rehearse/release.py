"""The rehearsal's release: the code beside a virtual environment the app user can run.

A server holds the portal as root-owned files its app user reads; the checkout and its
virtual environment may live where that user cannot (root's home, a Python under it), so the
rehearsal copies the code and installs, on the machine's own Python 3.11, exactly the versions
the suite tested.
"""

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

COPY_IGNORE = shutil.ignore_patterns(
    ".git", ".venv", "var", "media", "test-artifacts", "__pycache__", ".*_cache", "*.pyc"
)
NEEDED = ("staticfiles/staticfiles.json", "locale/ko/LC_MESSAGES/django.mo")


class RehearsalError(Exception):
    """A step of the rehearsal could not be done; the message says what to fix, in one sentence."""


def tail(path: Path, lines: int = 20) -> str:
    if not path.exists():
        return ""
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def build(*, source: Path, target: Path, venv: Path, log: Path, app_user: str, run_as: dict):
    shutil.copytree(source, target, ignore=COPY_IGNORE, symlinks=True)
    for needed in NEEDED:
        if not (target / needed).exists():
            raise RehearsalError(f"{needed} is missing: run `make messages static` first.")
    python = _interpreter(app_user, run_as)
    subprocess.run([python, "-m", "venv", str(venv)], check=True)
    dependencies = tomllib.loads((source / "pyproject.toml").read_text())["project"]
    constraints = venv / "tested-versions.txt"
    constraints.write_text(_tested_versions(source))
    install = "-m pip install --quiet --disable-pip-version-check --no-input --constraint"
    with log.open("w") as out:
        pip = subprocess.run(
            [str(venv / "bin" / "python"), *install.split(), str(constraints)]
            + dependencies["dependencies"],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    if pip.returncode != 0:
        raise RehearsalError(f"pip could not install the release's packages:\n{tail(log)}")
    make_readable(target)
    make_readable(venv)


def make_readable(path: Path) -> None:
    """Others may read every file and enter every folder (a release owned by root)."""
    for folder, _dirs, files in os.walk(path):
        os.chmod(folder, 0o755)
        for name in files:
            file = Path(folder) / name
            if not file.is_symlink():
                file.chmod(file.stat().st_mode | 0o444)


def _interpreter(app_user: str, run_as: dict) -> str:
    """A Python 3.11 with venv the app user can run: the system's, else the checkout's own."""
    probe = "import sys, ensurepip; sys.exit(sys.version_info[:2] != (3, 11))"
    for candidate in ("/usr/bin/python3.11", "/usr/bin/python3", sys._base_executable):
        if os.path.exists(candidate):
            ran = subprocess.run([candidate, "-c", probe], capture_output=True, cwd="/", **run_as)
            if ran.returncode == 0:
                return candidate
    raise RehearsalError(
        f"No Python 3.11 with venv that {app_user} may run: install python3.11-venv (Debian) "
        "or a Python 3.11 outside root's home."
    )


def _tested_versions(source: Path) -> str:
    """The checkout's installed versions, so the release runs what the suite tested."""
    freeze = subprocess.run(
        [str(source / ".venv" / "bin" / "python"), "-m", "pip", "freeze", "--exclude-editable"],
        capture_output=True,
        text=True,
        check=True,
    )
    return "\n".join(line for line in freeze.stdout.splitlines() if "==" in line) + "\n"
