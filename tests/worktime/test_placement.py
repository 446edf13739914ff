"""Where the people of a closed building are placed: the nearest center, without the database."""

from worktime.closures import placement


def test_seats_go_to_the_nearest_center_while_they_last():
    centers = [(1, 36.36, 127.30), (2, 36.40, 127.40)]
    people = [(10, (36.361, 127.301)), (11, (36.362, 127.302)), (12, (36.399, 127.399)), (13, None)]
    result = placement.assign_seats(people, {1: [100], 2: [200, 201]}, centers)
    assert result[10] == (1, 100)
    assert result[12] == (2, 200)  # nearer to center 2 than person 11 is to center 1
    assert result[11] == (2, 201)  # center 1 is full
    assert result[13] is None


def test_haversine_is_in_kilometres():
    assert 110 < placement.distance_km(36, 127, 37, 127) < 112
