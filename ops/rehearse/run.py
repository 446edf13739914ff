"""`make rehearse`: the production stack on this machine, proved from outside, then taken down.

nginx with TLS in front of two web nodes, a Celery worker per node and one beat, every process
as an unprivileged user on a fresh database; a working morning through the proxy, the morning
peak, the backup and restore drill. One line per check, the summary line last; exit 0 only
when every check holds. docs/DEPLOY.md says how to read it.
"""

import os
import signal
import subprocess
import sys
import time
import traceback

from checks import CheckFailed, Journey
from peak import morning_peak
from release import RehearsalError
from stack import ROOT, Config, Stack

sys.path.insert(0, str(ROOT))
from tests.samples import SAMPLES  # noqa: E402  (where the shared case sheets are)

PEAK_SESSIONS = int(os.environ.get("REHEARSE_PEAK_USERS") or 300)
PEAK_SECONDS = float(os.environ.get("REHEARSE_PEAK_SECONDS") or 60)
PEAK_P95_MS = 500


class Rehearsal:
    def __init__(self):
        self.config = Config.from_environment()
        self.stack = Stack(self.config)
        self.results: list[tuple[str, bool, str]] = []
        self.figures: dict = {}
        self.began = time.monotonic()

    def say(self, text: str) -> None:
        print(f"[{time.monotonic() - self.began:5.0f} s] {text}", flush=True)

    def check(self, name: str, run) -> bool:
        started = time.monotonic()
        try:
            detail, passed = run(), True
        except CheckFailed as failure:
            detail, passed = str(failure), False
        except Exception as error:  # a crash in one check is that check's failure, not the run's
            detail, passed = f"{type(error).__name__}: {error}", False
        self.results.append((name, passed, detail))
        mark = "ok  " if passed else "FAIL"
        self.say(f"{mark} {name}: {detail} ({time.monotonic() - started:.1f} s)")
        return passed

    # --- the steps -----------------------------------------------------------------------------

    def bring_up(self) -> None:
        stack, c = self.stack, self.config
        stack.check_ports_free()
        stack.ensure_app_user()
        self.say(f"release for user {c.app_user} in {stack.base} (code, venv of tested versions)")
        stack.build_release()
        stack.make_certificate()
        self.say(f"database {c.database} created fresh; migrate and seed_demo")
        stack.create_database()
        stack.manage("migrate", "--noinput", "-v", "0")
        stack.manage("seed_demo", "-v", "0")
        self.say(
            f"starting nginx :{c.https} (pinned :{c.pin_a} node a, :{c.pin_b} node b), web "
            f"nodes :{c.node_a} :{c.node_b} ({c.web_workers} workers each), a worker per node, "
            "beat, the SMS simulator"
        )
        stack.start_all()

    def journey(self) -> None:
        stack, c = self.stack, self.config
        urls = {
            "any": f"https://127.0.0.1:{c.https}",
            "a": f"https://127.0.0.1:{c.pin_a}",
            "b": f"https://127.0.0.1:{c.pin_b}",
        }
        self.check(
            "production settings pass check --deploy",
            lambda: stack.manage("check", "--deploy", "--fail-level", "WARNING").strip(),
        )
        self.check("every process runs as the app user", self.unprivileged)
        journey = Journey(stack, urls, stack.cert, SAMPLES)
        steps = [
            ("staff signs in over TLS", journey.staff_signs_in_over_tls),
            ("staff books a seat", journey.staff_books_a_seat),
            ("staff requests a late start", journey.staff_requests_a_late_start),
            (
                "manager approves with a one-time code",
                journey.manager_approves_with_a_one_time_code,
            ),
            (
                "sheet uploaded on node a is sent by node b's worker",
                journey.sheet_uploaded_on_one_node_is_sent_by_the_other,
            ),
            (
                "agency report built by a worker downloads through the other node",
                journey.report_built_by_a_worker_downloads_through_the_other_node,
            ),
            ("purge removes files both nodes wrote", journey.purge_removes_what_both_nodes_wrote),
            (
                "six wrong passwords lock one account, not a colleague at the same address",
                journey.wrong_passwords_lock_one_account_not_a_colleague,
            ),
        ]
        for name, step in steps:
            self.check(name, step)
        self.sms_phones = journey.texted

    def unprivileged(self) -> str:
        stack = self.stack
        owners = stack.owners()
        uid = stack.user.pw_uid if stack.user else os.geteuid()
        others = {name: ids - {uid} for name, ids in owners.items() if ids - {uid}}
        if others or not all(owners.values()):
            raise CheckFailed(f"Processes run as other users, or are gone: {owners}.")
        if uid == 0:
            raise CheckFailed("The application runs as root.")
        return f"{len(owners)} services as {self.config.app_user} (uid {uid}), none as root"

    def peak(self) -> None:
        stack, c = self.stack, self.config
        cookies = stack.app("ops/rehearse/appside.py", "sessions", str(PEAK_SESSIONS)).split()
        access_log = stack.logs / "nginx-access.log"
        offset = access_log.stat().st_size if access_log.exists() else 0
        self.say(
            f"morning peak: {len(cookies)} signed-in staff for {PEAK_SECONDS:.0f} s on home, my "
            "month, the team board, the booking page and the approval inbox"
        )
        pages, health = morning_peak(
            f"https://127.0.0.1:{c.https}", str(stack.cert), cookies, PEAK_SECONDS
        )
        with access_log.open() as log:
            log.seek(offset)
            served = log.read()
        per_node = {
            node: served.count(f"127.0.0.1:{port}\n")
            for node, port in (("a", c.node_a), ("b", c.node_b))
        }
        self.figures = {"sessions": len(cookies), "pages": pages, "health": health}
        self.say(
            f"     pages: {pages['requests']} requests, {pages['rate']:.1f}/s, p50 "
            f"{pages['p50_ms']:.0f} ms, p95 {pages['p95_ms']:.0f} ms, max {pages['max_ms']:.0f} ms, "
            f"{pages['errors']} errors {pages['first_errors'] or ''}"
        )
        self.say(
            "     p95 by page: "
            + ", ".join(f"{path} {f['p95_ms']:.0f} ms" for path, f in pages["pages"].items())
            + f"; requests per node (pages and /healthz): a {per_node['a']}, b {per_node['b']}"
        )
        self.say(
            f"     /healthz beside them: {health['rate']:.1f}/s, p50 {health['p50_ms']:.0f} ms, "
            f"p95 {health['p95_ms']:.0f} ms, {health['errors']} errors"
        )

        def holds() -> str:
            if pages["errors"] or health["errors"]:
                raise CheckFailed(f"{pages['errors'] + health['errors']} requests failed.")
            if pages["p95_ms"] >= PEAK_P95_MS:
                raise CheckFailed(f"p95 {pages['p95_ms']:.0f} ms is over {PEAK_P95_MS} ms.")
            if min(per_node.values()) == 0:
                raise CheckFailed(f"One web node served nothing: {per_node}.")
            return f"0 errors, p95 {pages['p95_ms']:.0f} ms < {PEAK_P95_MS} ms, both nodes served"

        self.check("the morning peak holds", holds)

    def backup_drill(self) -> None:
        stack, c = self.stack, self.config
        dump = stack.base / "rehearsal.dump"

        def drill() -> str:
            subprocess.run(
                ["bash", str(ROOT / "ops" / "backup.sh"), c.database_url, str(dump)],
                check=True,
                capture_output=True,
            )
            restored = subprocess.run(
                [
                    "bash",
                    str(ROOT / "ops" / "restore-check.sh"),
                    str(dump),
                    c.database_url,
                    stack.restore_database,
                ],
                capture_output=True,
                text=True,
            )
            output = restored.stdout.strip().splitlines()
            if restored.returncode != 0:
                raise CheckFailed(" ".join(output[-3:]) or restored.stderr.strip())
            self.restored = output[-1]
            return f"{dump.stat().st_size // 1024} KiB dump; {output[-1]}"

        self.check("backup and restore drill", drill)

    def summary(self) -> int:
        failed = [name for name, passed, _ in self.results if not passed]
        total = len(self.results)
        minutes, seconds = divmod(int(time.monotonic() - self.began), 60)
        parts = []
        if self.figures:
            pages, health = self.figures["pages"], self.figures["health"]
            parts.append(
                f"peak {self.figures['sessions']} staff {PEAK_SECONDS:.0f} s: "
                f"{pages['rate']:.1f} req/s, p50 {pages['p50_ms']:.0f} ms, "
                f"p95 {pages['p95_ms']:.0f} ms, {pages['errors']} errors; "
                f"/healthz {health['rate']:.0f} req/s"
            )
        if getattr(self, "sms_phones", 0):
            parts.append(f"{self.sms_phones} phones texted once")
        parts.append(f"{os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}")
        parts.append(f"{minutes}m{seconds:02d}s")
        verdict = (
            f"rehearsal passed: {total}/{total} checks"
            if not failed and total
            else f"rehearsal FAILED: {len(failed)} of {total} checks ({'; '.join(failed)})"
        )
        print(f"{verdict}; {'; '.join(parts)}", flush=True)
        return 0 if total and not failed else 1

    def show_errors(self) -> None:
        """The application's own complaints, for a failed rehearsal's reader."""
        for name in ("web-a", "web-b", "worker-a", "worker-b", "beat", "nginx", "sms-gateway"):
            lines = [
                line
                for line in self.stack.log(name).splitlines()
                if "ERROR" in line or "Traceback" in line or "[emerg]" in line or "Error:" in line
            ]
            for line in lines[-5:]:
                print(f"       {name}: {line[:300]}")


def main() -> int:
    rehearsal = Rehearsal()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    stack = rehearsal.stack
    try:
        rehearsal.bring_up()
        rehearsal.journey()
        rehearsal.peak()
        if any(not passed for _, passed, _ in rehearsal.results):
            rehearsal.show_errors()
        stack.stop_all()
        rehearsal.backup_drill()
    except RehearsalError as error:
        rehearsal.results.append(("bring the stack up", False, str(error)))
        rehearsal.say(f"FAIL {error}")
        rehearsal.show_errors()
    except Exception:
        rehearsal.results.append(("rehearsal driver", False, "crashed"))
        traceback.print_exc()
    finally:
        stack.close()
    left = stack.leftovers()
    rehearsal.check(
        "nothing left running",
        lambda: (
            "all processes ended, ports free, database dropped"
            if not left
            else _fail(f"still alive: {', '.join(left)}")
        ),
    )
    return rehearsal.summary()


def _fail(message: str):
    raise CheckFailed(message)


if __name__ == "__main__":
    sys.exit(main())
