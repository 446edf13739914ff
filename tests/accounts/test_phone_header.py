"""On a phone the header folds its links into one menu, so each page's own heading comes first."""

import pytest
from django.urls import reverse

from tests.approvals.factories import make_org
from tests.conftest import screenshot
from tests.journeys.conftest import check_page, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# What staff and managers open most on a phone: home, the inbox, booking and the request form.
PAGES = ["home", "approvals:inbox", "smartcenters:book", "worktime:request_new"]


def test_page_heading_is_within_the_first_120_px_on_a_phone(phone_page, live_server):
    org = make_org()
    page = phone_page
    sign_in(page, live_server.url, org.applicant, phone=True)
    for name in PAGES:
        page.goto(f"{live_server.url}{reverse(name)}")
        check_page(page, phone=True)
        top = page.locator("h1").first.bounding_box()["y"]
        assert top < 120, f"{name}: the heading starts at {top:.0f} px"
    screenshot(page, "phone-header-request-form")


def test_phone_menu_opens_the_links_and_carries_the_waiting_count(phone_page, live_server):
    from approvals import services

    org = make_org()
    services.submit(applicant=org.applicant, doc_type="visit_report", title="출장 복명서")
    page = phone_page
    sign_in(page, live_server.url, org.lead, phone=True)

    menu = page.locator(".site-menu > summary")
    inbox_link = page.locator(".site-nav").get_by_role("link", name="결재")
    assert menu.is_visible()
    # One document waiting and the unread notification that announced it: what the links hold.
    assert menu.locator(".badge").inner_text() == "2"
    assert not inbox_link.is_visible()
    box = menu.bounding_box()
    assert box["height"] >= 44

    menu.click()
    assert inbox_link.is_visible()
    screenshot(page, "phone-header-menu-open")
    inbox_link.click()
    page.wait_for_url(f"{live_server.url}{reverse('approvals:inbox')}")
    assert page.get_by_role("heading", level=1).inner_text().startswith("결재할 문서")


def test_wide_screen_shows_the_links_without_a_menu_button(desktop_page, live_server):
    org = make_org()
    page = desktop_page
    sign_in(page, live_server.url, org.applicant)
    assert not page.locator(".site-menu > summary").is_visible()
    assert page.locator(".site-nav").get_by_role("link", name="유연근무 신청").is_visible()
