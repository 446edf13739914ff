"""The pages: centers with free seats, a seat map, booking, my bookings, check-in, figures, QR sheet.

The portal's clock reads 08:00 on a Monday in a fixed future unless a test sets it otherwise.
"""

from datetime import date

import pytest

from smartcenters.models import Booking, WaitlistEntry
from tests.factories import UserFactory

from .factories import CenterFactory, SeatFactory, at

pytestmark = pytest.mark.django_db
MONDAY = date(2030, 3, 4)


@pytest.fixture(autouse=True)
def _monday_morning(set_clock):
    set_clock(at(MONDAY, 8))


@pytest.fixture
def center():
    center = CenterFactory(name="노은도서관 스마트워크센터", short_name="노은")
    SeatFactory(center=center, label="A1", x=0, y=0)
    SeatFactory(center=center, label="A2", x=10, y=0)
    return center


def query(day, slot="full"):
    return {"date": day.isoformat(), "slot": slot}


def test_book_page_lists_every_center_with_its_free_seats(client_for, staff_user, center):
    day = MONDAY
    Booking.objects.create(
        user=UserFactory(), seat=center.seats.get(label="A1"), date=day, slot="full"
    )
    response = client_for(staff_user).get("/centers/", query(day))
    assert response.status_code == 200
    html = response.content.decode()
    assert "노은도서관 스마트워크센터" in html
    assert response.context["centers"][0].free_count == 1


def test_the_htmx_request_gets_only_the_centers(client_for, staff_user, center):
    response = client_for(staff_user).get("/centers/", query(MONDAY), HTTP_HX_REQUEST="true")
    assert b"<html" not in response.content
    assert "노은" in response.content.decode()


def test_seat_map_shows_free_and_taken_seats(client_for, staff_user, center):
    day = MONDAY
    Booking.objects.create(
        user=UserFactory(), seat=center.seats.get(label="A1"), date=day, slot="am"
    )
    response = client_for(staff_user).get(f"/centers/{center.pk}/", query(day, "am"))
    html = response.content.decode()
    assert 'class="seat taken"' in html and 'class="seat free"' in html
    assert len(response.context["free_seats"]) == 1


def test_booking_from_the_seat_map_lands_on_my_bookings(client_for, staff_user, center):
    seat = center.seats.get(label="A2")
    client = client_for(staff_user)
    response = client.post(f"/centers/seats/{seat.pk}/book/", query(MONDAY), follow=True)
    assert response.redirect_chain[-1][0] == "/centers/mine/"
    assert Booking.objects.get(user=staff_user).seat == seat
    assert "A2" in response.content.decode()


def test_a_seat_just_taken_shows_the_nearest_free_one(client_for, staff_user, center):
    day = MONDAY
    a1 = center.seats.get(label="A1")
    Booking.objects.create(user=UserFactory(), seat=a1, date=day, slot="full")
    response = client_for(staff_user).post(f"/centers/seats/{a1.pk}/book/", query(day))
    assert response.status_code == 409
    assert response.context["offer"] == center.seats.get(label="A2")
    assert f"/centers/seats/{response.context['offer'].pk}/book/" in response.content.decode()


def test_cancelling_from_my_bookings(client_for, staff_user, center):
    booking = Booking.objects.create(
        user=staff_user, seat=center.seats.get(label="A1"), date=MONDAY, slot="am"
    )
    client = client_for(staff_user)
    assert "A1" in client.get("/centers/mine/").content.decode()
    client.post(f"/centers/bookings/{booking.pk}/cancel/")
    booking.refresh_from_db()
    assert booking.status == "cancelled"


def test_nobody_cancels_another_persons_booking_from_the_page(client_for, staff_user, center):
    booking = Booking.objects.create(
        user=UserFactory(), seat=center.seats.get(label="A1"), date=MONDAY, slot="am"
    )
    assert client_for(staff_user).post(f"/centers/bookings/{booking.pk}/cancel/").status_code == 404


def test_joining_the_waitlist_of_a_full_center(client_for, staff_user, center):
    day = MONDAY
    for seat in center.seats.all():
        Booking.objects.create(user=UserFactory(), seat=seat, date=day, slot="full")
    client = client_for(staff_user)
    assert "waitlist" in client.get(f"/centers/{center.pk}/", query(day)).content.decode()
    client.post(f"/centers/{center.pk}/waitlist/", query(day))
    assert WaitlistEntry.objects.filter(user=staff_user, center=center, date=day).exists()


