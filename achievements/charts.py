"""Geometry for the small inline SVG charts on the profile (pure: numbers in, shapes out)."""

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Bar:
    day: date
    value: int
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class BarChart:
    bars: list[Bar]
    width: int
    height: int
    total: int
    best: Bar | None

    @property
    def active_days(self) -> int:
        return sum(1 for bar in self.bars if bar.value > 0)


def bar_chart(points: list[tuple[date, int]], *, width: int = 300, height: int = 100, gap: float = 2) -> BarChart:
    """One bar per point, scaled to the highest value; days with no (or negative) XP get no bar."""
    top = max((value for _, value in points), default=0)
    slot = width / len(points) if points else width
    bars = []
    for index, (day, value) in enumerate(points):
        bar_height = round(height * value / top, 2) if top > 0 and value > 0 else 0
        bars.append(
            Bar(
                day=day,
                value=value,
                x=round(index * slot + gap / 2, 2),
                y=round(height - bar_height, 2),
                width=round(max(slot - gap, 1), 2),
                height=bar_height,
            )
        )
    best = max((bar for bar in bars if bar.value > 0), key=lambda bar: bar.value, default=None)
    return BarChart(bars=bars, width=width, height=height, total=sum(v for _, v in points), best=best)
