"""Units of rule parameters and how a YAML scalar becomes a typed value.

A parameter's unit is declared once per file and every dated value must
parse under it, so "15,000,000 ratio" or "yes HKD" is caught at load time.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from reind.core.money import Money

ParamValue = Money | Fraction | int | bool | str | tuple[str, ...]

UNITS: dict[str, str] = {
    "HKD": "an amount of Hong Kong dollars, to the cent",
    "ratio": "a non-negative fraction such as 1/3 or 0.25",
    "multiplier": "a non-negative factor such as 3 or 2.5",
    "count": "a whole number",
    "employees": "a whole number of employees",
    "days": "a whole number of days",
    "weeks": "a whole number of weeks",
    "months": "a whole number of months",
    "years": "a whole number of years",
    "boolean": "true or false",
    "text": "free text",
    "codes": "a list of identifiers",
}


class UnitError(ValueError):
    """A value does not fit its parameter's unit."""


def parse_value(unit: str, raw: Any) -> ParamValue:
    """Turn a raw YAML value into the typed value ``unit`` calls for."""
    if unit == "HKD":
        return _money(raw)
    if unit in ("ratio", "multiplier"):
        return _fraction(raw)
    if unit in ("count", "employees", "days", "weeks", "months", "years"):
        return _whole(raw)
    if unit == "boolean":
        if isinstance(raw, bool):
            return raw
        raise UnitError(f"expected true or false, got {raw!r}")
    if unit == "text":
        if isinstance(raw, str) and raw.strip():
            return raw
        raise UnitError(f"expected text, got {raw!r}")
    if unit == "codes":
        if isinstance(raw, list) and raw and all(isinstance(c, str) and c for c in raw):
            return tuple(raw)
        raise UnitError(f"expected a non-empty list of identifiers, got {raw!r}")
    raise UnitError(f"unknown unit {unit!r}")


def _money(raw: Any) -> Money:
    if isinstance(raw, bool) or not isinstance(raw, int | str):
        raise UnitError(f"expected an amount in HK$, got {raw!r}")
    text = str(raw).replace("_", "").replace(",", "")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise UnitError(f"expected an amount in HK$, got {raw!r}") from None
    if not amount.is_finite() or amount < 0 or amount != amount.quantize(Decimal("0.01")):
        raise UnitError(f"expected a non-negative amount in whole cents, got {raw!r}")
    return Money.of(amount)


def _fraction(raw: Any) -> Fraction:
    if isinstance(raw, bool) or not isinstance(raw, int | str):
        raise UnitError(f"expected a fraction such as 1/3 or 0.25, got {raw!r}")
    try:
        value = Fraction(str(raw).strip())
    except (ValueError, ZeroDivisionError):
        raise UnitError(f"expected a fraction such as 1/3 or 0.25, got {raw!r}") from None
    if value < 0:
        raise UnitError(f"expected a non-negative fraction, got {raw!r}")
    return value


def _whole(raw: Any) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int) or raw < 0:
        raise UnitError(f"expected a whole number, got {raw!r}")
    return raw


def show_value(value: ParamValue | None) -> str:
    """A value as a person reads it in a trace."""
    if value is None:
        return "(ended)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Fraction):
        if value.denominator == 1:
            return str(value.numerator)
        as_decimal = Decimal(value.numerator) / Decimal(value.denominator)
        exact = as_decimal.normalize()
        if Fraction(exact) == value:
            return f"{exact:f}"
        return f"{value.numerator}/{value.denominator}"
    if isinstance(value, tuple):
        return ", ".join(value)
    return str(value)
