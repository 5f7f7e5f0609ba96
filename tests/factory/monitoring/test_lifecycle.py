"""The ISA-18.2 lifecycle: every transition, who made it, and what is refused."""

from __future__ import annotations

import pytest

from reind.core.errors import ConflictError, InvalidInputError
from reind.factory.monitoring.events import AlarmState as S
from reind.factory.monitoring.lifecycle import Alarm


def test_active_then_acknowledged_then_cleared_returns_to_normal() -> None:
    alarm = Alarm("oven/Temperature", "high")
    raised = alarm.condition(True, 1, 90.0, 0)
    assert raised is not None and raised.state is S.UNACKNOWLEDGED
    event = alarm.acknowledge("operator.chan", 2, "checking burner")
    assert (event.previous, event.state, event.actor, event.note) == (
        S.UNACKNOWLEDGED, S.ACKNOWLEDGED, "operator.chan", "checking burner",
    )  # fmt: skip
    cleared = alarm.condition(False, 3)
    assert cleared is not None and cleared.state is S.NORMAL


def test_clearing_before_acknowledgement_waits_in_rtn_unacknowledged() -> None:
    alarm = Alarm("s", "high")
    alarm.condition(True, 1)
    returned = alarm.condition(False, 2)
    assert returned is not None and returned.state is S.RTN_UNACKNOWLEDGED
    assert alarm.acknowledge("kit", 3).state is S.NORMAL


def test_returning_active_from_rtn_unacknowledged_is_unacknowledged_again() -> None:
    alarm = Alarm("s", "high")
    alarm.condition(True, 1)
    alarm.condition(False, 2)
    alarm.condition(True, 3)
    assert alarm.state is S.UNACKNOWLEDGED


def test_an_unchanged_condition_makes_no_event() -> None:
    alarm = Alarm("s", "high")
    assert alarm.condition(False, 1) is None
    alarm.condition(True, 2)
    assert alarm.condition(True, 3) is None


def test_acknowledging_a_normal_alarm_is_refused() -> None:
    with pytest.raises(ConflictError):
        Alarm("s", "high").acknowledge("kit", 1)


def test_shelved_alarm_is_silent_and_returns_when_the_shelf_expires() -> None:
    alarm = Alarm("s", "high")
    alarm.condition(True, 1)
    shelved = alarm.shelve("supervisor.wong", 2, until_ms=100, note="sensor swap")
    assert shelved.state is S.SHELVED and shelved.actor == "supervisor.wong"
    assert alarm.condition(False, 3) is None and alarm.condition(True, 4) is None
    assert alarm.expire_shelf(99) is None
    expired = alarm.expire_shelf(100)
    assert expired is not None and expired.state is S.UNACKNOWLEDGED and expired.actor == "system"


def test_a_shelf_must_expire_in_the_future() -> None:
    with pytest.raises(InvalidInputError):
        Alarm("s", "high").shelve("kit", 10, until_ms=10)


def test_out_of_service_and_back_goes_to_normal_when_clear() -> None:
    alarm = Alarm("s", "high")
    alarm.condition(True, 1)
    alarm.remove_from_service("tech.lee", 2, "instrument removed")
    alarm.condition(False, 3)
    assert alarm.state is S.OUT_OF_SERVICE
    assert alarm.restore("tech.lee", 4).state is S.NORMAL


def test_suppressed_by_design_hides_the_alarm_until_restored() -> None:
    alarm = Alarm("s", "high")
    alarm.suppress("system", 1, "line stopped")
    assert alarm.condition(True, 2) is None and alarm.state is S.SUPPRESSED
    assert alarm.restore("system", 3, "line started").state is S.UNACKNOWLEDGED


def test_restoring_an_annunciated_alarm_is_refused() -> None:
    with pytest.raises(ConflictError):
        Alarm("s", "high").restore("kit", 1)


def test_history_records_who_did_what_and_when() -> None:
    alarm = Alarm("s", "high")
    alarm.condition(True, 1, 99.0, 0)
    alarm.acknowledge("kit", 5)
    assert [(e.at_ms, e.actor, e.state) for e in alarm.history] == [
        (1, "system", S.UNACKNOWLEDGED),
        (5, "kit", S.ACKNOWLEDGED),
    ]
