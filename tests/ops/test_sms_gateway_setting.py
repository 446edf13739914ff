"""With the simulator as provider, a process with no usable simulator address refuses to start
instead of failing every send."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _start(gateway: str) -> subprocess.CompletedProcess:
    """Load the settings as gunicorn, Celery and manage.py do, with this SMS_GATEWAY_URL."""
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "SMS_PROVIDER": "simulator",
            "SMS_GATEWAY_URL": gateway,
        },
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize("gateway", ["", "sms-gateway.internal"])
def test_unusable_sms_gateway_url_refuses_to_start_with_a_sentence(gateway):
    result = _start(gateway)
    assert result.returncode != 0
    last = result.stderr.strip().splitlines()[-1]
    assert "SMS_GATEWAY_URL is" in last
    assert "set it to the simulator's http(s) address" in last


def test_an_https_sms_gateway_url_starts():
    result = _start("https://sms-gateway.internal")
    assert result.returncode == 0, result.stderr
