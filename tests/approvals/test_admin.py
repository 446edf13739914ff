"""Admin: document type rules, read-only documents with their history, the waiting report."""

import pytest

from approvals import services
from tests.approvals.factories import general_document, make_org

pytestmark = pytest.mark.django_db


def test_waiting_report_groups_by_department(admin_user, client_for):
    org = make_org()
    general_document(org)
    decided = general_document(org, title="두 번째")
    services.approve(document=decided, actor=org.lead)
    response = client_for(admin_user).get("/admin/approvals/waitingreport/")
    assert response.status_code == 200
    rows = {row["department"]: row for row in response.context["rows"]}
    assert rows[org.team.name]["pending"] == 2
    assert rows[org.team.name]["decided"] == 1


def test_document_is_read_only_with_history(admin_user, client_for):
    org = make_org()
    document = general_document(org)
    client = client_for(admin_user)
    response = client.get(f"/admin/approvals/document/{document.pk}/change/")
    assert response.status_code == 200
    html = response.content.decode()
    assert document.title in html and 'name="title"' not in html
    assert client.get("/admin/approvals/documenttype/").status_code == 200
    assert client.get("/admin/approvals/absence/").status_code == 200
