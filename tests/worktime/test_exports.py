"""The personnel office's exports and figures, built in `worktime/exports.py`; the pages only
read the query and hand the file over."""

import csv
import io
import re

import pytest
from django.contrib.auth.models import Group
from openpyxl import load_workbook

from accounts import roles
from tests.conftest import enrol_totp
from tests.factories import UserFactory
from worktime import exports, services

from .factories import team_member, working_day

pytestmark = pytest.mark.django_db


def remote_day(person):
    day = working_day(2)
    services.request_arrangement(
        applicant=person, kind="remote_home", start_date=day, reason="돌봄"
    )
    return day


def test_csv_starts_with_a_bom_and_holds_a_row_per_day():
    person, _lead, _chief = team_member()
    day = remote_day(person)
    file = exports.arrangements_file(start=day, end=day, fmt="csv")
    assert file.filename == f"worktime-{day}-{day}.csv"
    assert file.content_type == "text/csv; charset=utf-8"
    assert file.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(file.content.decode("utf-8-sig"))))
    assert len(rows) == 2
    assert rows[1][0] == day.isoformat() and person.full_name in rows[1]


def test_xlsx_holds_the_same_rows_as_the_csv():
    person, _lead, _chief = team_member()
    day = remote_day(person)
    as_csv = exports.arrangements_file(start=day, end=day, fmt="csv")
    as_xlsx = exports.arrangements_file(start=day, end=day, fmt="xlsx")
    assert as_xlsx.filename.endswith(".xlsx") and as_xlsx.content[:2] == b"PK"
    sheet = load_workbook(io.BytesIO(as_xlsx.content)).active
    cells = [
        ["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)
    ]
    rows = list(csv.reader(io.StringIO(as_csv.content.decode("utf-8-sig"))))
    assert [row[:9] for row in cells] == [row[:9] for row in rows]  # up to the hours, as text
    assert len(cells) == len(rows) == 2


def test_an_unknown_format_is_refused():
    day = working_day(2)
    with pytest.raises(ValueError):
        exports.arrangements_file(start=day, end=day, fmt="pdf")


def test_the_page_answers_with_the_file_the_module_builds(client_for, admin_user):
    person, _lead, _chief = team_member()
    day = remote_day(person)
    response = client_for(admin_user).get(f"/worktime/export/?start={day}&end={day}&format=csv")
    built = exports.arrangements_file(start=day, end=day, fmt="csv")
    assert response.content == built.content
    assert response["Content-Disposition"] == f'attachment; filename="{built.filename}"'


def test_the_statistics_page_title_holds_only_its_title(client_for, admin_user):
    html = client_for(admin_user).get("/worktime/statistics/?year=2026").content.decode()
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    assert "<" not in title
    assert html.count("wt-chart") >= 4
    assert html.count('href="/worktime/away/import/"') == 1


def test_the_personnel_office_opens_the_import_as_it_opens_the_exports(client_for):
    officer = UserFactory(role=roles.STAFF)
    officer.groups.add(Group.objects.get(name=roles.PERSONNEL))
    enrol_totp(officer)
    client = client_for(officer)
    assert client.get("/worktime/export/").status_code == 200
    assert client.get("/worktime/away/import/").status_code == 200
    staff = client_for(UserFactory(role=roles.STAFF))
    assert staff.get("/worktime/away/import/").status_code == 403
