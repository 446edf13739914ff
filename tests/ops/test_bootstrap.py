"""`ops/bootstrap.sh` run by someone who cannot install: one sentence naming the command that can."""

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# What the script calls besides the packages it looks for; chromium is left out on purpose.
TOOLS = ["bash", "id", "grep", "sed", "seq", "sleep", "ls", "sort", "tail", "fc-list", "msgfmt"]
TOOLS += ["pg_isready", "pg_dump", "redis-cli"]


def _without_chromium(folder: Path) -> Path:
    bin_dir = folder / "bin"
    bin_dir.mkdir()
    for tool in TOOLS:
        found = shutil.which(tool)
        if found:
            (bin_dir / tool).symlink_to(found)
    (bin_dir / "python3").symlink_to("/usr/bin/python3")
    for readable in (folder, bin_dir):
        readable.chmod(0o755)
    return bin_dir


@pytest.mark.skipif(os.geteuid() == 0 and not shutil.which("runuser"), reason="needs runuser")
def test_bootstrap_without_root_names_the_command_to_run():
    # Not pytest's tmp_path: its parent is private to root, and the script runs as nobody.
    with tempfile.TemporaryDirectory() as folder:
        result = _bootstrap_as_someone_else(_without_chromium(Path(folder)))
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "chromium" in lines[0]
    assert "run `sudo ops/bootstrap.sh` once" in lines[0]
    assert result.stdout == ""


def _bootstrap_as_someone_else(bin_dir: Path) -> subprocess.CompletedProcess:
    as_someone_else = ["runuser", "-u", "nobody", "--"] if os.geteuid() == 0 else []
    # The script comes on standard input: the checkout may be where that user cannot read.
    with (ROOT / "ops" / "bootstrap.sh").open() as script:
        return subprocess.run(
            [*as_someone_else, "env", f"PATH={bin_dir}", "bash", "-s"],
            stdin=script,
            cwd="/",
            capture_output=True,
            text=True,
            timeout=60,
        )
