"""Charts drawn on the server as inline SVG: no script, no CDN, readable at any width."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from html import escape

from markupsafe import Markup

# Distinguishable for the common colour-vision deficiencies (Okabe & Ito).
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442",
           "#000000")
WIDTH, HEIGHT = 640, 220
LEFT, BOTTOM, TOP = 40, 24, 10


@dataclass(frozen=True, kw_only=True, slots=True)
class Series:
    name: str
    values: tuple[int, ...]  # one per day
    colour: str


def series(data: Mapping[str, Sequence[int]], colours: Mapping[str, str] | None = None,
           ) -> list[Series]:
    """Series in the order given, coloured from `colours` or the palette."""
    return [Series(name=name, values=tuple(values),
                   colour=(colours or {}).get(name, PALETTE[i % len(PALETTE)]))
            for i, (name, values) in enumerate(data.items())]


def stacked_bars(days: Sequence[date], lines: Sequence[Series], *, label: str) -> Markup:
    """One bar per day, the series stacked bottom up; each segment has a tooltip and carries
    its series, day and value as data attributes."""
    totals = [sum(s.values[i] for s in lines) for i in range(len(days))]
    top = _nice(max(totals, default=0))
    plot_w, plot_h = WIDTH - LEFT - 4, HEIGHT - BOTTOM - TOP
    step = plot_w / max(len(days), 1)
    bar = max(step * 0.8, 1.0)
    out = [f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
           f'aria-label="{escape(label)}" xmlns="http://www.w3.org/2000/svg">',
           f"<title>{escape(label)}</title>"]
    for frac in (0.0, 0.5, 1.0):
        y = TOP + plot_h * (1 - frac)
        out.append(f'<line x1="{LEFT}" x2="{WIDTH - 4}" y1="{y:.1f}" y2="{y:.1f}" class="grid"/>')
        out.append(f'<text x="{LEFT - 4}" y="{y + 4:.1f}" text-anchor="end" class="axis">'
                   f"{_short(top * frac)}</text>")
    for i, day in enumerate(days):
        x = LEFT + i * step + (step - bar) / 2
        base = 0.0
        for s in lines:
            value = s.values[i]
            if value <= 0:
                continue
            h = plot_h * value / top
            y = TOP + plot_h - base - h
            out.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" '
                f'fill="{s.colour}" data-series="{escape(s.name)}" data-day="{day.isoformat()}" '
                f'data-value="{value}"><title>{day.isoformat()} {escape(s.name)}: {value}'
                "</title></rect>")
            base += h
        # A date every week is all that fits on a phone.
        if (len(days) - 1 - i) % 7 == 0:
            # The newest date ends at its bar, so it is not cut off at the right edge.
            last = i == len(days) - 1
            anchor, at = ("end", x + bar) if last else ("middle", x + bar / 2)
            out.append(f'<text x="{at:.1f}" y="{HEIGHT - 6}" text-anchor="{anchor}" '
                       f'class="axis">{day.strftime("%d %b")}</text>')
    out.append("</svg>")
    return Markup("".join(out))


def legend(lines: Sequence[Series]) -> Markup:
    items = "".join(f'<li><span class="swatch" style="background:{s.colour}"></span>'
                    f"{escape(s.name)}</li>" for s in lines)
    return Markup(f'<ul class="legend">{items}</ul>')


def _nice(value: int) -> int:
    """The axis maximum: 1, 2 or 5 times a power of ten, at least the value (and 1)."""
    step = 1
    while True:
        for m in (1, 2, 5):
            if m * step >= value:
                return max(m * step, 1)
        step *= 10


def _short(value: float) -> str:
    return f"{value / 1000:.1f}k" if value >= 10_000 else f"{value:g}"
