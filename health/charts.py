"""Bar charts drawn on the server as SVG: the geometry is computed here, the template only
draws the rectangles and labels (no JavaScript, nothing from elsewhere).

The drawing is small (400 units wide) and scales to the width of its column: on a phone it is
drawn about at its own size, so the labels stay readable; every figure is also in the data
table under the chart."""

import math
from collections.abc import Sequence
from dataclasses import dataclass

WIDTH = 400
HEIGHT = 220
LEFT = 32  # room for the scale's figures
RIGHT = 8
TOP = 12
BOTTOM = 36  # room for the labels under the bars
PLOT_HEIGHT = HEIGHT - TOP - BOTTOM


@dataclass(frozen=True)
class Series:
    name: str
    css_class: str  # its colour, from the portal's stylesheet


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    width: float
    height: float
    css_class: str
    # What the bar shows, for a pointer hovering it (the template words it).
    group: str
    series: str
    value: int


@dataclass(frozen=True)
class Tick:
    y: float
    value: int


@dataclass(frozen=True)
class XLabel:
    x: float
    text: str


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    rects: list[Rect]
    ticks: list[Tick]
    labels: list[XLabel]
    baseline: float
    plot_left: int
    plot_right: int

    @property
    def empty(self) -> bool:
        return not self.rects


def _nice_top(largest: int) -> int:
    """A round top for the scale: 1 to 5 steps of 1, 2, 5, 10, 20, 50..."""
    if largest <= 5:
        return max(largest, 1)
    step = 10 ** math.floor(math.log10(largest))
    for multiple in (1, 2, 5, 10):
        if largest <= multiple * step:
            return multiple * step
    return 10 * step


def bar_chart(
    *,
    labels: Sequence[str],
    values: Sequence[Sequence[int]],
    series: Sequence[Series],
    stacked: bool,
) -> BarChart:
    """``values[i][s]``: the figure of series ``s`` for the group ``labels[i]``. Stacked bars
    pile the series up; otherwise they stand side by side in each group."""
    groups = len(labels)
    totals = [sum(group) if stacked else max(group, default=0) for group in values]
    top = _nice_top(max(totals, default=0))
    plot_width = WIDTH - LEFT - RIGHT
    slot = plot_width / groups if groups else plot_width
    bar_area = slot * 0.7
    baseline = TOP + PLOT_HEIGHT

    def height_of(value: int) -> float:
        return round(PLOT_HEIGHT * value / top, 2)

    rects: list[Rect] = []
    x_labels: list[XLabel] = []
    for index, (label, group) in enumerate(zip(labels, values, strict=True)):
        start = LEFT + index * slot + (slot - bar_area) / 2
        x_labels.append(XLabel(x=round(LEFT + index * slot + slot / 2, 2), text=label))
        piled = 0.0
        for position, (one_series, value) in enumerate(zip(series, group, strict=True)):
            if not value:
                continue
            height = height_of(value)
            if stacked:
                x, width = start, bar_area
                y = baseline - piled - height
                piled += height
            else:
                width = bar_area / len(series)
                x, y = start + position * width, baseline - height
            rects.append(
                Rect(
                    x=round(x, 2),
                    y=round(y, 2),
                    width=round(width, 2),
                    height=height,
                    css_class=one_series.css_class,
                    group=label,
                    series=one_series.name,
                    value=value,
                )
            )
    steps = top if top <= 5 else 5
    ticks = [
        Tick(y=round(baseline - PLOT_HEIGHT * step / steps, 2), value=round(top * step / steps))
        for step in range(steps + 1)
    ]
    return BarChart(
        width=WIDTH,
        height=HEIGHT,
        rects=rects,
        ticks=ticks,
        labels=x_labels,
        baseline=baseline,
        plot_left=LEFT,
        plot_right=WIDTH - RIGHT,
    )
