"""The twins publish the PackML accumulators the KPIs are served from."""

from __future__ import annotations

import pytest

from reind.factory.control.packml import PackMLState
from reind.factory.twins.brewery import BeerLine
from reind.factory.twins.clock import SimulatedClock


def test_beer_line_accumulators_cover_all_time_and_count_bottles_as_they_pass() -> None:
    line = BeerLine(SimulatedClock(), seed=5)
    processed: list[int] = []
    for _ in range(6):
        line.run(1800)
        processed.append(int(line.tags.value("Bottling/PackML/Processed Acc")))
    assert processed == sorted(processed)
    assert len(set(processed)) >= 4  # counted while bottling, not once at the end of a tank
    # the accumulators are refreshed on each minute's last step: 3 h minus one step
    for prefix in ("Bottling/", "Brewhouse/"):
        published = sum(
            float(line.tags.value(f"{prefix}PackML/Admin/StateTime/{s.label}")) for s in PackMLState
        )
        assert published == pytest.approx(3 * 3600 - 1)
    assert float(line.tags.value("Bottling/PackML/Admin/Energy kWh")) > 1.0
    assert int(line.tags.value("Bottling/PackML/Admin/StateCount/Execute")) >= 1
