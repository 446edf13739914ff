"""Roles as groups: they exist after every migration, and the personnel office exports."""

import pytest
from django.contrib.auth.models import Group, Permission

from accounts import roles
from tests.conftest import enrol_totp
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_every_role_exists_on_a_freshly_migrated_database():
    # The test database was made by `migrate` alone: no demo seed ran.
    assert set(Group.objects.values_list("name", flat=True)) >= set(roles.ALL_ROLES)
    personnel = Group.objects.get(name=roles.PERSONNEL)
    assert personnel.permissions.filter(codename="export_arrangement").exists()


def test_migrating_again_keeps_what_an_admin_added_by_hand():
    manager = Group.objects.get(name=roles.MANAGER)
    extra = Permission.objects.get(codename="view_center")
    manager.permissions.add(extra)
    roles.ensure_roles(exact=False)
    assert manager.permissions.filter(pk=extra.pk).exists()
    roles.ensure_roles()  # the demo's clean slate
    assert not manager.permissions.filter(pk=extra.pk).exists()


def test_the_personnel_office_gets_the_figures_and_exports(client_for):
    officer = UserFactory(role=roles.STAFF)
    officer.groups.add(Group.objects.get(name=roles.PERSONNEL))
    enrol_totp(officer)  # everyone's schedules: the personnel office signs in with a code
    client = client_for(officer)
    assert 'href="/worktime/statistics/"' in client.get("/").content.decode()
    assert client.get("/worktime/statistics/").status_code == 200
    response = client.get("/worktime/export/?format=csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")


def test_staff_get_neither_figures_nor_exports(client_for):
    client = client_for(UserFactory(role=roles.STAFF))
    assert 'href="/worktime/statistics/"' not in client.get("/").content.decode()
    assert client.get("/worktime/statistics/").status_code == 403
    assert client.get("/worktime/export/?format=csv").status_code == 403
