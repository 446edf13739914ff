"""The health team uploads a messy sheet, fixes it from the annotated download, sends, and watches."""

import io
from collections import Counter

import pytest
from openpyxl import Workbook, load_workbook

from rpa.models import OutboxMessage, Upload
from tests.conftest import screenshot
from tests.rpa.factories import make_templates

from .conftest import check_page, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEADER = ["성명", "휴대전화", "생년월일", "검사일", "검사결과", "구분", "격리시작일", "격리해제일"]
MESSY = [
    ["김하나", "010-7001-0001", "900101", "2021-08-02", "음성", None, None, None],
    ["이두리", "01070010002", "850315", "2021-08-02", "양성", None, None, None],
    ["박세나", "010-7001", "770707", "2021-08-02", "음성", None, None, None],  # too short
    ["최네오", "02-123-4567", "660606", "2021-08-02", "음성", None, None, None],  # a landline
    ["정다섯", "010-7001-0005", "920202", "2021-08-02", "모름", None, None, None],  # bad word
    ["김하나", "010-7001-0001", "900101", "2021-08-02", "음성", None, None, None],  # duplicate
]
FIXES = {
    "박세나": {"휴대전화": "010-7001-0003"},
    "최네오": {"휴대전화": "010-7001-0004"},
    "정다섯": {"검사결과": "음성"},
}
VALID_PHONES = {f"0107001000{n}" for n in range(1, 6)}


def messy_sheet(path):
    book = Workbook()
    sheet = book.active
    sheet.title = "명단"
    sheet.append(HEADER)
    for row in MESSY:
        sheet.append(row)
    book.save(path)
    return path


def fix_sheet(downloaded: bytes, path):
    """Correct the flagged cells in the sheet as downloaded (with its status and reason columns)."""
    book = load_workbook(io.BytesIO(downloaded))
    sheet = book.active
    header = [cell.value for cell in sheet[1]]
    columns = {name: index for index, name in enumerate(header)}
    for row in sheet.iter_rows(min_row=2):
        fixes = FIXES.get(row[columns["성명"]].value, {})
        for column, value in fixes.items():
            row[columns[column]].value = value
    book.save(path)
    return path


def upload(page, path):
    page.set_input_files("input[type=file]", str(path))
    page.get_by_role("button", name="명단 확인").click()
    page.wait_for_url("**/rpa/*/")
    check_page(page)
    return Upload.objects.order_by("-pk").first()


def test_health_team_fixes_a_messy_sheet_sends_and_watches(
    desktop_page,
    live_server,
    watch,
    health_user,
    celery_worker,
    sms_simulator,
    rpa_settings,
    tmp_path,
):
    make_templates()
    sms_simulator.configure(fail_rate=0, rate_limit=0, latency_ms=0)
    base = live_server.url
    page = watch(desktop_page)

    sign_in(page, base, health_user)
    page.locator('main a[href="/rpa/"]').first.click()
    page.wait_for_url(f"{base}/rpa/")
    check_page(page)

    first = upload(page, messy_sheet(tmp_path / "0802_검사결과.xlsx"))
    assert first.summary["rejected"] == 3 and first.summary["duplicate"] == 1
    screenshot(page, "journey-health-messy-preview")
    page.get_by_role("link", name="오류·중복 행만").click()
    page.wait_for_url("**/?show=rejected")
    check_page(page)
    rows = page.locator(".rpa-table tbody tr")
    assert rows.count() == 4
    table = page.locator(".rpa-table").inner_text()
    for name in ("박세나", "최네오", "정다섯", "김하나"):
        assert name in table
    assert "이두리" not in table
    assert page.locator(".rpa-errors li").count() >= 3
    screenshot(page, "journey-health-rejected-rows")

    with page.expect_download() as info:
        page.get_by_role("link", name="사유를 표시한 명단 내려받기").click()
    downloaded = info.value.path().read_bytes()
    annotated = list(load_workbook(io.BytesIO(downloaded)).active.values)
    assert len(annotated) == 1 + len(MESSY)
    reasons = {row[0]: row[-1] for row in annotated[1:] if row[-1]}
    assert {"박세나", "최네오", "정다섯"} <= set(reasons)

    page.goto(f"{base}/rpa/")
    second = upload(page, fix_sheet(downloaded, tmp_path / "0802_검사결과_수정.xlsx"))
    assert second.summary["valid"] == 5 and second.summary["rejected"] == 0
    assert second.summary["duplicate"] == 1
    screenshot(page, "journey-health-fixed-preview")

    page.get_by_role("button", name="발송 확정(정상 5건)").click()
    page.wait_for_url(f"**/rpa/{second.pk}/progress/")
    check_page(page)
    page.wait_for_selector('[data-percent="100"]', timeout=60000)
    assert page.locator("#rpa-progress progress").get_attribute("value") == "100"
    assert page.locator('[data-count="failed"]').inner_text() == "0"
    screenshot(page, "journey-health-progress-100")

    messages = OutboxMessage.objects.filter(upload=second)
    assert messages.count() == 5
    received = Counter(line["to"] for line in sms_simulator.lines() if line["to"] in VALID_PHONES)
    assert set(received) == VALID_PHONES and set(received.values()) == {1}
    assert first.messages.count() == 0
