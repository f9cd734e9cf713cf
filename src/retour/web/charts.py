"""Vega-Lite specifications of the dashboards' charts, built as dicts and embedded in the page
with ``json_script`` (``static/retour/charts.js`` draws them with vega-embed and Vega's
CSP-safe expression interpreter). The data table beside each chart is its text equivalent, so a
chart carries only a short description for assistive technology. Withheld figures are left out
of a chart (a gap), never drawn as zero."""

from __future__ import annotations

from typing import Any

from django.utils.translation import get_language

SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"
WIDTH = "container"
FONT = "'Noto Sans', sans-serif"
# Numbers as the page writes them (Vega's d3-format locale); English is Vega's default.
NUMBER_LOCALES = {
    "nl": {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["€ ", ""]},
}
# Colours of NL Design System's example theme family, distinguishable in print and for the
# common colour-vision deficiencies (Okabe & Ito's palette).
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]


def _base(description: str, values: list[dict[str, Any]]) -> dict[str, Any]:
    locale = NUMBER_LOCALES.get((get_language() or "en")[:2])
    return {
        "$schema": SCHEMA,
        "description": description,
        "width": WIDTH,
        # The axes' labels count in the width, so a long label is not cut off at the edge.
        "autosize": {"type": "fit-x", "contains": "padding"},
        "padding": 5,
        "data": {"values": values},
        "config": {
            # The container names the chart and the table gives its figures: the marks and
            # guides stay out of the accessibility tree.
            "aria": False,
            # The theme's typeface (--basis-text-font-family-default), given to Vega rather
            # than set in CSS so that Vega measures the labels it lays out in it.
            "font": FONT,
            "range": {"category": PALETTE},
            "axis": {"labelFontSize": 12, "titleFontSize": 13},
            "legend": {"labelFontSize": 12, "titleFontSize": 13, "orient": "bottom"},
            **({"locale": {"number": locale}} if locale else {}),
        },
    }


def _value_axis(title: str, whole: bool) -> dict[str, Any]:
    """The quantitative axis; counts get whole-number ticks only."""
    axis: dict[str, Any] = {"field": "value", "type": "quantitative", "title": title}
    if whole:
        axis["axis"] = {"tickMinStep": 1, "format": "d"}
    return axis


def line_chart(
    description: str,
    points: list[dict[str, Any]],
    *,
    value_title: str,
    series_title: str | None,
    whole: bool = False,
) -> dict[str, Any]:
    """One line per series over the quarters: ``points`` are
    ``{"quarter": ..., "series": ..., "value": ...}`` (value None: not drawn)."""
    encoding: dict[str, Any] = {
        "x": {"field": "quarter", "type": "ordinal", "title": None, "axis": {"labelAngle": 0}},
        "y": _value_axis(value_title, whole),
    }
    if series_title is not None:
        encoding["color"] = {"field": "series", "type": "nominal", "title": series_title}
    return {
        **_base(description, [p for p in points if p["value"] is not None]),
        "height": 320,
        "mark": {"type": "line", "point": True},
        "encoding": encoding,
    }


def bar_chart(
    description: str, bars: list[dict[str, Any]], *, value_title: str, whole: bool = False
) -> dict[str, Any]:
    """Horizontal bars in the given order: ``bars`` are ``{"label": ..., "value": ...}``. The
    labels' axis has no title: the labels say what they are, and a title would overlap them."""
    order = [b["label"] for b in bars]
    return {
        **_base(description, [b for b in bars if b["value"] is not None]),
        "height": {"step": 28},
        "mark": {"type": "bar", "color": PALETTE[0]},
        "encoding": {
            "y": {"field": "label", "type": "nominal", "sort": order, "title": None},
            "x": _value_axis(value_title, whole),
        },
    }


def grouped_bar_chart(
    description: str,
    bars: list[dict[str, Any]],
    *,
    value_title: str,
    measure_title: str,
) -> dict[str, Any]:
    """Horizontal bars of counts, one per measure within each label: ``bars`` are
    ``{"label": ..., "measure": ..., "value": ...}`` in the order to show."""
    labels = list(dict.fromkeys(b["label"] for b in bars))
    measures = list(dict.fromkeys(b["measure"] for b in bars))
    return {
        **_base(description, [b for b in bars if b["value"] is not None]),
        "height": {"step": 18 * len(measures) + 8},
        "mark": {"type": "bar"},
        "encoding": {
            "y": {"field": "label", "type": "nominal", "sort": labels, "title": None},
            "yOffset": {"field": "measure", "sort": measures},
            "x": _value_axis(value_title, whole=True),
            "color": {
                "field": "measure",
                "type": "nominal",
                "sort": measures,
                "title": measure_title,
            },
        },
    }


def has_figures(spec: dict[str, Any]) -> bool:
    """Whether the chart would draw anything but an empty frame (some value not zero)."""
    return any(point.get("value") for point in spec["data"]["values"])
