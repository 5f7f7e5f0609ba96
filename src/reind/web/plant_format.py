"""Numbers and units on the plant pages, at the precision an operator reads them.

A sensor's float arrives with every bit it has ("184.44981570353025"); an
operator reads three or four significant figures, and a unit in the page's
language ("°C", "分鐘"). One place decides both, for pages, messages and the
live updates (plant.js mirrors ``number_text``'s rule).
"""

from __future__ import annotations

import math
from collections.abc import Callable

UNIT_SYMBOLS = {"degC": "°C", "pcs": "pcs", "bpm": "bottles/min"}
"""Engineering units as the machines name them, to what a person reads."""


def number_text(value: object) -> str:
    """``value`` at a sensible precision: 4 significant figures, at most 2 decimals.

    Whole numbers stay whole; booleans and text pass through unchanged.
    """
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "—" if value is None else str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if not math.isfinite(value):
        return "—"
    if value == int(value) and abs(value) < 1e15:
        return f"{int(value):,}"
    magnitude = abs(value)
    decimals = 0 if magnitude >= 1000 else 1 if magnitude >= 100 else 2
    return f"{value:,.{decimals}f}"


def limits_text(low: object, high: object, unit: str, gettext: Callable[[str], str]) -> str:
    """A parameter's limits in words: "-40 to -18 °C", "-40 至 -18 °C", "0 to 10 min".

    A dash between them read "-40–-18 °C" when both ends were below zero.
    """
    words = gettext("%(low)s to %(high)s") % {"low": number_text(low), "high": number_text(high)}
    return f"{words} {unit_text(unit, gettext)}".strip()


def unit_text(unit: str, gettext: Callable[[str], str]) -> str:
    """An engineering unit in the reader's language ("degC" -> "°C"; "min" -> "分鐘")."""
    if not unit:
        return ""
    return gettext(UNIT_SYMBOLS.get(unit, unit))
