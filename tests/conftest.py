"""Shared fixtures: people in each role, OTP-verified clients, a real Celery worker, a browser."""

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import DatabaseError, connection
from django.test import TransactionTestCase
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import roles
from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"


def _flush_gives_way_last(original):
    """A transactional test ends by emptying every table (one TRUNCATE). A Celery worker may
    still be finishing a task of that test then, holding one table while it wants another the
    TRUNCATE already holds: a deadlock, in which PostgreSQL aborts whichever session checks
    first. The flush waits longer before checking, so the leftover task gives way, not the
    next test's clean database."""

    def teardown(self):
        try:
            with connection.cursor() as cursor:
                cursor.execute("SET deadlock_timeout = '10s'")  # a superuser's setting
        except DatabaseError:
            original(self)  # a database user without the right: the usual flush
            return
        try:
            original(self)
        finally:
            with connection.cursor() as cursor:
                cursor.execute("RESET deadlock_timeout")

    return teardown


TransactionTestCase._fixture_teardown = _flush_gives_way_last(TransactionTestCase._fixture_teardown)


@pytest.fixture(autouse=True)
def _plain_http_and_fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.SECURE_SSL_REDIRECT = False
    settings.CELERY_TASK_ALWAYS_EAGER = False
    # The live server serves static files from the apps' folders, under their plain names.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def totp_code(device: TOTPDevice, offset_steps: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + offset_steps * device.step
    return f"{totp.token():0{device.digits}d}"


def enrol_totp(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="phone", confirmed=True)


@pytest.fixture
def staff_user(db):
    return UserFactory(role=roles.STAFF)


@pytest.fixture
def manager_user(db):
    user = UserFactory(role=roles.MANAGER, position__name="팀장", position__rank=2)
    enrol_totp(user)
    return user


@pytest.fixture
def health_user(db):
    user = UserFactory(role=roles.HEALTH)
    enrol_totp(user)
    return user


@pytest.fixture
def admin_user(db):
    user = UserFactory(role=roles.ADMIN, is_staff=True, is_superuser=True)
    enrol_totp(user)
    return user


def verified_client(client, user):
    """A test client signed in as `user` with the OTP step done, as after a real sign-in."""
    from django_otp import DEVICE_ID_SESSION_KEY

    client.force_login(user)
    device = user.totpdevice_set.filter(confirmed=True).first()
    if device is not None:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


@pytest.fixture
def client_for(client):
    """`client_for(user)`: a client signed in as user, OTP-verified where the role needs it."""

    def make(user):
        return verified_client(client, user)

    return make


def worker_command(hostname: str, concurrency: int = 2) -> list[str]:
    """The command line of a real Celery worker for tests: quiet, no gossip, named `hostname`."""
    return [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "config",
        "worker",
        "--pool=prefork",
        f"--concurrency={concurrency}",
        "--loglevel=WARNING",
        "--without-heartbeat",
        "--without-mingle",
        "--without-gossip",
        "-n",
        hostname,
    ]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


SESSION_WORKER = f"test-{os.getpid()}@localhost"
_session_worker_started: list[str] = []


@pytest.fixture
def session_worker_paused():
    """The session's Celery worker, if one runs, takes no task during this test: what the test
    sends, it sends in its own process, and nothing races it with other settings."""
    from config.celery import app

    paused = list(_session_worker_started)
    for name in paused:
        app.control.cancel_consumer("celery", destination=[name], reply=True, timeout=5)
    yield
    for name in paused:
        app.control.add_consumer("celery", destination=[name], reply=True, timeout=5)


@pytest.fixture(scope="session")
def celery_worker(django_db_setup, django_db_blocker):
    """A real `celery -A config worker` against the test database and the test Redis database."""
    from config.celery import app

    db_name = connection.settings_dict["NAME"]
    env = dict(os.environ)
    env["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{db_name}"
    env["DJANGO_LOCAL_HTTP"] = "1"
    app.connection_for_write().default_channel.client.flushdb()
    hostname = SESSION_WORKER
    process = subprocess.Popen(worker_command(hostname), cwd=ROOT, env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        replies = app.control.ping(destination=[hostname], timeout=0.5)
        if replies:
            break
        if process.poll() is not None:
            raise RuntimeError("the Celery worker exited while starting")
    else:
        process.kill()
        raise RuntimeError("the Celery worker did not answer within 60 s")
    _session_worker_started.append(hostname)
    yield process
    _session_worker_started.clear()
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


def wait_for(predicate, timeout: float = 20.0, interval: float = 0.1, what: str = "condition"):
    """Poll until predicate() is truthy; return its value or fail with the timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"{what} not met within {timeout} s")


CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(
            "Debian's chromium is not installed: run `sudo ops/bootstrap.sh` (make test does as root)."
        )
    from playwright.sync_api import sync_playwright

    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def phone_page(browser, live_server):
    """A page at a phone's viewport (390×844), Korean first."""
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        locale="ko-KR",
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


@pytest.fixture
def desktop_page(browser, live_server):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ko-KR")
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
