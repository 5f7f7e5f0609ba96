"""Work units (a PackML unit of a twin or a real machine) and where their telemetry lives.

A work unit's accumulators are series in the telemetry store named as the
ingest gateway names them: ``<group>/<edge node>/<device>/<unit prefix><tag>``,
e.g. ``reind/brewery-1/brewery/Bottling/PackML/Admin/StateTime/Execute``. A line
is a list of units and a plant a list of lines; all roll up by summing
elements, never by averaging ratios.
"""

from __future__ import annotations

from dataclasses import dataclass

from reind.core.errors import InvalidInputError
from reind.factory.control.packml import PackMLState

STATE_TIME = "PackML/Admin/StateTime/"
STATE_COUNT = "PackML/Admin/StateCount/"


@dataclass(frozen=True, slots=True)
class WorkUnit:
    """One PackML unit whose KPIs are computed.

    ``pru_seconds`` is the planned run time per unit (the ideal cycle time),
    which turns produced quantity into ``planned_run_time``.
    """

    name: str
    series_prefix: str
    pru_seconds: float

    def __post_init__(self) -> None:
        if self.pru_seconds <= 0:
            raise InvalidInputError(f"{self.name}: planned run time per unit must be positive")
        if self.series_prefix and not self.series_prefix.endswith("/"):
            raise InvalidInputError(f"{self.name}: series prefix must end with '/'")

    def state_time(self, state: PackMLState) -> str:
        """Series of the seconds accumulated in ``state``."""
        return f"{self.series_prefix}{STATE_TIME}{state.label}"

    def state_count(self, state: PackMLState) -> str:
        """Series of the number of entries into ``state``."""
        return f"{self.series_prefix}{STATE_COUNT}{state.label}"

    @property
    def state(self) -> str:
        """Series of the current PackML state number (changes are the state events)."""
        return f"{self.series_prefix}PackML/State"

    @property
    def processed(self) -> str:
        """Series of the never-resetting processed count (PQ)."""
        return f"{self.series_prefix}PackML/Processed Acc"

    @property
    def defective(self) -> str:
        """Series of the never-resetting defective count (scrap, SQ)."""
        return f"{self.series_prefix}PackML/Defective Acc"

    @property
    def rework(self) -> str:
        """Series of the accumulated rework count (RQ)."""
        return f"{self.series_prefix}PackML/Admin/Rework Acc"

    @property
    def energy(self) -> str:
        """Series of the accumulated energy in kWh."""
        return f"{self.series_prefix}PackML/Admin/Energy kWh"


def twin_unit(
    twin_kind: str, unit_prefix: str = "", pru_seconds: float = 1.0, group: str = "reind"
) -> WorkUnit:
    """The work unit of a twin published by ``reind twin run`` (node ``<kind>-1``)."""
    name = f"{twin_kind}/{unit_prefix.rstrip('/')}" if unit_prefix else twin_kind
    return WorkUnit(name, f"{group}/{twin_kind}-1/{twin_kind}/{unit_prefix}", pru_seconds)
