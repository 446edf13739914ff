"""The rehearsal's stack: a release the app user can read, a fresh database, and every process.

Everything the application runs (web nodes, workers, beat, the SMS simulator, nginx) runs as an
unprivileged user from a release copied beside a virtual environment of the machine's own
Python, the way a server holds it: the checkout and its virtual environment may live where
that user cannot read (root's home). Each process starts in its own session and is ended by
its process group; `close()` leaves nothing running and nothing on disk.
"""

import contextlib
import os
import pwd
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from string import Template

import release
from release import RehearsalError, tail

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
LOCAL = "127.0.0.1"


def _env_int(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


@dataclass(frozen=True)
class Config:
    """What a rehearsal may be told through REHEARSE_* variables (docs/DEPLOY.md)."""

    app_user: str
    postgres: str
    database: str
    redis_url: str
    https: int
    pin_a: int
    pin_b: int
    http: int
    node_a: int
    node_b: int
    sms: int
    web_workers: int
    worker_concurrency: int

    @classmethod
    def from_environment(cls) -> "Config":
        is_root = os.geteuid() == 0
        return cls(
            app_user=os.environ.get("REHEARSE_APP_USER")
            or ("flexwork" if is_root else pwd.getpwuid(os.geteuid()).pw_name),
            postgres=os.environ.get("REHEARSE_POSTGRES", "postgres://postgres@127.0.0.1:5432"),
            database=os.environ.get("REHEARSE_DATABASE", "flexwork_rehearsal"),
            redis_url=os.environ.get("REHEARSE_REDIS_URL", "redis://127.0.0.1:6379/14"),
            https=_env_int("REHEARSE_HTTPS_PORT", 8443),
            pin_a=_env_int("REHEARSE_HTTPS_PORT", 8443) + 1,
            pin_b=_env_int("REHEARSE_HTTPS_PORT", 8443) + 2,
            http=_env_int("REHEARSE_PORT_BASE", 8480),
            node_a=_env_int("REHEARSE_PORT_BASE", 8480) + 1,
            node_b=_env_int("REHEARSE_PORT_BASE", 8480) + 2,
            sms=_env_int("REHEARSE_PORT_BASE", 8480) + 3,
            web_workers=_env_int("REHEARSE_WEB_WORKERS", 3),
            worker_concurrency=_env_int("REHEARSE_WORKER_CONCURRENCY", 2),
        )

    @property
    def database_url(self) -> str:
        return f"{self.postgres}/{self.database}"

    def ports(self) -> list[int]:
        return [
            self.https,
            self.pin_a,
            self.pin_b,
            self.http,
            self.node_a,
            self.node_b,
            self.sms,
        ]


def port_is_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.3)
        return sock.connect_ex((LOCAL, port)) == 0


def wait_for(condition, *, timeout: float, what: str, interval: float = 0.25) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(interval)
    raise RehearsalError(f"{what} did not happen within {timeout:.0f} s.")


