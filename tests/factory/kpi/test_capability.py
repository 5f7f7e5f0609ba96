"""Process capability Cp and Cpk from individual values (σ̂ from the moving range)."""

from __future__ import annotations

import pytest

from reind.core.errors import InvalidInputError
from reind.factory.kpi import process_capability


def test_cp_and_cpk_match_a_hand_computation() -> None:
    # fills alternating 329 and 331 ml: mean 330, moving range 2, sigma 2 / 1.128
    fills = [329.0, 331.0] * 10
    result = process_capability(fills, lsl=325.0, usl=335.0)
    sigma = 2.0 / 1.128
    assert result.mean == pytest.approx(330.0)
    assert result.sigma == pytest.approx(sigma)
    assert result.cp == pytest.approx(10.0 / (6 * sigma))
    assert result.cpk == pytest.approx(5.0 / (3 * sigma))


def test_an_off_centre_process_has_cpk_below_cp() -> None:
    fills = [332.0, 334.0] * 10
    result = process_capability(fills, lsl=325.0, usl=335.0)
    assert result.cp is not None and result.cpk is not None
    assert result.cpk < result.cp
    assert result.cpk == pytest.approx(2.0 / (3 * 2.0 / 1.128))


def test_capability_needs_limits_in_order_and_two_samples() -> None:
    with pytest.raises(InvalidInputError):
        process_capability([1.0, 2.0], lsl=5.0, usl=4.0)
    with pytest.raises(InvalidInputError):
        process_capability([1.0], lsl=0.0, usl=4.0)
    assert process_capability([3.0, 3.0, 3.0], lsl=0.0, usl=4.0).cp is None
