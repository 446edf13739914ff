"""The settings of the test suite: production's, over plain HTTP on this machine.

Set in the environment, so the servers and workers the tests start run the same way.
"""

import os

os.environ.setdefault("DJANGO_LOCAL_HTTP", "1")

from .settings import *  # noqa: E402, F403
