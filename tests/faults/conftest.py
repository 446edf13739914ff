"""Fixtures of the fault tests: processes they start and break, always cleaned up."""

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
import redis as redis_lib
from django.db import connection

from tests.conftest import free_port, wait_for, worker_command

ROOT = Path(__file__).resolve().parents[2]


def db_url() -> str:
    return f"postgres://postgres@127.0.0.1:5432/{connection.settings_dict['NAME']}"


def point_broker_at(app, url: str) -> None:
    """This process's Celery app publishes to `url` from now on."""
    app.conf.broker_url = url
    app._pool = None
    app.amqp._producer_pool = None


class GatewayRecord:
    def __init__(self, url: str, record: Path):
        self.url = url
        self.record = record

    def lines(self) -> list[dict]:
        if not self.record.exists():
            return []
        return [json.loads(line) for line in self.record.read_text().splitlines() if line]


class Processes:
    """Starts processes in their own sessions and ends every one of them at teardown."""

    def __init__(self, workdir: Path):
        self.workdir = workdir
        self.started: list[subprocess.Popen] = []

    def _spawn(self, args, *, env=None, log: str | None = None) -> subprocess.Popen:
        out = open(self.workdir / f"{log}.log", "ab") if log else None  # noqa: SIM115
        process = subprocess.Popen(
            args,
            cwd=ROOT,
            env=env,
            stdout=out or subprocess.DEVNULL,
            stderr=subprocess.STDOUT if out else None,
            start_new_session=True,
        )
        if out:
            out.close()
        self.started.append(process)
        return process

    def redis(self, port: int) -> subprocess.Popen:
        process = self._spawn(
            ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.workdir)],
            log=f"redis-{port}",
        )  # fmt: skip
        client = redis_lib.Redis(port=port, socket_connect_timeout=0.3, socket_timeout=0.3)

        def pings():
            if process.poll() is not None:
                raise RuntimeError("redis-server exited while starting")
            try:
                return client.ping()
            except redis_lib.RedisError:
                return False

        wait_for(pings, timeout=20, interval=0.05)
        return process

    def simulator(self, port: int, *extra: str) -> GatewayRecord:
        record = self.workdir / f"record-{port}.jsonl"
        process = self._spawn(
            [sys.executable, "manage.py", "sms_gateway_sim", "--port", str(port),
             "--record", str(record), *extra],
            env={**os.environ, "DJANGO_LOCAL_HTTP": "1"},
            log=f"simulator-{port}",
        )  # fmt: skip

        def listens():
            if process.poll() is not None:
                raise RuntimeError("the simulator exited while starting")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    return True
            except OSError:
                return False

        wait_for(listens, timeout=30)
        return GatewayRecord(f"http://127.0.0.1:{port}", record)

    def celery(self, *args: str, env: dict, log: str | None = None) -> subprocess.Popen:
        full_env = {**os.environ, "DJANGO_LOCAL_HTTP": "1", **env}
        return self._spawn(
            [sys.executable, "-m", "celery", "-A", "config", *args], env=full_env, log=log
        )

    def worker(self, name: str, env: dict, concurrency: int = 2) -> subprocess.Popen:
        full_env = {**os.environ, "DJANGO_LOCAL_HTTP": "1", **env}
        return self._spawn(worker_command(name, concurrency), env=full_env, log=name.split("@")[0])

    def log(self, name: str) -> str:
        path = self.workdir / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop(self, process: subprocess.Popen, sig=signal.SIGTERM) -> None:
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, sig)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)

    def stop_all(self) -> None:
        for process in reversed(self.started):
            self.stop(process)


@pytest.fixture
def processes():
    workdir = Path(tempfile.mkdtemp(prefix="flexwork-faults-"))
    started = Processes(workdir)
    try:
        yield started
    finally:
        started.stop_all()
        # Shown by pytest only when the test failed: what each process said at the end.
        for path in sorted(workdir.glob("*.log")):
            print(f"==== {path.name}\n{path.read_text(errors='replace')[-3000:]}")
        shutil.rmtree(workdir, ignore_errors=True)


class Stack:
    """An own Redis, simulator and worker for one test; this process publishes to that Redis."""

    def __init__(self, processes: Processes, settings, simulator_args: tuple[str, ...], **env):
        from config.celery import app

        self.app = app
        self.processes = processes
        self.redis_port = free_port()
        self.broker = f"redis://127.0.0.1:{self.redis_port}/0"
        self.redis = processes.redis(self.redis_port)
        self.gateway = processes.simulator(free_port(), *simulator_args)
        self.env = {
            "DATABASE_URL": db_url(),
            "REDIS_URL": self.broker,
            "CELERY_BROKER_URL": self.broker,
            "SMS_GATEWAY_URL": self.gateway.url,
            "SMS_GATEWAY_TIMEOUT": "5",
            "RPA_SEND_BATCH_SIZE": "50",
            "RPA_STALE_SENDING_SECONDS": "3",
            "RPA_RETRY_BASE_SECONDS": "1",
            "RPA_PRIVATE_ROOT": str(processes.workdir / "private"),
            **{key: str(value) for key, value in env.items()},
        }
        settings.SMS_GATEWAY_URL = self.gateway.url
        settings.SMS_GATEWAY_TIMEOUT = 5
        settings.RPA_PRIVATE_ROOT = Path(self.env["RPA_PRIVATE_ROOT"])
        settings.RPA_STALE_SENDING_SECONDS = int(self.env["RPA_STALE_SENDING_SECONDS"])
        settings.RPA_RETRY_BASE_SECONDS = int(self.env["RPA_RETRY_BASE_SECONDS"])
        settings.RPA_SEND_BATCH_SIZE = int(self.env["RPA_SEND_BATCH_SIZE"])
        settings.CELERY_BROKER_URL = self.broker
        self.original_broker = app.conf.broker_url
        point_broker_at(app, self.broker)

    def worker(self, label: str = "worker", concurrency: int = 2):
        name = f"faults-{label}-{os.getpid()}@localhost"
        process = self.processes.worker(name, self.env, concurrency=concurrency)
        wait_for(lambda: self.app.control.ping(destination=[name], timeout=0.5), timeout=60)
        return process

    def beat(self):
        schedule = self.processes.workdir / "beat-schedule"
        return self.processes.celery(
            "beat", "--loglevel=INFO", f"--schedule={schedule}", env=self.env, log="beat"
        )

    def close(self) -> None:
        point_broker_at(self.app, self.original_broker)


@pytest.fixture
def stack(processes, settings):
    """`stack(*simulator_args, **env)` starts Redis and the simulator; `.worker()`, `.beat()`."""
    made = []

    def make(*simulator_args: str, **env) -> Stack:
        built = Stack(processes, settings, simulator_args, **env)
        made.append(built)
        return built

    try:
        yield make
    finally:
        for built in made:
            built.close()
