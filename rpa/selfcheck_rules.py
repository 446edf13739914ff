"""Pure rules of the self-checks: which answer is flagged, a masked name, the temperature chart."""

import datetime
from dataclasses import dataclass
from decimal import Decimal


def is_flagged(
    temperature: Decimal, symptoms: list[str], *, fever_from: Decimal, flag_any_symptom: bool
) -> bool:
    """A fever at or above the threshold, or (when the health lead says so) any symptom."""
    return temperature >= fever_from or (flag_any_symptom and bool(symptoms))


def mask_name(name: str) -> str:
    """홍길동 → 홍*동, 이순 → 이*: a resident's name as lists and the API show it."""
    name = "".join(name.split())
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


@dataclass(frozen=True)
class ChartPoint:
    x: float
    y: float
    day: datetime.date
    temperature: Decimal
    flagged: bool


@dataclass(frozen=True)
class Chart:
    """A small temperature chart's geometry, drawn as SVG by the template: no script needed."""

    width: int
    height: int
    points: list[ChartPoint]
    threshold_y: float
    polyline: str


CHART_WIDTH, CHART_HEIGHT, CHART_PAD = 280, 80, 8
# Fixed scale so that charts of different residents compare at a glance.
CHART_LOW, CHART_HIGH = Decimal("35.5"), Decimal("40.0")


def temperature_chart(
    checks: list[tuple[datetime.date, Decimal, bool]],
    *,
    start: datetime.date,
    end: datetime.date,
    fever_from: Decimal,
) -> Chart:
    """Points for each (day, temperature, flagged) over the quarantine from `start` to `end`."""
    span = max((end - start).days, 1)
    inner_w, inner_h = CHART_WIDTH - 2 * CHART_PAD, CHART_HEIGHT - 2 * CHART_PAD

    def y_of(value: Decimal) -> float:
        clipped = min(max(value, CHART_LOW), CHART_HIGH)
        share = float((clipped - CHART_LOW) / (CHART_HIGH - CHART_LOW))
        return round(CHART_PAD + inner_h * (1 - share), 1)

    points = [
        ChartPoint(
            x=round(CHART_PAD + inner_w * min(max((day - start).days, 0), span) / span, 1),
            y=y_of(temperature),
            day=day,
            temperature=temperature,
            flagged=flagged,
        )
        for day, temperature, flagged in sorted(checks)
    ]
    return Chart(
        width=CHART_WIDTH,
        height=CHART_HEIGHT,
        points=points,
        threshold_y=y_of(fever_from),
        polyline=" ".join(f"{p.x},{p.y}" for p in points),
    )
