"""Post one file to the upload page as a health-team member, in a process of its own.

    python -m tests.security.upload_in_subprocess USERNAME PATH

Prints one JSON object: the answer's status and the upload form's errors. The test that runs
it limits the process's memory, so a reader that asks for too much ends this process, not
the test run.
"""

import json
import os
import sys
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

from tests.conftest import verified_client  # noqa: E402


def main(username: str, path: Path) -> None:
    setup_test_environment()
    user = get_user_model().objects.get(username=username)
    client = verified_client(Client(), user)
    with path.open("rb") as sheet:
        response = client.post(reverse("rpa:uploads"), {"file": sheet})
    form = response.context["form"] if response.context else None
    errors = list(form.errors.get("file", [])) if form is not None else []
    print(json.dumps({"status": response.status_code, "errors": errors}, ensure_ascii=False))


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]))
