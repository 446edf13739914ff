"""Fixtures of the smart-work center tests: the portal's clock, set to the moment a test means."""

import pytest

from core import clock


@pytest.fixture
def set_clock(monkeypatch):
    """Set the portal's clock (`core.clock`) to a moment: `set_clock(at(MONDAY, 9, 10))`."""

    def set_to(moment):
        monkeypatch.setattr(clock, "now", lambda: moment)

    return set_to
