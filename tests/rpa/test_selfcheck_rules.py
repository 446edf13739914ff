"""The pure rules of the self-checks: flagging, masked names, the chart's geometry."""

import datetime
from decimal import Decimal

from rpa import selfcheck_rules

D = Decimal


def flagged(temperature: str, symptoms=(), fever_from="37.5", any_symptom=True) -> bool:
    return selfcheck_rules.is_flagged(
        D(temperature), list(symptoms), fever_from=D(fever_from), flag_any_symptom=any_symptom
    )


def test_a_temperature_at_the_threshold_is_flagged_and_just_below_is_not():
    assert flagged("37.5") and flagged("38.4")
    assert not flagged("37.4")


def test_any_symptom_is_flagged_unless_the_health_lead_turned_that_off():
    assert flagged("36.5", ["cough"])
    assert not flagged("36.5", ["cough"], any_symptom=False)


def test_a_raised_threshold_stops_flagging_a_mild_temperature():
    assert not flagged("37.6", fever_from="38.0")


def test_names_are_masked_in_the_middle():
    assert selfcheck_rules.mask_name("홍길동") == "홍*동"
    assert selfcheck_rules.mask_name("남궁민수") == "남**수"
    assert selfcheck_rules.mask_name("이순") == "이*"
    assert selfcheck_rules.mask_name("김") == "김"


def test_the_chart_places_days_left_to_right_and_fevers_higher():
    start = datetime.date(2026, 3, 1)
    chart = selfcheck_rules.temperature_chart(
        [
            (start + datetime.timedelta(days=2), D("38.4"), True),
            (start, D("36.5"), False),
        ],
        start=start,
        end=start + datetime.timedelta(days=4),
        fever_from=D("37.5"),
    )
    first, second = chart.points
    assert first.day == start and first.x < second.x
    assert second.y < chart.threshold_y < first.y  # SVG's y grows downwards
    assert chart.polyline == f"{first.x},{first.y} {second.x},{second.y}"


def test_an_implausible_temperature_stays_inside_the_chart():
    day = datetime.date(2026, 3, 1)
    chart = selfcheck_rules.temperature_chart(
        [(day, D("44.0"), True)], start=day, end=day, fever_from=D("37.5")
    )
    assert 0 <= chart.points[0].y <= chart.height
