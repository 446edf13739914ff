"""No silent simulator in production, and no sending towards a provider that is not set."""

import os
import subprocess
import sys

from django.core import checks

from tests.conftest import ROOT


def deploy_errors(settings) -> list[str]:
    return [
        m.id for m in checks.run_checks(include_deployment_checks=True) if m.id.startswith("rpa.")
    ]


def test_the_simulator_as_provider_is_an_error_in_check_deploy_with_debug_off(settings):
    settings.DEBUG = False
    settings.SMS_PROVIDER = "simulator"

    assert "rpa.E002" in deploy_errors(settings)


def test_a_real_provider_passes_check_deploy(settings):
    settings.DEBUG = False
    settings.SMS_PROVIDER = "sens"
    settings.SENS_SERVICE_ID = "ncp:sms:kr:1:x"
    settings.SENS_ACCESS_KEY = "a"
    settings.SENS_SECRET_KEY = "s"

    assert deploy_errors(settings) == []


def test_a_provider_without_its_keys_is_an_error_naming_them(settings):
    settings.SMS_PROVIDER = "nhn"
    settings.NHN_SMS_APP_KEY = ""

    errors = [m for m in checks.run_checks() if m.id == "rpa.E001"]

    assert errors and "NHN_SMS_APP_KEY" in errors[0].msg


def check_with_provider(name: str) -> subprocess.CompletedProcess:
    """`manage.py check` in a process started with SMS_PROVIDER set to `name`."""
    env = {**os.environ, "SMS_PROVIDER": name, "DJANGO_SECURE_SSL_REDIRECT": "0"}
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_an_unknown_provider_refuses_to_start_with_one_sentence():
    run = check_with_provider("kakao")

    assert run.returncode != 0
    last_line = run.stderr.strip().splitlines()[-1]
    assert last_line.endswith(
        "SMS_PROVIDER is 'kakao': set it to one of simulator, sens, nhn "
        "(the provider that carries the texts)."
    )


def test_an_empty_provider_refuses_to_start():
    run = check_with_provider(" ")

    assert run.returncode != 0
    assert "SMS_PROVIDER is '': set it to one of" in run.stderr
