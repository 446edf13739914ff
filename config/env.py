"""Tiny helpers that read settings from the environment, and the local machine's secret key."""

import os
import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def machine_secret_key(path: Path) -> str:
    """A random key made once for this machine and kept in `path`: every process of a local run
    (web, worker, beat, the tests) signs alike, links survive a restart, and nobody else knows
    it, unlike a key written in the code."""
    if not path.exists():
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            draft = path.with_name(f"{path.name}.{os.getpid()}")
            fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w") as file:
                file.write(secrets.token_urlsafe(50))
            try:
                # Processes starting together race here; the first key written is everyone's.
                os.link(draft, path)
            except FileExistsError:
                pass
            finally:
                draft.unlink()
        except OSError as error:
            raise ImproperlyConfigured(
                f"Cannot keep this machine's secret key in {path} ({error.strerror}): "
                "make that folder writable or set DJANGO_SECRET_KEY."
            ) from error
    return path.read_text().strip()
