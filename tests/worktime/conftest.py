"""Fixtures of flexible-work tests."""

from importlib import import_module

import pytest
from django.apps import apps


@pytest.fixture
def away_kinds(db):
    """The default kinds of 근무상황, as the data migration creates them: a transactional test
    elsewhere may have emptied the table since."""
    import_module("worktime.migrations.0004_default_away_kinds").create_kinds(apps, None)
