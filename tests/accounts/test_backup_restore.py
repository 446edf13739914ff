"""A database dump restores into a new database with every row."""

import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db(transaction=True)
def test_backup_restores_into_a_new_database_with_identical_counts(tmp_path):
    call_command("seed_demo")
    settings = connection.settings_dict
    url = f"postgres://{settings['USER']}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}/{settings['NAME']}"
    dump = tmp_path / "flexwork.dump"
    subprocess.run(
        [ROOT / "ops/backup.sh", url, dump], check=True, capture_output=True, timeout=120
    )
    result = subprocess.run(
        [ROOT / "ops/restore-check.sh", dump, url, f"{settings['NAME']}_restored"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "identical row counts" in result.stdout
