"""Admins issue new QR codes for seats whose code got out; the old code stops working at once."""

import pytest

from smartcenters import rules, services
from smartcenters.models import Booking, Seat
from tests.factories import UserFactory
from tests.smartcenters.factories import SeatFactory, at

from .test_checkin_token import MONDAY

pytestmark = pytest.mark.django_db


def issue_new_codes(client, seats):
    return client.post(
        "/admin/smartcenters/seat/",
        {"action": "issue_new_qr_codes", "_selected_action": [seat.pk for seat in seats]},
    )


def test_issuing_new_qr_codes_stops_the_old_code_at_once(client_for, admin_user):
    seat = SeatFactory()
    booking = services.book_seat(
        user=UserFactory(), seat=seat, date=MONDAY, slot=rules.AM, now=at(MONDAY, 7)
    )
    old_code = seat.checkin_token
    issue_new_codes(client_for(admin_user), [seat])
    with pytest.raises(services.WrongSeatCode):
        services.check_in(booking=booking, actor=booking.user, token=old_code, now=at(MONDAY, 9))
    new_code = Seat.objects.get(pk=seat.pk).checkin_token
    assert new_code != old_code
    checked = services.check_in(
        booking=booking, actor=booking.user, token=new_code, now=at(MONDAY, 9)
    )
    assert checked.status == Booking.Status.CHECKED_IN


def test_the_old_qr_code_no_longer_opens_the_seats_page(client_for, admin_user, staff_user):
    seat = SeatFactory()
    old_code = seat.checkin_token
    issue_new_codes(client_for(admin_user), [seat])
    assert client_for(staff_user).get(f"/centers/check-in/{old_code}/").status_code == 404


def test_issuing_new_codes_prints_a_sheet_of_only_those_seats(client_for, admin_user):
    rotated, untouched = SeatFactory(label="R1"), SeatFactory(label="U1")
    client = client_for(admin_user)
    response = issue_new_codes(client, [rotated])
    assert response.status_code == 302
    sheet = client.get(response["Location"])
    assert sheet.status_code == 200
    assert sheet.content.decode().count('class="segno"') == 1
    printed = [item["url"] for entry in sheet.context["centers"] for item in entry["seats"]]
    assert len(printed) == 1
    assert printed[0].endswith(
        f"/centers/check-in/{Seat.objects.get(pk=rotated.pk).checkin_token}/"
    )
    assert Seat.objects.get(pk=untouched.pk).checkin_token == untouched.checkin_token
