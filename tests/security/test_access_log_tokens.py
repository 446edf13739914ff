"""The secret in a self-check link or a calendar-feed address never reaches a log: not
gunicorn's access log (request line and Referer), not its error log, not Django's own
"Not Found" lines. Whoever reads the logs cannot answer a resident's self-check or read
someone's calendar."""

import datetime
import http.client
import os
import subprocess
import sys
import time

import pytest
from django.db import connection
from django.utils import timezone

from accounts import roles
from rpa import services as rpa_services
from tests.conftest import ROOT, free_port
from tests.factories import UserFactory
from tests.rpa.factories import quarantine_row, sheet, upload_sheet
from tests.security.production import manage, production_env
from worktime import feed as worktime_feed

FORGED = "7.20991231:forgedsignaturevalue"


class Gunicorn:
    """The portal under gunicorn as `make run` and the image start it, logging to files."""

    def __init__(self, workdir):
        self.port = free_port()
        self.access_log = workdir / "access.log"
        self.error_log = workdir / "error.log"
        self.output = workdir / "output.log"
        env = {
            **os.environ,
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{connection.settings_dict['NAME']}",
            "DJANGO_LOCAL_HTTP": "1",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        }
        with open(self.output, "wb") as output:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "-c",
                    "config/gunicorn.py",
                    "config.wsgi",
                    "--bind",
                    f"127.0.0.1:{self.port}",
                    "--workers",
                    "1",
                    "--access-logfile",
                    str(self.access_log),
                    "--error-logfile",
                    str(self.error_log),
                ],
                cwd=ROOT,
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 60
        while self.get("/healthz") != 200:
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"gunicorn did not start: {self.logs()[-2000:]}")
            time.sleep(0.2)

    def get(self, path: str, **headers: str) -> int | None:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request("GET", path, headers={"Host": "127.0.0.1", **headers})
            response = conn.getresponse()
            response.read()
            return response.status
        except OSError:
            return None
        finally:
            conn.close()

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)

    def logs(self) -> str:
        return "".join(
            path.read_text()
            for path in (self.access_log, self.error_log, self.output)
            if path.exists()
        )


@pytest.fixture
def gunicorn(transactional_db, tmp_path):
    server = Gunicorn(tmp_path)
    yield server
    if server.process.poll() is None:
        server.stop()


def test_self_check_and_calendar_tokens_stay_out_of_gunicorn_and_django_logs(gunicorn):
    today = timezone.localdate()
    health = UserFactory(role=roles.HEALTH)
    upload = upload_sheet(
        health, sheet([quarantine_row(1, start=today, end=today + datetime.timedelta(days=7))])
    )
    selfcheck = rpa_services.selfcheck_token(upload.recipients.get())
    feed = worktime_feed.calendar_feed_for(UserFactory(role=roles.STAFF)).token
    page = f"http://127.0.0.1:{gunicorn.port}/s/{selfcheck}/"

    assert gunicorn.get(f"/s/{selfcheck}/") == 200
    # The done page is reached from the form, so its request names the form's address.
    assert gunicorn.get(f"/s/{selfcheck}/done/", Referer=page) == 200
    assert gunicorn.get(f"/s/{FORGED}/") == 404  # Django logs "Not Found: <path>"
    assert gunicorn.get(f"/worktime/calendar/{feed}.ics") == 200
    assert gunicorn.get(f"/worktime/calendar/{feed}") == 404
    gunicorn.stop()

    access = gunicorn.access_log.read_text()
    assert access.count('"GET /s/[redacted]/ HTTP/1.1" 200') == 1
    assert access.count('"GET /worktime/calendar/[redacted] HTTP/1.1"') == 2
    logs = gunicorn.logs()
    assert "Not Found: /s/[redacted]/" in logs
    for secret in (selfcheck, selfcheck.split(":")[-1], FORGED, feed):
        assert secret not in logs


def test_django_logs_a_not_found_self_check_link_once_and_redacted_with_debug_on():
    # With debug on, Django's default handlers would print the line a second time, as it is.
    request = f"from django.test import Client; Client().get('/s/{FORGED}/')"
    env = production_env(DJANGO_DEBUG="1", DJANGO_ALLOWED_HOSTS="testserver")
    result = manage("shell", "-c", request, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stderr.count("Not Found: /s/[redacted]/") == 1
    assert FORGED.split(":")[-1] not in result.stdout + result.stderr
