"""Layouts for the small pictures drawn as inline SVG by the templates (timeline, map).

Computed here in Python so they need no JavaScript and no third-party code; the templates only place
the shapes, and Jinja2 escapes every label.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Mark:
    x: float
    y: float
    item: object  # the caller's item (has .iri, .label, .date, .category)


@dataclass(frozen=True)
class Timeline:
    width: int
    height: int
    marks: list[Mark]
    ticks: list[tuple[float, str]]  # x, label


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(str(text)[:10])
    except ValueError:
        return None


def timeline(items: list, width: int = 900, lane: float = 22, margin: int = 40) -> Timeline:
    """Items (with an ISO ``date``) along a date axis; items of the same day stack upwards."""
    dated = [(d, item) for item in items if (d := _day(item.date)) is not None]
    if not dated:
        return Timeline(width, 60, [], [])
    first, last = min(d for d, _ in dated), max(d for d, _ in dated)
    span = max((last - first).days, 1)
    inner = width - 2 * margin
    stacks: dict[int, int] = {}
    placed = []
    for day, item in sorted(dated, key=lambda pair: pair[0]):
        x = margin + inner * (day - first).days / span if last != first else width / 2
        bucket = round(x / 14)  # marks closer than ~14 px share a stack
        level = stacks.get(bucket, 0)
        stacks[bucket] = level + 1
        placed.append((x, level, item))
    levels = max(level for _, level, _ in placed) + 1
    lane = max(min(lane, 200 / levels), 4)  # a crowded day squeezes its stack instead of growing the picture
    height = round(40 + levels * lane)
    marks = [Mark(round(x, 1), height - 30 - level * lane, item) for x, level, item in placed]
    ticks = _ticks(first, last, margin, inner)
    return Timeline(width, height, marks, ticks)


def _ticks(first: date, last: date, margin: int, inner: int, count: int = 6) -> list[tuple[float, str]]:
    span = (last - first).days
    if span == 0:
        return [(margin + inner / 2, first.isoformat())]
    step = max(span // (count - 1), 1)
    ticks = []
    for offset in range(0, span + 1, step):
        day = date.fromordinal(first.toordinal() + offset)
        ticks.append((round(margin + inner * offset / span, 1), day.isoformat()))
    return ticks


@dataclass(frozen=True)
class MapPoint:
    x: float
    y: float
    label: str
    iri: str
    main: bool


def map_points(points: list[tuple[float, float, str, str, bool]], width: int = 720) -> tuple[int, int, list[MapPoint]]:
    """Equirectangular projection of (lat, long, label, iri, is_main) onto a width x width/2 box."""
    height = width // 2
    placed = [MapPoint(round((lon + 180) / 360 * width, 1), round((90 - lat) / 180 * height, 1), label, iri, main)
              for lat, lon, label, iri, main in points
              if -90 <= lat <= 90 and -180 <= lon <= 180]
    return width, height, placed
