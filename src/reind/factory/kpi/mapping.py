"""Which ISO 22400 time element each PackML state's time counts as: one table.

Why one table: Held and Suspended look alike on a trend (the machine is not
making anything) but mean opposite things for OEE. Held is the unit's own
fault or an operator stop and is lost availability (ADET); Suspended is
starvation or blockage by a neighbour and is not charged to the unit
(ASBT, outside PBT). Mixing them up corrupts OEE, so the choice is written
once here and referenced by every computation (docs/decisions/0080).

=============  ==========  ======================================================
PackML state   element     why
=============  ==========  ======================================================
Execute        APT         making product
Completing     APT         finishing the units in process of the order
Resetting      ASUT        changeover, cleaning, warm-up before an order
Starting       ASUT        priming before Execute
Holding        ADET        internal fault or operator hold
Held           ADET        idem (jammed flipper, filler jam, labels out)
Unholding      ADET        recovering from the hold
Aborting       ADET        emergency stop: the unit's own failure
Aborted        ADET        idem, until cleared
Clearing       ADET        idem
Suspending     ASBT        starved or blocked by a neighbour, not the unit's fault
Suspended      ASBT        idem (batter tank empty, outfeed full)
Unsuspending   ASBT        idem
Idle           ADOT        ready and planned, but no order started
Complete       ADOT        order done, the next not started
Stopping       not planned the operator is taking the unit out of operation
Stopped        not planned outside planned operation time
=============  ==========  ======================================================

Failures (for MTBF/MTTR) are entries into Holding and Aborting.
"""

from __future__ import annotations

from enum import StrEnum
from types import MappingProxyType

from reind.factory.control.packml import PackMLState

S = PackMLState


class TimeElement(StrEnum):
    """The time elements a state's seconds are booked to (field names of the elements)."""

    APT = "apt"
    ASUT = "asut"
    ADET = "adet"
    ADOT = "adot"
    ASBT = "asbt"
    NOT_PLANNED = "not_planned"


E = TimeElement

STATE_ELEMENTS: MappingProxyType[PackMLState, TimeElement] = MappingProxyType(
    {
        S.EXECUTE: E.APT,
        S.COMPLETING: E.APT,
        S.RESETTING: E.ASUT,
        S.STARTING: E.ASUT,
        S.HOLDING: E.ADET,
        S.HELD: E.ADET,
        S.UNHOLDING: E.ADET,
        S.ABORTING: E.ADET,
        S.ABORTED: E.ADET,
        S.CLEARING: E.ADET,
        S.SUSPENDING: E.ASBT,
        S.SUSPENDED: E.ASBT,
        S.UNSUSPENDING: E.ASBT,
        S.IDLE: E.ADOT,
        S.COMPLETE: E.ADOT,
        S.STOPPING: E.NOT_PLANNED,
        S.STOPPED: E.NOT_PLANNED,
    }
)
"""Every one of the 17 PackML states, mapped to exactly one time element."""

FAILURE_STATES = frozenset({S.HOLDING, S.ABORTING})
"""Entering one of these counts one failure (for MTBF and MTTR)."""


def element_seconds(seconds_by_state: dict[PackMLState, float]) -> dict[TimeElement, float]:
    """Seconds per time element from seconds per PackML state."""
    totals = dict.fromkeys(TimeElement, 0.0)
    for state, seconds in seconds_by_state.items():
        totals[STATE_ELEMENTS[state]] += seconds
    return totals
