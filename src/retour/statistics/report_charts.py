"""The small trend chart of the quarterly report: bars for the quarters as inline SVG made
here, so that the PDF needs no script and the page no chart library. The chart is an image
with a text equivalent (``role="img"`` and its label); the figures are in the table beside it
too. Colours and shapes are SVG attributes, not ``style``, which the pages' CSP refuses."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from xml.sax.saxutils import escape, quoteattr

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

WIDTH, HEIGHT = 150, 56
LABEL_SPACE = 12  # below the bars, for the quarters' names
GAP = 6
BAR = "#5b7fa6"
CURRENT = "#1f3a5f"
EMPTY = "#8a8a8a"

Point = tuple[str, float | None, bool]  # quarter, value (None: none), withheld


def _short(quarter: str) -> str:
    """``2026Q1`` as ``Q1 26``: five fit under a small chart."""
    return f"{quarter[4:]} {quarter[2:4]}"


def trend_chart(
    points: Sequence[Point], unit: str, shown: Callable[[float | None, str], str]
) -> tuple[SafeString, str]:
    """The SVG of ``points`` (oldest first, the last one highlighted) and its description."""
    values = [v for _q, v, _w in points if v is not None]
    top = max([*values, 0.0]) or 1.0
    width = (WIDTH - GAP * (len(points) - 1)) / max(len(points), 1)
    room = HEIGHT - LABEL_SPACE - 2
    parts = []
    said = []
    for index, (quarter, value, hidden) in enumerate(points):
        x = index * (width + GAP)
        middle = x + width / 2
        if value is None:
            # A withheld or missing quarter is a short dash on the axis, not a bar of zero.
            parts.append(
                f'<line x1="{x + width / 4:.1f}" y1="{room - 1:.1f}" x2="{x + 3 * width / 4:.1f}" '
                f'y2="{room - 1:.1f}" stroke="{EMPTY}" stroke-width="2"'
                + (' stroke-dasharray="2 2"' if hidden else "")
                + "/>"
            )
            missing = pgettext("quarterly report", "withheld") if hidden else _("no figure")
            said.append(f"{quarter}: {missing}")
        else:
            height = max(room * value / top, 1.0)
            colour = CURRENT if index == len(points) - 1 else BAR
            parts.append(
                f'<rect x="{x:.1f}" y="{room - height:.1f}" width="{width:.1f}" '
                f'height="{height:.1f}" fill="{colour}"/>'
            )
            said.append(f"{quarter}: {shown(value, unit)}")
        parts.append(
            f'<text x="{middle:.1f}" y="{HEIGHT - 2}" font-size="8" text-anchor="middle" '
            f'fill="#333333">{escape(_short(quarter))}</text>'
        )
    description = _("Trend by quarter: %(figures)s") % {"figures": "; ".join(said)}
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="retour-trend" role="img" '
        f'width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f"aria-label={quoteattr(description)}>"
        f'<line x1="0" y1="{room:.1f}" x2="{WIDTH}" y2="{room:.1f}" stroke="#333333" '
        f'stroke-width="0.5"/>' + "".join(parts) + "</svg>"
    )
    return mark_safe(svg), description  # noqa: S308 - built here from numbers and escaped text
