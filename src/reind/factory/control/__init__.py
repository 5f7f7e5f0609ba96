"""The control layer a twin (or a real cell) runs on.

- ``recipe``: ISA-88 procedural model, master and control recipes, adjustments.
- ``batch``: batch records of what actually ran.
- ``packml``: the PackML state machine, modes, counters and stop reasons.
- ``pid``: PID loops (simple-pid) against a ``ProcessIO`` protocol.

May import: ``reind.core`` only.
"""

from reind.factory.control.batch import BatchRecord, PhaseRun
from reind.factory.control.packml import (
    TRANSITIONS,
    PackMLCommand,
    PackMLMachine,
    PackMLMode,
    PackMLState,
    StateChanged,
)
from reind.factory.control.pid import PIDLoop, ProcessIO, Tuning
from reind.factory.control.recipe import (
    Adjustment,
    ControlRecipe,
    MasterRecipe,
    Operation,
    ParameterSpec,
    Phase,
    UnitProcedure,
)

__all__ = [
    "TRANSITIONS",
    "Adjustment",
    "BatchRecord",
    "ControlRecipe",
    "MasterRecipe",
    "Operation",
    "PIDLoop",
    "PackMLCommand",
    "PackMLMachine",
    "PackMLMode",
    "PackMLState",
    "ParameterSpec",
    "Phase",
    "PhaseRun",
    "ProcessIO",
    "StateChanged",
    "Tuning",
    "UnitProcedure",
]
