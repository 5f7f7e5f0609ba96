"""One Hong Kong day of the simulated waffle machine, for the KPI tests.

Warm-up, a flipper jam at 10:00 (freed at 10:18), a batter shortage from
12:30 (the tank runs dry about 16:00) to 16:30, stop at 22:30: production,
a hold and a suspension in one day, recorded into any telemetry store.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from reind.factory.control.packml import PackMLCommand as C
from reind.factory.evaluation.replay import birth, record, series_prefix
from reind.factory.ingest.store import TelemetryStore
from reind.factory.kpi.units import twin_unit
from reind.factory.twins.base import Twin
from reind.factory.twins.clock import SimulatedClock
from reind.factory.twins.waffle import WaffleMachine

DAY_START = datetime(2026, 1, 4, 16, tzinfo=UTC)  # 2026-01-05 00:00 in Hong Kong
DAY_END = DAY_START + timedelta(days=1)
WAFFLE = twin_unit("waffle", pru_seconds=80.0)  # plate A bakes 75 s + dose, flip
H = 3600


def at(hours: float) -> int:
    """Seconds into the day at ``hours`` o'clock."""
    return round(hours * H)


def record_waffle_day(store: TelemetryStore) -> None:
    """Write the day's births and points into ``store``."""
    twin = WaffleMachine(SimulatedClock(DAY_START), seed=11)
    prefix = series_prefix(twin)
    store.write_batch(birth(twin, prefix))

    def jam(t: Twin) -> None:
        t.inject_fault("jammed_flipper")

    def free(t: Twin) -> None:
        t.clear_fault("jammed_flipper")
        t.command("", C.UNHOLD)

    actions = {
        at(6.5): [lambda t: t.command("", C.RESET)],
        at(7): [lambda t: t.command("", C.START)],
        at(10): [jam],
        at(10.3): [free],
        at(12.5): [lambda t: t.inject_fault("batter_shortage")],
        at(16.5): [lambda t: t.clear_fault("batter_shortage")],
        at(22.5): [lambda t: t.command("", C.STOP)],
    }
    record(twin, 86400, prefix, store.write_batch, actions)