def test_the_qr_code_page_checks_in_my_booking(client_for, staff_user, center, set_clock):
    seat = center.seats.get(label="A1")
    day = MONDAY
    booking = Booking.objects.create(user=staff_user, seat=seat, date=day, slot="am")
    client = client_for(staff_user)
    # The page's clock reads 09:10 on the booked day.
    set_clock(at(day, 9, 10))
    url = f"/centers/check-in/{seat.checkin_token}/"
    assert client.get(url).status_code == 200
    client.post(url)
    booking.refresh_from_db()
    assert booking.status == "checked_in"


def test_the_qr_code_page_without_a_booking_says_so(client_for, staff_user, center):
    seat = center.seats.get(label="A1")
    response = client_for(staff_user).post(f"/centers/check-in/{seat.checkin_token}/")
    assert response.status_code == 400


def test_the_qr_code_of_a_free_seat_books_it_and_checks_in(
    client_for, staff_user, center, set_clock
):
    seat = center.seats.get(label="A1")
    day = MONDAY
    set_clock(at(day, 10, 5))
    client = client_for(staff_user)
    url = f"/centers/check-in/{seat.checkin_token}/"
    page = client.get(url).content.decode()
    assert 'name="walk_in" value="am"' in page and 'name="walk_in" value="full"' in page
    assert 'value="pm"' not in page
    response = client.post(url, {"walk_in": "am"})
    assert response.status_code == 302
    booking = Booking.objects.get(user=staff_user, seat=seat)
    assert (booking.date, booking.slot, booking.status) == (day, "am", "checked_in")


def test_the_qr_code_of_a_taken_seat_offers_the_nearest_free_one(
    client_for, staff_user, center, set_clock
):
    seat = center.seats.get(label="A1")
    day = MONDAY
    Booking.objects.create(user=UserFactory(), seat=seat, date=day, slot="full")
    set_clock(at(day, 10, 5))
    client = client_for(staff_user)
    url = f"/centers/check-in/{seat.checkin_token}/"
    assert 'name="walk_in"' not in client.get(url).content.decode()
    response = client.post(url, {"walk_in": "am"})
    assert response.status_code == 409
    assert "A2" in response.content.decode()
    assert not Booking.objects.filter(user=staff_user).exists()


def test_the_qr_code_page_signs_in_first(client, center):
    seat = center.seats.get(label="A1")
    response = client.get(f"/centers/check-in/{seat.checkin_token}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/centers/check-in/")


def test_an_unknown_qr_token_is_404(client_for, staff_user):
    assert client_for(staff_user).get("/centers/check-in/nope/").status_code == 404


def test_managers_see_occupancy_charts(client_for, manager_user, center):
    Booking.objects.create(
        user=UserFactory(), seat=center.seats.get(label="A1"), date=MONDAY, slot="full"
    )
    response = client_for(manager_user).get("/centers/stats/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<svg") >= 2
    assert response.context["per_center"][0]["booked"] == 2


def test_staff_do_not_see_the_figures(client_for, staff_user):
    assert client_for(staff_user).get("/centers/stats/").status_code == 403


def test_occupancy_exports_as_csv(client_for, admin_user, center):
    day = MONDAY
    Booking.objects.create(
        user=UserFactory(), seat=center.seats.get(label="A1"), date=day, slot="am"
    )
    response = client_for(admin_user).get(
        "/centers/stats/occupancy.csv", {"start": day, "end": day}
    )
    assert response["Content-Type"].startswith("text/csv")
    lines = response.content.decode("utf-8-sig").splitlines()
    assert len(lines) == 2
    assert lines[1].startswith(f"노은도서관 스마트워크센터,{day.isoformat()},2,1,25.0")


def test_admins_print_a_qr_sheet_per_center(client_for, admin_user, center):
    response = client_for(admin_user).get(f"/admin/smartcenters/center/qr-sheet/?ids={center.pk}")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('class="segno"') == 2
    assert "A1" in html and "A2" in html


def test_the_booking_rules_are_edited_on_one_page(client_for, admin_user):
    client = client_for(admin_user)
    response = client.get("/admin/smartcenters/bookingrules/")
    assert response.status_code == 302
    assert client.get(response["Location"]).status_code == 200


def test_a_refused_request_goes_back_to_the_seat_map_with_its_reason(
    client_for, staff_user, center
):
    seat_map = f"http://testserver/centers/{center.pk}/?date={MONDAY}&slot=full"
    response = client_for(staff_user).post(
        f"/centers/{center.pk}/waitlist/", query(MONDAY), HTTP_REFERER=seat_map, follow=True
    )
    assert response.redirect_chain == [(seat_map, 302)]
    assert len(list(response.context["messages"])) == 1
    assert not WaitlistEntry.objects.filter(user=staff_user).exists()
