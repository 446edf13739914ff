"""The organisation tree and the approver chain it gives; the demo data."""

import pytest
from django.core.management import call_command

from accounts.models import Department, User
from accounts.selectors import approver_chain, mask_phone
from tests.factories import UserFactory, org_tree


@pytest.mark.django_db
def test_staff_chain_is_team_lead_then_division_chief_then_director():
    team, lead, chief, director = org_tree()
    member = UserFactory(department=team)
    assert approver_chain(member) == [lead, chief, director]


@pytest.mark.django_db
def test_team_lead_chain_starts_above_themself():
    team, lead, chief, director = org_tree()
    assert approver_chain(lead) == [chief, director]


@pytest.mark.django_db
def test_inactive_head_is_skipped():
    team, lead, chief, director = org_tree()
    lead.is_active = False
    lead.save()
    assert approver_chain(UserFactory(department=team)) == [chief, director]


def test_phones_are_masked_in_lists():
    assert mask_phone("01012345678") == "010-****-5678"
    assert mask_phone("010-9876-5432") == "010-****-5432"


@pytest.mark.django_db
def test_seed_demo_is_idempotent_and_builds_the_documented_organisation():
    call_command("seed_demo")
    counts = (User.objects.count(), Department.objects.count())
    call_command("seed_demo")
    assert (User.objects.count(), Department.objects.count()) == counts
    assert Department.objects.filter(kind="bureau").count() >= 3
    assert Department.objects.filter(kind="division").count() >= 8
    assert Department.objects.filter(kind="team").count() >= 20
    staff = User.objects.get(username="staff007")
    assert [u.username for u in approver_chain(staff)][:2] == ["manager01", "manager02"]
    assert User.objects.filter(username__startswith="staff").count() == 200
    assert User.objects.get(username="admin").is_superuser
    assert User.objects.get(username="health03").groups.filter(name="health").exists()
