"""Exports for the personnel office and server-drawn SVG bar charts for the statistics page."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from . import rules, selectors


def export_table(start: dt.date, end: dt.date) -> tuple[list[str], list[list]]:
    header = [
        _("Date"),
        _("Employee number"),
        _("Name"),
        _("Department"),
        _("Position"),
        _("Kind"),
        _("Status"),
        _("Start"),
        _("End"),
        _("Hours"),
        _("Center"),
        _("Seat"),
        _("Approval document"),
    ]
    rows = []
    for day in selectors.export_rows(start, end):
        user, arrangement = day.user, day.arrangement
        seat = day.booking.seat if day.booking_id else None
        rows.append(
            [
                day.date.isoformat(),
                user.employee_number or "",
                user.full_name,
                str(user.department or ""),
                str(user.position or ""),
                str(arrangement.get_kind_display()),
                str(arrangement.get_status_display()),
                rules.fmt_time(day.start_time) if day.start_time else "",
                rules.fmt_time(day.end_time) if day.end_time else "",
                float(day.hours),
                seat.center.name if seat else "",
                seat.label if seat else "",
                arrangement.approval_id or "",
            ]
        )
    return header, rows


def bar_chart(pairs: list[tuple[str, int]], *, vertical: bool = False) -> dict:
    """Geometry of a bar chart for the template to draw as SVG (no script, no inline style)."""
    top = max((n for _label, n in pairs), default=0) or 1
    if vertical:
        width, height, gap = 40, 160, 8
        bars = []
        for index, (label, value) in enumerate(pairs):
            bar = round(value / top * (height - 30))
            bars.append(
                {
                    "label": label,
                    "value": value,
                    "x": index * (width + gap),
                    "y": height - 20 - bar,
                    "width": width,
                    "height": bar,
                    "text_x": index * (width + gap) + width // 2,
                }
            )
        return {
            "vertical": True,
            "bars": bars,
            "width": len(pairs) * (width + gap),
            "height": height,
            "baseline": height - 20,
            "value_y_offset": 4,
        }
    row, label_width, bar_width = 28, 160, 300
    bars = []
    for index, (label, value) in enumerate(pairs):
        bars.append(
            {
                "label": label,
                "value": value,
                "y": index * row,
                "text_y": index * row + 18,
                "width": max(round(value / top * bar_width), 1 if value else 0),
                "value_x": label_width + max(round(value / top * bar_width), 0) + 6,
            }
        )
    return {
        "vertical": False,
        "bars": bars,
        "label_width": label_width,
        "width": label_width + bar_width + 60,
        "height": max(len(pairs) * row, row),
    }
