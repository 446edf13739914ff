"""Factories for centers, seats and bookings."""

from datetime import date, datetime, timedelta

import factory

from core import clock
from core.workdays import public_holiday_name
from smartcenters import rules
from smartcenters.models import Booking, Center, CenterClosure, Seat
from tests.factories import UserFactory


class CenterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Center

    name = factory.Sequence(lambda n: f"테스트 스마트워크센터 {n}")
    short_name = factory.Sequence(lambda n: f"센터{n}")
    address = "대전광역시 유성구 대학로 211"
    latitude = factory.Sequence(lambda n: 36.36 + n * 0.01)
    longitude = 127.35


class SeatFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Seat

    center = factory.SubFactory(CenterFactory)
    label = factory.Sequence(lambda n: f"S{n:03d}")
    x = factory.Sequence(lambda n: (n * 7) % 100)
    y = factory.Sequence(lambda n: (n * 3) % 60)


class ClosureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CenterClosure

    center = factory.SubFactory(CenterFactory)
    reason = "공사"


class BookingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Booking

    user = factory.SubFactory(UserFactory)
    seat = factory.SubFactory(SeatFactory)
    date = factory.LazyFunction(lambda: next_weekday())
    slot = rules.FULL


def next_weekday(after: date | None = None, days: int = 1) -> date:
    """A weekday that is no public holiday, at least `days` after `after` (default today):
    every center is open on it."""
    day = (after or clock.today()) + timedelta(days=days)
    while day.weekday() >= 5 or public_holiday_name(day):
        day += timedelta(days=1)
    return day


def at(day: date, hour: int, minute: int = 0) -> datetime:
    """A moment in Seoul."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=rules.SEOUL)
