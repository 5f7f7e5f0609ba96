"""Alarm states (ISA-18.2) and the event recorded for every transition.

An event says which alarm moved from which state to which, when, who did
it (``system`` for the engine, a person's id for operator actions) and the
value and source timestamp that caused it, so alarm latency is measurable
from the event alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

SYSTEM = "system"
"""Actor recorded for transitions the engine makes on its own."""


class AlarmState(StrEnum):
    """ISA-18.2 alarm states (plus OPC UA's suppressed-by-design)."""

    NORMAL = "normal"
    UNACKNOWLEDGED = "active_unacknowledged"
    ACKNOWLEDGED = "active_acknowledged"
    RTN_UNACKNOWLEDGED = "rtn_unacknowledged"
    SHELVED = "shelved"
    SUPPRESSED = "suppressed"
    OUT_OF_SERVICE = "out_of_service"


LABELS: dict[AlarmState, tuple[str, str]] = {
    AlarmState.NORMAL: ("Normal", "正常"),
    AlarmState.UNACKNOWLEDGED: ("Active, unacknowledged", "警報中，未確認"),
    AlarmState.ACKNOWLEDGED: ("Active, acknowledged", "警報中，已確認"),
    AlarmState.RTN_UNACKNOWLEDGED: ("Returned to normal, unacknowledged", "已恢復正常，未確認"),
    AlarmState.SHELVED: ("Shelved", "已擱置"),
    AlarmState.SUPPRESSED: ("Suppressed by design", "設計性抑制"),
    AlarmState.OUT_OF_SERVICE: ("Out of service", "停用"),
}
"""What a person reads for each state, English and Traditional Chinese."""


@dataclass(frozen=True, slots=True)
class AlarmEvent:
    """One transition of one alarm."""

    at_ms: int
    alarm: str
    series: str
    rule: str
    previous: AlarmState
    state: AlarmState
    actor: str
    note: str = ""
    value: float | None = None
    source_ms: int | None = None
