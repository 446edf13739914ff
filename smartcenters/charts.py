"""Server-drawn SVG: a center's floor plan and the occupancy charts (no JavaScript needed)."""

from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

SEAT_W, SEAT_H = 9, 7


def floor_plan(center, seats) -> SafeString:
    """Seats at their floor-plan positions; each links to its row in the list below the plan."""
    width = max(center.floor_plan_width, max((s.x + SEAT_W for s in seats), default=0))
    height = max(center.floor_plan_height, max((s.y + SEAT_H for s in seats), default=0))
    parts = [
        f'<svg class="floor-plan" viewBox="-2 -2 {width + 4} {height + 4}" role="img" '
        f'aria-labelledby="plan-title-{center.pk}" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="plan-title-{center.pk}">{escape(_("Floor plan of %(center)s") % {"center": center.name})}</title>',
        f'<rect class="room" x="-1" y="-1" width="{width + 2}" height="{height + 2}" rx="2"/>',
    ]
    for seat in seats:
        state = "mine" if seat.is_mine else ("free" if seat.is_free else "taken")
        state_label = {"mine": _("your booking"), "free": _("free"), "taken": _("taken")}[state]
        parts.append(
            f'<a href="#seat-{seat.pk}" class="seat {state}">'
            f"<title>{escape(seat.label)}: {escape(state_label)}</title>"
            f'<rect x="{seat.x}" y="{seat.y}" width="{SEAT_W}" height="{SEAT_H}" rx="1.2"/>'
            f'<text x="{seat.x + SEAT_W / 2}" y="{seat.y + SEAT_H / 2 + 1.2}" text-anchor="middle">'
            f"{escape(seat.label)}</text></a>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308  every interpolated text is escaped above


def _percent(value: float) -> str:
    return f"{value * 100:.0f}%"


def center_bars(per_center: list[dict]) -> SafeString:
    """Horizontal bars: occupancy of each center over the period."""
    row_h, label_w, bar_w = 28, 190, 300
    height = row_h * max(len(per_center), 1) + 10
    parts = [
        f'<svg class="chart" viewBox="0 0 {label_w + bar_w + 60} {height}" role="img" '
        f'aria-labelledby="center-chart-title" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="center-chart-title">{escape(_("Occupancy per center"))}</title>',
    ]
    for i, entry in enumerate(per_center):
        y = 5 + i * row_h
        length = round(bar_w * min(entry["occupancy"], 1.0), 1)
        parts.append(
            f'<text class="label" x="{label_w - 6}" y="{y + 17}" text-anchor="end">'
            f"{escape(entry['center'].short_name)}</text>"
            f'<rect class="track" x="{label_w}" y="{y + 4}" width="{bar_w}" height="18" rx="3"/>'
            f'<rect class="bar" x="{label_w}" y="{y + 4}" width="{length}" height="18" rx="3"/>'
            f'<text class="value" x="{label_w + bar_w + 6}" y="{y + 17}">{_percent(entry["occupancy"])}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308  names are escaped, numbers are formatted


def day_columns(per_day: list[dict]) -> SafeString:
    """Columns: occupancy of all centers together, day by day."""
    chart_h, col_w, gap, top, bottom = 160, 14, 4, 10, 40
    width = max(len(per_day), 1) * (col_w + gap) + 40
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {chart_h + top + bottom}" role="img" '
        f'aria-labelledby="day-chart-title" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="day-chart-title">{escape(_("Occupancy per day, all centers"))}</title>',
        f'<line class="axis" x1="30" y1="{top + chart_h}" x2="{width}" y2="{top + chart_h}"/>',
        f'<text class="value" x="0" y="{top + 4}">100%</text>',
        f'<text class="value" x="8" y="{top + chart_h}">0%</text>',
    ]
    for i, entry in enumerate(per_day):
        x = 34 + i * (col_w + gap)
        h = round(chart_h * min(entry["occupancy"], 1.0), 1)
        day = entry["day"]
        parts.append(
            f"<g><title>{escape(date_format(day, 'SHORT_DATE_FORMAT'))}: {_percent(entry['occupancy'])}</title>"
            f'<rect class="bar{" weekend" if day.weekday() >= 5 else ""}" x="{x}" y="{top + chart_h - h}" '
            f'width="{col_w}" height="{h}"/></g>'
        )
        if day.weekday() == 0 or i == 0:
            parts.append(
                f'<text class="tick" x="{x}" y="{top + chart_h + 16}">{day.month}/{day.day}</text>'
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308  only dates and numbers are interpolated
