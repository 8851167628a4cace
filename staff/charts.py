"""Bar charts as inline SVG: pure geometry here, drawn by templates/staff/_bars.html.

Server-side SVG needs no script (CSP) and scales to a phone's width (viewBox)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str
    x: float
    y: float
    width: float
    height: float
    label_x: float
    label_y: float
    value_x: float
    value_y: float


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    bars: list[Bar]
    horizontal: bool


def column_chart(points, *, width=600, height=220, gap=6, label_room=28, value_room=16) -> Chart:
    """Vertical bars for (label, value[, text]) points, tallest = full plot height."""
    points = [_point(p) for p in points]
    top = max((value for _label, value, _text in points), default=0) or 1
    plot = height - label_room - value_room
    step = width / max(len(points), 1)
    bars = []
    for i, (label, value, text) in enumerate(points):
        h = plot * value / top
        x = i * step + gap / 2
        y = value_room + plot - h
        bars.append(
            Bar(label, value, text, x, y, step - gap, h, x + (step - gap) / 2, height - 8, x + (step - gap) / 2, y - 4)
        )
    return Chart(width, height, bars, horizontal=False)


def bar_chart(points, *, width=600, row=26, label_room=150, value_room=60, maximum=None) -> Chart:
    """Horizontal bars, one row per point: long labels stay readable on a phone."""
    points = [_point(p) for p in points]
    top = maximum or max((value for _label, value, _text in points), default=0) or 1
    plot = width - label_room - value_room
    bars = []
    for i, (label, value, text) in enumerate(points):
        w = plot * value / top
        y = i * row + 4
        bars.append(
            Bar(
                label,
                value,
                text,
                label_room,
                y,
                w,
                row - 8,
                label_room - 6,
                y + row / 2,
                label_room + w + 4,
                y + row / 2,
            )
        )
    return Chart(width, row * len(points) + 8, bars, horizontal=True)


def _point(point):
    label, value, *rest = point
    value = float(value or 0)
    return str(label), value, str(rest[0]) if rest else f"{value:g}"
