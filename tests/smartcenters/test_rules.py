"""Pure booking rules: half-day ranges, windows and deadlines, distances."""

from datetime import date

from smartcenters import rules

from .factories import at

MONDAY = date(2026, 3, 2)


def test_half_days_of_a_morning_an_afternoon_and_a_whole_day():
    base = MONDAY.toordinal() * 2
    assert rules.halfdays(MONDAY, rules.AM) == (base, base + 1)
    assert rules.halfdays(MONDAY, rules.PM) == (base + 1, base + 2)
    assert rules.halfdays(MONDAY, rules.FULL) == (base, base + 2)


def test_whole_day_overlaps_both_halves_but_halves_do_not_overlap():
    assert rules.slots_overlap(rules.AM, rules.FULL)
    assert rules.slots_overlap(rules.PM, rules.FULL)
    assert not rules.slots_overlap(rules.AM, rules.PM)


def test_booking_window_last_day_is_days_ahead():
    now = at(MONDAY, 8)
    assert (
        rules.check_booking_window(day=date(2026, 3, 16), slot=rules.FULL, now=now, days_ahead=14)
        is None
    )
    violation = rules.check_booking_window(
        day=date(2026, 3, 17), slot=rules.FULL, now=now, days_ahead=14
    )
    assert violation.field == "date"


def test_a_slot_that_ended_cannot_be_booked():
    assert (
        rules.check_booking_window(day=MONDAY, slot=rules.AM, now=at(MONDAY, 12, 59), days_ahead=14)
        is None
    )
    assert rules.check_booking_window(day=MONDAY, slot=rules.AM, now=at(MONDAY, 13), days_ahead=14)


def test_check_in_window_opens_thirty_minutes_early_and_closes_at_the_deadline():
    opens, closes = rules.checkin_window(MONDAY, rules.PM, 60)
    assert opens == at(MONDAY, 12, 30)
    assert closes == at(MONDAY, 14)


def test_weekends_and_closures_close_a_center():
    saturday = date(2026, 3, 7)
    assert not rules.is_open_on(saturday, opens_on_weekends=False, closures=[])
    assert rules.is_open_on(saturday, opens_on_weekends=True, closures=[])
    assert not rules.is_open_on(MONDAY, opens_on_weekends=False, closures=[(MONDAY, MONDAY)])


def test_distance_between_two_centers_is_a_few_kilometres():
    km = rules.distance_km(36.2995, 127.3176, 36.3727, 127.3178)
    assert 8 < km < 8.3


def test_default_day_after_closing_time_is_the_next_working_day():
    friday = date(2026, 3, 6)
    assert rules.default_booking_day(at(friday, 17)) == friday
    assert rules.default_booking_day(at(friday, 18)) == date(2026, 3, 9)
