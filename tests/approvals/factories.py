"""Factories for approvals tests: an organisation with a staff member and their chain."""

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from accounts.models import User
from approvals import services
from tests.factories import UserFactory, org_tree

# Tests that care about the day pass these moments, never the day they run: a Monday with no
# public holiday near it (16 March 2026), at nine in the office's time zone.
NOW = datetime(2026, 3, 16, 9, 0, tzinfo=ZoneInfo("Asia/Seoul"))
TODAY = NOW.date()


@dataclass
class Org:
    team: object
    lead: User
    chief: User
    director: User
    applicant: User


def make_org() -> Org:
    """Staff member in a team led by `lead`, under `chief` and `director` (all OTP-enrolled)."""
    from tests.conftest import enrol_totp

    team, lead, chief, director = org_tree()
    for head in (lead, chief, director):
        enrol_totp(head)
    applicant = UserFactory(role="staff", department=team)
    return Org(team, lead, chief, director, applicant)


def general_document(org: Org, **kwargs):
    values = {
        "applicant": org.applicant,
        "doc_type": "general",
        "title": "복사기 구입 건",
        "body": "사무실 복사기가 고장나 새로 구입하고자 합니다.",
        "facts": [["금액", "1,200,000원"], ["수량", "1대"]],
    }
    values.update(kwargs)
    return services.submit(**values)
