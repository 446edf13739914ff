"""Run manage.py in a fresh process with the environment of a production machine."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_KEY = "x" * 20 + "production-secret-key-with-enough-entropy-0123456789"


def production_env(**overrides: str) -> dict:
    """The test run's environment as production would have it: the real settings module, debug
    off, a real key, HTTPS; none of what the test run adds for itself (plain HTTP on this machine,
    Django's sync calls inside Playwright's loop). `overrides` set or, with None, remove."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DJANGO_ALLOW_ASYNC_UNSAFE", "DJANGO_LOCAL_HTTP", "DJANGO_SECURE_SSL_REDIRECT"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=PRODUCTION_KEY,
        DJANGO_ALLOWED_HOSTS="flexwork.example.go.kr",
        # A real provider with its keys: the simulator is an error with debug off (rpa.E002).
        SMS_PROVIDER="sens",
        SENS_SERVICE_ID="ncp:sms:kr:000000000000:flexwork",
        SENS_ACCESS_KEY="production-access-key",
        SENS_SECRET_KEY="production-secret-key",
    )
    for name, value in overrides.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def manage(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
