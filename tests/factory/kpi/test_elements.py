"""ISO 22400-2 KPIs against hand-computed cases, and roll-ups that sum elements."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reind.factory.kpi import (
    ProductionElements,
    availability,
    effectiveness,
    energy_per_unit,
    first_pass_yield,
    kpi_report,
    mtbf,
    mttr,
    nee,
    oee,
    quality_ratio,
    rework_ratio,
    scrap_ratio,
    setup_rate,
    technical_efficiency,
    throughput_rate,
)

HOUR = 3600.0

# Machine A, one 8-hour shift: 6 h producing, 30 min changeover, 1 h of jams (4 stops),
# 30 min idle waiting for an order, 1 h starved by the upstream mixer; 2000 made at a
# planned 9 s each, 50 scrapped, 30 reworked; 500 kWh.
MACHINE_A = ProductionElements(
    apt=6 * HOUR,
    asut=0.5 * HOUR,
    adet=1 * HOUR,
    adot=0.5 * HOUR,
    asbt=1 * HOUR,
    pq=2000,
    sq=50,
    rq=30,
    planned_run_time=9 * 2000,
    energy_kwh=500,
    failures=4,
)

# Machine B: a bad day, 1 h producing out of 4 planned, 100 made at a planned 36 s, no scrap.
MACHINE_B = ProductionElements(apt=1 * HOUR, adet=3 * HOUR, pq=100, planned_run_time=36 * 100)


def value(kpi: object) -> float:
    from reind.factory.kpi import Kpi

    assert isinstance(kpi, Kpi) and kpi.value is not None, kpi
    return kpi.value


def test_machine_a_kpis_match_the_hand_computation() -> None:
    e = MACHINE_A
    assert e.pbt == 8 * HOUR
    assert e.gq == 1920
    assert value(availability(e)) == pytest.approx(0.75)  # 6 h / 8 h
    assert value(effectiveness(e)) == pytest.approx(18000 / 21600)  # 9 s x 2000 / 6 h
    assert value(quality_ratio(e)) == pytest.approx(0.96)  # 1920 / 2000
    assert value(oee(e)) == pytest.approx(0.6)  # 0.75 x 0.8333 x 0.96
    assert value(nee(e)) == pytest.approx(0.65)  # 6.5 h / 8 h x 0.8333 x 0.96
    assert value(setup_rate(e)) == pytest.approx(0.5 / 6.5)
    assert value(technical_efficiency(e)) == pytest.approx(6 / 7)
    assert value(throughput_rate(e)) == pytest.approx(2000 / 8.5)  # per hour of AOET
    assert value(scrap_ratio(e)) == pytest.approx(0.025)
    assert value(rework_ratio(e)) == pytest.approx(0.015)
    assert value(first_pass_yield(e)) == pytest.approx(0.96)
    assert value(mtbf(e)) == pytest.approx(6.5 / 4)  # hours of processing per failure
    assert value(mttr(e)) == pytest.approx(0.25)  # 1 h of delay over 4 failures
    assert value(energy_per_unit(e)) == pytest.approx(0.25)


def test_line_oee_sums_elements_and_is_not_the_average_of_machine_oees() -> None:
    a, b = value(oee(MACHINE_A)), value(oee(MACHINE_B))
    assert a == pytest.approx(0.6)
    assert b == pytest.approx(0.25)
    line = MACHINE_A + MACHINE_B
    # APT 7 h / PBT 12 h x (18000 + 3600) s / 7 h x 2020 / 2100
    right = (7 / 12) * (21600 / (7 * HOUR)) * (2020 / 2100)
    assert value(oee(line)) == pytest.approx(right)
    assert right == pytest.approx(0.480952, abs=1e-6)
    naive = (a + b) / 2
    assert naive == pytest.approx(0.425)
    assert abs(naive - right) > 0.05


def test_availability_with_no_planned_busy_time_is_unknown_with_a_reason() -> None:
    idle_weekend = ProductionElements(not_planned=48 * HOUR)
    kpi = availability(idle_weekend)
    assert kpi.value is None and not kpi.known
    assert "planned busy time" in kpi.reason_en and kpi.reason_zh
    assert oee(idle_weekend).value is None
    assert "availability" in oee(idle_weekend).reason_en


def test_starved_time_does_not_lower_availability_but_held_time_does() -> None:
    base = ProductionElements(apt=7 * HOUR, adet=1 * HOUR)
    starved = base + ProductionElements(asbt=2 * HOUR)
    held = base + ProductionElements(adet=2 * HOUR)
    assert value(availability(starved)) == pytest.approx(value(availability(base)))
    assert value(availability(held)) == pytest.approx(0.7)


def test_the_report_names_every_kpi() -> None:
    report = kpi_report(MACHINE_A)
    assert report["oee"].value == pytest.approx(0.6)
    assert len(report) == 14


seconds = st.floats(min_value=0, max_value=1e6, allow_nan=False)


@st.composite
def elements(draw: st.DrawFn) -> ProductionElements:
    pq = draw(st.integers(min_value=0, max_value=10_000))
    sq = draw(st.integers(min_value=0, max_value=pq))
    return ProductionElements(
        apt=draw(seconds),
        asut=draw(seconds),
        adet=draw(seconds),
        adot=draw(seconds),
        pq=pq,
        sq=sq,
        planned_run_time=pq * draw(st.floats(min_value=0.1, max_value=60)),
    )


@given(st.lists(elements(), min_size=1, max_size=6))
def test_rolled_up_availability_lies_between_the_parts(parts: list[ProductionElements]) -> None:
    total = ProductionElements.total(parts)
    known = [k.value for k in map(availability, parts) if k.value is not None]
    rolled = availability(total).value
    if not known:
        assert rolled is None or rolled == 0
        return
    assert rolled is not None
    assert min(known) - 1e-9 <= rolled <= max(known) + 1e-9


@given(elements(), elements())
def test_adding_elements_adds_every_field(a: ProductionElements, b: ProductionElements) -> None:
    total = a + b
    assert total.pbt == pytest.approx(a.pbt + b.pbt)
    assert total.gq == pytest.approx(a.gq + b.gq)
    assert a + ProductionElements() == a
