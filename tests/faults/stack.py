"""Processes the fault tests start and break: a private Redis, the gateway simulator, Celery.

Everything runs on the test database and on a Redis of its own (a free port), so stopping
that Redis or killing those workers touches nobody else: not the shared Redis on 6379, not
the session's Celery worker. Every process is started in its own session and is ended by
its process group, on success and on failure alike.
"""

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

import pytest
import redis
from django.db import connection

from tests.conftest import free_port, wait_for, worker_command

ROOT = Path(__file__).resolve().parents[2]
PENDING = ("queued", "sending", "unknown")


def stop_process(process: subprocess.Popen | None, sig=signal.SIGTERM, timeout: float = 20):
    """End a process started with start_new_session=True, children included; idempotent."""
    if process is None or process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, sig)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


class RedisServer:
    """`redis-server` on a port of its own, without persistence: a restart starts empty."""

    def __init__(self, port: int, workdir: Path):
        self.port = port
        self.workdir = workdir
        self.url = f"redis://127.0.0.1:{port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
            ],
            stdout=subprocess.DEVNULL,
            start_new_session=True,
        )
        client = redis.Redis(port=self.port, socket_connect_timeout=0.3, socket_timeout=0.3)
        try:
            wait_for(lambda: self._pings(client), timeout=20, interval=0.05, what="redis up")
        except AssertionError:
            self.stop()
            raise

    def _pings(self, client) -> bool:
        if self.process.poll() is not None:
            raise RuntimeError("redis-server exited while starting")
        try:
            return bool(client.ping())
        except redis.RedisError:
            return False

    def stop(self) -> None:
        stop_process(self.process)


class Gateway:
    """The SMS gateway simulator (`manage.py sms_gateway_sim`) and its record of accepted texts."""

    def __init__(self, workdir: Path, *args: str):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.record = workdir / f"gateway-{self.port}.jsonl"
        self.process = subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "sms_gateway_sim",
                "--port",
                str(self.port),
                "--record",
                str(self.record),
                *args,
            ],
            cwd=ROOT,
            env={**os.environ, "DJANGO_LOCAL_HTTP": "1"},
            stdout=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            wait_for(self._listens, timeout=30, interval=0.1, what="simulator up")
        except AssertionError:
            self.stop()
            raise

    def _listens(self) -> bool:
        if self.process.poll() is not None:
            raise RuntimeError("the simulator exited while starting")
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                return True
        except OSError:
            return False

    def lines(self) -> list[dict]:
        if not self.record.exists():
            return []
        return [json.loads(line) for line in self.record.read_text().splitlines() if line]

    def texts_by_phone(self) -> Counter:
        """How many texts each phone number received."""
        return Counter(line["to"] for line in self.lines())

    def texts_by_client_id(self) -> Counter:
        return Counter(line["client_id"] for line in self.lines())

    def stop(self) -> None:
        stop_process(self.process)


class Stack:
    """A private Redis, a simulator, Celery workers and beat on the test database."""

    def __init__(self, workdir: Path, gateway_args: tuple[str, ...] = (), **worker_env: str):
        self.workdir = workdir
        self.redis = RedisServer(free_port(), workdir)
        self.gateway: Gateway | None = None
        self.processes: list[subprocess.Popen] = []
        self.worker_env = worker_env
        self.gateway_args = gateway_args

    def start(self) -> "Stack":
        self.redis.start()
        self.gateway = Gateway(self.workdir, *self.gateway_args)
        return self

    def env(self, **extra: str) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{connection.settings_dict['NAME']}",
            DJANGO_LOCAL_HTTP="1",
            REDIS_URL=self.redis.url,
            CELERY_BROKER_URL=self.redis.url,
            SMS_GATEWAY_URL=self.gateway.url,
            SMS_GATEWAY_TIMEOUT="5",
            RPA_PRIVATE_ROOT=str(self.workdir / "private"),
            RPA_RETRY_BASE_SECONDS="1",
            RPA_STALE_SENDING_SECONDS="3",
            RPA_SEND_BATCH_SIZE="100",
            LOG_LEVEL="WARNING",
        )
        env.update(self.worker_env)
        env.update(extra)
        return env

    def start_worker(self, name: str, concurrency: int = 2) -> subprocess.Popen:
        log = open(self.workdir / f"{name}.log", "ab")  # noqa: SIM115 - closed with the process
        process = subprocess.Popen(
            worker_command(f"{name}@localhost", concurrency),
            cwd=ROOT,
            env=self.env(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        self.processes.append(process)
        return process

    def start_beat(self, interval: float) -> subprocess.Popen:
        """`celery beat` with the rpa sweep and delivery-report entries every `interval` s."""
        log = open(self.workdir / "beat.log", "ab")  # noqa: SIM115 - closed with the process
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "tests.faults.beat_app",
                "beat",
                "--loglevel=INFO",
                "--max-interval=1",
                f"--schedule={self.workdir / 'celerybeat-schedule'}",
            ],
            cwd=ROOT,
            env=self.env(FAULTS_BEAT_INTERVAL=str(interval)),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        self.processes.append(process)
        return process

    def wait_until_worker_answers(self, app, name: str, timeout: float = 60) -> None:
        def answers():
            for process in self.processes:
                if process.poll() is not None and process.returncode not in (0, -9, -15):
                    raise RuntimeError(f"a Celery process exited ({process.returncode})")
            return app.control.ping(destination=[f"{name}@localhost"], timeout=0.5)

        wait_for(answers, timeout=timeout, interval=0.1, what=f"worker {name} answers")

    def stop(self) -> None:
        for process in reversed(self.processes):
            stop_process(process)
        if self.gateway is not None:
            self.gateway.stop()
        self.redis.stop()

    def log_tail(self, name: str, lines: int = 40) -> str:
        path = self.workdir / f"{name}.log"
        if not path.exists():
            return ""
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def point_broker_at(app, url: str) -> None:
    """This process's Celery app publishes to `url` from now on."""
    app.conf.broker_url = url
    app._pool = None
    app.amqp._producer_pool = None


def new_workdir() -> Path:
    return Path(tempfile.mkdtemp(prefix="flexwork-faults-"))


# --- fixtures (imported by the tests that use them) -----------------------------------------


@pytest.fixture
def workdir():
    import shutil

    path = new_workdir()
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def sending_stack(workdir, settings):
    """`sending_stack(*gateway_args, **worker_env)`: Redis, simulator, this process pointed at them.

    Workers and beat are started by the test (`stack.start_worker`, `stack.start_beat`); all
    of it is stopped afterwards, whatever happened, and this process's broker is restored.
    """
    from config.celery import app

    stacks: list[Stack] = []
    original_broker = app.conf.broker_url

    def make(*gateway_args: str, **worker_env: str) -> Stack:
        stack = Stack(workdir, tuple(gateway_args), **worker_env)
        stacks.append(stack)
        stack.start()
        point_broker_at(app, stack.redis.url)
        settings.CELERY_BROKER_URL = stack.redis.url
        settings.SMS_GATEWAY_URL = stack.gateway.url
        settings.SMS_GATEWAY_TIMEOUT = 5
        settings.RPA_PRIVATE_ROOT = workdir / "private"
        settings.RPA_RETRY_BASE_SECONDS = 1
        settings.RPA_STALE_SENDING_SECONDS = 3
        return stack

    try:
        yield make
    finally:
        for stack in stacks:
            stack.stop()
        point_broker_at(app, original_broker)


@pytest.fixture
def templates(db):
    from tests.rpa.factories import make_templates

    return make_templates()
