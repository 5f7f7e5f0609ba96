"""Charts for the progress report: SVG for the web page, PNG for the PDF.

matplotlib with the Agg backend (no display), CJK-capable fonts first so
Chinese labels render, and nothing random: the same figures draw the same
chart. Each chart is drawn only in the picture format the document needs:
drawing both cost the HTML report a second for pictures it threw away
(docs/decisions/0076-report-benchmark.md). A chart drawn is kept, keyed by
everything it is drawn from (titles, categories, values, format): the same
inputs give the same picture, so a kept one can never show other figures,
and the report page stops spending half a second a view in matplotlib
(issue 16).
"""

from __future__ import annotations

import base64
import io
import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Literal

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402 - the backend must be chosen first

plt.rcParams["font.family"] = ["Noto Sans CJK TC", "Noto Serif CJK TC", "DejaVu Sans"]
plt.rcParams["svg.hashsalt"] = "reind"
plt.rcParams["svg.fonttype"] = "none"
_COLOURS = ("#1f5f8b", "#e07b39", "#6a9f58", "#b84a62")
Picture = Literal["svg", "png"]
"""Inline SVG text for a web page; a PNG data URI for the PDF (WeasyPrint draws it as is)."""


def bar_chart(
    title: str,
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[float]]],
    ylabel: str,
    fmt: str,
    picture: Picture,
) -> str:
    """A grouped bar chart as inline SVG text or as a PNG data URI.

    Each bar is drawn at the value its label shows (``fmt``'s rounding), so
    the picture changes only when what a reader can see of it changes: an
    approval of HK$100,000 moves no bar of a chart in HK$ million, and the
    report page keeps the chart it drew (issue 16) instead of drawing it
    again, 100-600 ms in matplotlib.
    """
    frozen = tuple((name, tuple(as_labelled(v, fmt) for v in values)) for name, values in series)
    return _drawn(title, tuple(categories), frozen, ylabel, fmt, picture)


def as_labelled(value: float, fmt: str) -> float:
    """``value`` rounded as its label ``fmt`` writes it: "{:,.0f}" gives 4,510.3 as 4510."""
    shown = re.search(r"-?[\d,]*\.?\d+", fmt.format(value))
    return float(shown.group(0).replace(",", "")) if shown else value


@lru_cache(maxsize=64)
def _drawn(
    title: str,
    categories: tuple[str, ...],
    series: tuple[tuple[str, tuple[float, ...]], ...],
    ylabel: str,
    fmt: str,
    picture: Picture,
) -> str:
    """The chart ``bar_chart`` describes, drawn once for each distinct set of inputs."""
    fig, ax = plt.subplots(figsize=(7.0, 3.2), dpi=110)
    width = 0.8 / max(len(series), 1)
    for index, (name, values) in enumerate(series):
        xs = [x + index * width - 0.4 + width / 2 for x in range(len(categories))]
        bars = ax.bar(xs, values, width, label=name, color=_COLOURS[index % len(_COLOURS)])
        ax.bar_label(bars, labels=[fmt.format(v) for v in values], fontsize=7, padding=1)
    ax.set_xticks(range(len(categories)), list(categories), fontsize=8)
    ax.tick_params(axis="y", labelsize=8)
    ax.set_ylabel(ylabel, fontsize=8)
    ax.set_title(title, fontsize=10)
    ax.spines[["top", "right"]].set_visible(False)
    if len(series) > 1:
        ax.legend(fontsize=7, frameon=False)
    fig.subplots_adjust(left=0.1, right=0.985, top=0.9, bottom=0.11)
    try:
        if picture == "svg":
            svg = io.StringIO()
            fig.savefig(svg, format="svg", metadata={"Date": None})
            text = svg.getvalue()
            return text[text.index("<svg") :]
        png = io.BytesIO()
        fig.savefig(png, format="png", metadata={"Software": None})
        return "data:image/png;base64," + base64.b64encode(png.getvalue()).decode()
    finally:
        plt.close(fig)
