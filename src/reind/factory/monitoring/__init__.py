"""Monitoring: alarm rules, the ISA-18.2 alarm lifecycle and SPC rules.

Everything here is pure Python working on ``(series, timestamp_ms, value)``
so the ingest gateway can evaluate it in its receive path, before any
database commit. Events go out on an in-process stream (:mod:`.stream`) and
into the telemetry store. May import: ``reind.core``, and ``reind.factory.control``
for the PackML states that suppress alarms by design (``suppression.py``).
"""

from reind.factory.monitoring.engine import AlarmEngine, SpcBinding
from reind.factory.monitoring.events import AlarmEvent, AlarmState
from reind.factory.monitoring.lifecycle import Alarm
from reind.factory.monitoring.rules import (
    AlarmRule,
    Combination,
    LimitRule,
    RateOfChangeRule,
    RuleScope,
    StaleRule,
)
from reind.factory.monitoring.spc import ControlLimits, SpcMonitor, SpcRule
from reind.factory.monitoring.stream import AlarmStream

__all__ = [
    "Alarm",
    "AlarmEngine",
    "AlarmEvent",
    "AlarmRule",
    "AlarmState",
    "AlarmStream",
    "Combination",
    "ControlLimits",
    "LimitRule",
    "RateOfChangeRule",
    "RuleScope",
    "SpcBinding",
    "SpcMonitor",
    "SpcRule",
    "StaleRule",
]
