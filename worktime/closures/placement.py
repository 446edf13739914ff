"""Where the people of a closed building work: each at the nearest center while seats last.

No database: people, free seats and centers come in as ids and coordinates. Distances are
the smart-work centers' own great-circle ones, so a closure and a trip measure alike.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from smartcenters.selectors import distance_km

# (center id, latitude, longitude); a center without a known position has None for both.
CenterPoint = tuple[int, float | None, float | None]
# (latitude, longitude) of where a person lives, None when it is not known.
Home = tuple[float, float] | None


def centers_by_distance(home: Home, centers: Iterable[CenterPoint]) -> list[int]:
    """Center ids nearest first from `home`; unknown homes or positions keep the given order."""
    centers = list(centers)
    if home is None:
        return [pk for pk, _lat, _lon in centers]

    def distance(item: CenterPoint) -> float:
        _pk, lat, lon = item
        if lat is None or lon is None:
            return float("inf")
        return distance_km(home[0], home[1], lat, lon)

    return [pk for pk, _lat, _lon in sorted(centers, key=distance)]


def assign_seats(
    people: list[tuple[int, Home]],
    free: Mapping[int, list[int]],
    centers: list[CenterPoint],
) -> dict[int, tuple[int, int] | None]:
    """Give each person a (center, seat) nearest their home while seats last, else None.

    People whose home is known go first, nearest first, so the nearest seats go to those they
    are nearest to; the rest fill what is left, fullest-capacity center first.
    """
    remaining = {center: list(seats) for center, seats in free.items()}

    def closeness(item: tuple[int, Home]) -> tuple[int, float]:
        _pk, home = item
        if home is None:
            return (1, 0.0)
        distances = [
            distance_km(home[0], home[1], lat, lon)
            for _c, lat, lon in centers
            if lat is not None and lon is not None
        ]
        return (0, min(distances) if distances else 0.0)

    result: dict[int, tuple[int, int] | None] = {}
    for person, home in sorted(people, key=closeness):
        if home is None:
            order = sorted(remaining, key=lambda c: -len(remaining[c]))
        else:
            order = centers_by_distance(home, centers)
        result[person] = None
        for center in order:
            if remaining.get(center):
                result[person] = (center, remaining[center].pop(0))
                break
    return result
