"""Process capability Cp and Cpk of a measured quality characteristic.

Why from samples and not rollups: capability needs the spread of individual
values, and the rollups keep count, min, max, sum and last but no sum of
squares, so it is computed over a window of raw samples (a batch, a shift).
σ̂ is the short-term (within) estimate of an individuals chart, the mean
moving range divided by d2 = 1.128, as ISO 22400-2 asks for an estimated σ.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from reind.core.errors import InvalidInputError

D2_FOR_MOVING_RANGE = 1.128


@dataclass(frozen=True, slots=True)
class Capability:
    """Cp and Cpk with the mean and σ̂ they came from; ``None`` when σ̂ is zero."""

    cp: float | None
    cpk: float | None
    mean: float
    sigma: float
    samples: int


def process_capability(values: Sequence[float], lsl: float, usl: float) -> Capability:
    """Cp = (USL − LSL) / 6σ̂ and Cpk = min(USL − x̄, x̄ − LSL) / 3σ̂."""
    if usl <= lsl:
        raise InvalidInputError(f"upper limit {usl} must be above lower limit {lsl}")
    if len(values) < 2:
        raise InvalidInputError("process capability needs at least two samples")
    mean = sum(values) / len(values)
    ranges = [abs(b - a) for a, b in zip(values, values[1:], strict=False)]
    sigma = sum(ranges) / len(ranges) / D2_FOR_MOVING_RANGE
    if sigma == 0:
        return Capability(None, None, mean, 0.0, len(values))
    cp = (usl - lsl) / (6 * sigma)
    cpk = min(usl - mean, mean - lsl) / (3 * sigma)
    return Capability(cp, cpk, mean, sigma, len(values))
