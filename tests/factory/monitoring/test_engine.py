"""The engine: SPC alarms name their rule, events reach async subscribers."""

from __future__ import annotations

import asyncio

from reind.factory.monitoring.engine import AlarmEngine, SpcBinding
from reind.factory.monitoring.events import AlarmEvent, AlarmState
from reind.factory.monitoring.rules import LimitRule, RuleScope
from reind.factory.monitoring.spc import SpcRule
from reind.factory.monitoring.stream import AlarmStream


def test_spc_violation_becomes_an_alarm_naming_the_rule_after_the_baseline() -> None:
    engine = AlarmEngine(
        spc=[SpcBinding(RuleScope(metric="Weight"), (SpcRule.NELSON1,), baseline_points=4)]
    )
    for i, value in enumerate([99.0, 101.0, 99.0, 101.0]):
        assert engine.evaluate("line/filler/Weight", i, value) == []
    (event,) = engine.evaluate("line/filler/Weight", 5, 120.0)
    assert event.rule == "nelson_1" and event.state is AlarmState.UNACKNOWLEDGED


def test_series_without_rules_make_no_events() -> None:
    engine = AlarmEngine([LimitRule("hot", high=1.0, scope=RuleScope(metric="Temperature"))])
    assert engine.evaluate_many([("a/Pressure", 0, 5.0), ("a/Temperature", 0, None)]) == []


def test_operator_actions_go_through_the_engine_and_are_drained_for_the_store() -> None:
    engine = AlarmEngine([LimitRule("hot", high=1.0)], clock=lambda: 42)
    engine.evaluate("a", 0, 5.0)
    event = engine.act("a|hot", lambda alarm, now: alarm.acknowledge("kit", now))
    assert event.at_ms == 42 and event.actor == "kit"
    assert [e.state for e in engine.drain()] == [
        AlarmState.UNACKNOWLEDGED,
        AlarmState.ACKNOWLEDGED,
    ]
    assert engine.drain() == []


def test_async_subscribers_receive_events_published_from_another_thread() -> None:
    stream = AlarmStream()
    engine = AlarmEngine([LimitRule("hot", high=1.0)], stream=stream)

    async def consume() -> list[AlarmEvent]:
        subscription = stream.subscribe()
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, engine.evaluate, "a", 0, 5.0)
        await loop.run_in_executor(None, engine.evaluate, "a", 1, 0.0)
        received = [await anext(subscription), await anext(subscription)]
        subscription.close()
        async for _ in subscription:
            raise AssertionError("a closed subscription yields nothing more")
        return received

    events = asyncio.run(consume())
    assert [e.state for e in events] == [AlarmState.UNACKNOWLEDGED, AlarmState.RTN_UNACKNOWLEDGED]


def test_a_slow_subscriber_loses_the_oldest_events_not_the_newest() -> None:
    stream = AlarmStream()

    async def overflow() -> tuple[int, float | None]:
        subscription = stream.subscribe(size=2)
        for value in (1.0, 2.0, 3.0):
            stream.publish(
                AlarmEvent(0, "a|r", "a", "r", AlarmState.NORMAL, AlarmState.NORMAL, "x", "", value)
            )
        await asyncio.sleep(0)
        first = await anext(subscription)
        return subscription.dropped, first.value

    assert asyncio.run(overflow()) == (1, 2.0)