class Stack:
    def __init__(self, config: Config):
        self.config = config
        self.is_root = os.geteuid() == 0
        self.base = Path(tempfile.mkdtemp(prefix="flexwork-rehearsal-"))
        self.base.chmod(0o755)
        self.release = self.base / "release"
        self.venv = self.base / "venv"
        self.run_dir = self.base / "run"
        self.logs = self.base / "logs"
        self.private = self.base / "private"
        self.media = self.base / "media"
        self.sms_record = self.run_dir / "sms-sent.jsonl"
        self.cert = self.run_dir / "tls-cert.pem"
        self.key = self.run_dir / "tls-key.pem"
        self.secret_key = secrets.token_urlsafe(50)
        # The simulator stands in for SENS, with keys of this rehearsal: the portal signs every
        # request as it would for the real provider, and the simulator checks the signatures.
        self.sens_keys = {
            "SENS_SERVICE_ID": f"ncp:sms:kr:000000000000:rehearsal-{secrets.token_hex(4)}",
            "SENS_ACCESS_KEY": secrets.token_urlsafe(20),
            "SENS_SECRET_KEY": secrets.token_urlsafe(40),
        }
        self.processes: dict[str, subprocess.Popen] = {}
        self.user: pwd.struct_passwd | None = None
        self.database_created = False

    # --- the machine ---------------------------------------------------------------------------

    def check_ports_free(self) -> None:
        busy = [port for port in self.config.ports() if port_is_open(port)]
        if busy:
            raise RehearsalError(
                f"Ports {', '.join(map(str, busy))} are taken: stop what listens there or set "
                "REHEARSE_HTTPS_PORT and REHEARSE_PORT_BASE to free ones."
            )

    def ensure_app_user(self) -> None:
        name = self.config.app_user
        try:
            self.user = pwd.getpwnam(name)
        except KeyError:
            if not self.is_root:
                raise RehearsalError(
                    f"There is no user {name}: set REHEARSE_APP_USER to yours, or run as root."
                ) from None
            system_user = "--system --user-group --no-create-home --home-dir /nonexistent"
            subprocess.run(
                ["useradd", *system_user.split(), "--shell", "/usr/sbin/nologin", name], check=True
            )
            self.user = pwd.getpwnam(name)
        if self.is_root and self.user.pw_uid == 0:
            raise RehearsalError("REHEARSE_APP_USER names root: name an unprivileged user.")
        for folder in (self.run_dir, self.logs, self.private, self.media):
            folder.mkdir(mode=0o700 if folder == self.private else 0o755)
            self._own(folder)

    def _own(self, path: Path) -> None:
        if self.is_root:
            os.chown(path, self.user.pw_uid, self.user.pw_gid)

    def _as_app_user(self) -> dict:
        if not self.is_root:
            return {}
        return {"user": self.user.pw_uid, "group": self.user.pw_gid, "extra_groups": []}

    def build_release(self) -> None:
        release.build(
            source=ROOT,
            target=self.release,
            venv=self.venv,
            log=self.logs / "pip.log",
            app_user=self.config.app_user,
            run_as=self._as_app_user(),
        )

    # --- the application's environment -----------------------------------------------------------

    def app_env(self) -> dict[str, str]:
        """Production settings, built from nothing: no variable of the caller's leaks in."""
        c = self.config
        return {
            "PATH": f"{self.venv / 'bin'}:/usr/local/bin:/usr/bin:/bin",
            "HOME": str(self.run_dir),
            "LANG": "C.UTF-8",
            "PYTHONUNBUFFERED": "1",
            "PYTHONDONTWRITEBYTECODE": "1",
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": self.secret_key,
            "DJANGO_ALLOWED_HOSTS": f"{LOCAL},localhost",
            "DJANGO_CSRF_TRUSTED_ORIGINS": f"https://{LOCAL}:{c.https}",
            "DJANGO_SECURE_SSL_REDIRECT": "1",
            "TRUSTED_PROXY_COUNT": "1",
            "DATABASE_URL": c.database_url,
            "REDIS_URL": c.redis_url,
            "SITE_URL": f"https://{LOCAL}:{c.https}",
            "SMS_PROVIDER": "sens",
            "SENS_API_URL": f"http://{LOCAL}:{c.sms}",
            **self.sens_keys,
            "RPA_PRIVATE_ROOT": str(self.private),
            "MEDIA_ROOT": str(self.media),
            "LOG_LEVEL": "INFO",
        }

    def python(self) -> str:
        return str(self.venv / "bin" / "python")

    def app(self, *args: str, timeout: float = 600) -> str:
        """Run a command of the application as the app user; its output, or an error naming it."""
        result = subprocess.run(
            [self.python(), *args],
            cwd=self.release,
            env=self.app_env(),
            capture_output=True,
            text=True,
            timeout=timeout,
            **self._as_app_user(),
        )
        if result.returncode != 0:
            output = "\n".join((result.stdout + result.stderr).strip().splitlines()[-15:])
            raise RehearsalError(f"`{' '.join(args[:3])}` failed:\n{output}")
        return result.stdout

    def manage(self, *args: str, timeout: float = 600) -> str:
        return self.app("manage.py", *args, timeout=timeout)

    # --- database and Redis --------------------------------------------------------------------

    def create_database(self) -> None:
        name = self.config.database
        self._psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"')
        self.database_created = True
        self._flush_redis()

    def drop_database(self) -> None:
        if self.database_created:
            # With the drill's copy, which restore-check.sh keeps when the counts differ.
            self._psql(
                f'DROP DATABASE IF EXISTS "{self.config.database}" WITH (FORCE)',
                f'DROP DATABASE IF EXISTS "{self.restore_database}" WITH (FORCE)',
            )
            self.database_created = False
        self._flush_redis()

    @property
    def restore_database(self) -> str:
        return f"{self.config.database}_restore"

    def _psql(self, *statements: str) -> None:
        command = ["psql", "-q", "-v", "ON_ERROR_STOP=1", f"{self.config.postgres}/postgres"]
        for statement in statements:
            command += ["-c", statement]
        result = subprocess.run(command, capture_output=True, text=True)
        if result.returncode != 0:
            raise RehearsalError(
                f"PostgreSQL at {self.config.postgres} refused {statements[0]!r}: "
                f"{result.stderr.strip()}"
            )

    def _flush_redis(self) -> None:
        subprocess.run(
            ["redis-cli", "-u", self.config.redis_url, "flushdb"], capture_output=True, check=True
        )

    # --- TLS and nginx -------------------------------------------------------------------------

    def make_certificate(self) -> None:
        """A throwaway certificate for 127.0.0.1, which the checks trust as their only CA."""
        request = "req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1"
        subprocess.run(
            ["openssl", *request.split(), "-subj", f"/CN={LOCAL}"]
            + ["-addext", f"subjectAltName=IP:{LOCAL}", "-keyout", str(self.key)]
            + ["-out", str(self.cert)],
            capture_output=True,
            check=True,
        )
        self.key.chmod(0o600)
        self._own(self.key)
        self._own(self.cert)

    def write_nginx_config(self) -> Path:
        c = self.config
        values = {
            "FLEXWORK_UPSTREAM": f"server {LOCAL}:{c.node_a}; server {LOCAL}:{c.node_b};",
            "FLEXWORK_HTTP_LISTEN": f"{LOCAL}:{c.http}",
            "FLEXWORK_HTTPS_LISTEN": f"{LOCAL}:{c.https}",
            "FLEXWORK_HTTPS_PORT": str(c.https),
            "FLEXWORK_TLS_CERT": str(self.cert),
            "FLEXWORK_TLS_KEY": str(self.key),
            "FLEXWORK_PROXY_CONF": str(self.release / "ops" / "nginx" / "flexwork-proxy.conf"),
            "RUN": str(self.run_dir),
            "LOGS": str(self.logs),
            "NODE_A": f"{LOCAL}:{c.node_a}",
            "NODE_B": f"{LOCAL}:{c.node_b}",
            "PIN_A_LISTEN": f"{LOCAL}:{c.pin_a}",
            "PIN_B_LISTEN": f"{LOCAL}:{c.pin_b}",
        }
        # Only our ${NAME}s are replaced; nginx's own $variables stay as they are.
        shared = Template((ROOT / "ops" / "nginx" / "flexwork.conf.template").read_text())
        (self.run_dir / "flexwork.conf").write_text(shared.safe_substitute(values))
        main = Template((HERE / "nginx.conf.template").read_text())
        config = self.run_dir / "nginx.conf"
        config.write_text(main.safe_substitute(values))
        return config

    def nginx_command(self, config: Path, *extra: str) -> list[str]:
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        return [nginx, "-p", str(self.run_dir), "-c", str(config), "-e", "stderr", *extra]

    # --- processes -----------------------------------------------------------------------------

    def start(self, name: str, command: list[str], *, app: bool = True) -> None:
        log = (self.logs / f"{name}.log").open("ab")
        self.processes[name] = subprocess.Popen(
            command,
            cwd=self.release,
            env=self.app_env() if app else {"PATH": "/usr/sbin:/usr/bin:/bin"},
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            **self._as_app_user(),
        )
        log.close()

    def start_all(self) -> None:
        c, py = self.config, self.python()
        sim = f"manage.py sms_gateway_sim --provider sens --port {c.sms} --record".split()
        self.start("sms-gateway", [py, *sim, str(self.sms_record)])
        for node, port in (("a", c.node_a), ("b", c.node_b)):
            web = f"-m gunicorn -c config/gunicorn.py config.wsgi --bind {LOCAL}:{port}"
            web += f" --workers {c.web_workers} --name flexwork-web-{node}"
            self.start(f"web-{node}", [py, *web.split()])
            worker = f"-m celery -A config worker --hostname {self.worker_name(node)}"
            worker += f" --concurrency {c.worker_concurrency} --loglevel INFO"
            self.start(f"worker-{node}", [py, *worker.split()])
        beat = ["-m", "celery", "-A", "config", "beat", "--loglevel", "INFO", "--schedule"]
        self.start("beat", [py, *beat, str(self.run_dir / "celerybeat-schedule")])
        config = self.write_nginx_config()
        test = subprocess.run(
            self.nginx_command(config, "-t", "-q"),
            capture_output=True,
            text=True,
            **self._as_app_user(),
        )
        if test.returncode != 0:
            raise RehearsalError(f"nginx refused its configuration: {test.stderr.strip()}")
        self.start("nginx", self.nginx_command(config, "-g", "daemon off;"), app=False)
        self.wait_ready()

    def worker_name(self, node: str) -> str:
        return f"node-{node}@rehearsal"

    def wait_ready(self) -> None:
        c = self.config
        self._wait(lambda: port_is_open(c.sms), "sms-gateway", "the SMS simulator listening")
        for node, port in (("a", c.node_a), ("b", c.node_b)):
            self._wait(
                lambda port=port: _answers(f"http://{LOCAL}:{port}/healthz"),
                f"web-{node}",
                f"web node {node} answering /healthz",
            )
            self._wait(
                lambda node=node: " ready." in self.log(f"worker-{node}"),
                f"worker-{node}",
                f"worker {node} ready",
            )
        self._wait(lambda: "Starting..." in self.log("beat"), "beat", "beat starting")
        context = ssl.create_default_context(cafile=str(self.cert))
        self._wait(
            lambda: _answers(f"https://{LOCAL}:{c.https}/healthz", context),
            "nginx",
            "nginx answering over TLS",
        )

    def _wait(self, condition, name: str, what: str) -> None:
        def ready():
            process = self.processes[name]
            if process.poll() is not None:
                raise RehearsalError(
                    f"{name} exited while starting:\n{tail(self.logs / f'{name}.log')}"
                )
            return condition()

        wait_for(ready, timeout=90, what=what)

    def log(self, name: str) -> str:
        path = self.logs / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop(self, name: str) -> None:
        process = self.processes.get(name)
        if process is None or process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)

    def stop_all(self) -> None:
        # The door first, the back office last: no request arrives at a stopped node.
        for name in ("nginx", "web-a", "web-b", "beat", "worker-a", "worker-b", "sms-gateway"):
            self.stop(name)

    def owners(self) -> dict[str, set[int]]:
        """Each started process's name → the user ids its whole process group runs as."""
        names = {process.pid: name for name, process in self.processes.items()}
        owners: dict[str, set[int]] = {name: set() for name in self.processes}
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            with contextlib.suppress(OSError):
                # The group id is the 5th field, after the command in parentheses.
                group = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[2])
                if group in names:
                    owners[names[group]].add(entry.stat().st_uid)
        return owners

    def leftovers(self) -> list[str]:
        """Processes or ports of the rehearsal still alive: what `close()` must leave at none."""
        alive = []
        for name, process in self.processes.items():
            try:
                os.killpg(process.pid, 0)
                alive.append(f"{name} (process group {process.pid})")
            except ProcessLookupError:
                pass
        alive += [f"port {port}" for port in self.config.ports() if port_is_open(port)]
        return alive

    def close(self) -> None:
        self.stop_all()
        with contextlib.suppress(RehearsalError, subprocess.CalledProcessError):
            self.drop_database()
        shutil.rmtree(self.base, ignore_errors=True)


def _answers(url: str, context: ssl.SSLContext | None = None) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2, context=context) as response:  # noqa: S310
            return response.status == 200
    except OSError:
        return False
