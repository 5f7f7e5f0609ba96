"""The alarm banner and list: priorities, times, durations and states in words."""

from __future__ import annotations

from reind.factory.control.packml import PackMLState
from reind.factory.monitoring.engine import AlarmEngine
from reind.factory.monitoring.rules import LimitRule, RuleScope
from reind.factory.monitoring.suppression import HEAT_UP
from reind.web.plant_alarms import alarm_board, duration_text

PREFIX = "reind/waffle-1/waffle/"
T0 = 1_796_533_200_000  # 2026-12-06 13:00:00 Hong Kong


def engine() -> AlarmEngine:
    return AlarmEngine(
        rules=[
            LimitRule("machine alarm", high=0.5, scope=RuleScope(series="*Alarm*"), priority=2),
            LimitRule("plate too cold", low=150.0, scope=RuleScope(series="*/Temperature")),
        ],
        clock=lambda: T0 + 60_000,
    )


def test_an_alarm_carries_its_rules_priority_and_reads_in_words() -> None:
    alarms = engine()
    alarms.evaluate(PREFIX + "Plate A/Temperature", T0, 120.0)
    alarms.evaluate(PREFIX + "Alarm/Flipper Jammed", T0 + 5_000, 1.0)
    board = alarm_board(alarms.alarms(), PREFIX, T0 + 65_000, "en")
    assert board.by_priority == {1: 0, 2: 1, 3: 1, 4: 0}
    first, second = board.alarms
    assert (first.priority, first.priority_words, first.tag) == (
        2,
        "High",
        "Alarm · Flipper jammed",
    )
    assert first.state_words == "Active, unacknowledged"
    assert (first.raised_at, first.duration) == ("13:00:05", "1 min 00 s")
    assert (second.tag, second.rule, second.value) == (
        "Plate A · Temperature",
        "Plate too cold",
        "120",
    )
    assert [a.alarm_id for a in board.banner] == [first.alarm_id, second.alarm_id]


def test_the_chinese_board_names_tag_rule_priority_and_state_in_chinese() -> None:
    alarms = engine()
    alarms.evaluate(PREFIX + "Plate B/Temperature", T0, 120.0)
    (alarm,) = alarm_board(alarms.alarms(), PREFIX, T0 + 30_000, "zh-Hant").alarms
    assert (alarm.tag, alarm.rule, alarm.priority_words) == ("烤盤 B · 溫度", "烤盤溫度過低", "中")
    assert (alarm.state_words, alarm.duration) == ("警報中，未確認", "30 秒")


def test_acknowledged_and_shelved_alarms_leave_the_banner_but_are_counted() -> None:
    alarms = engine()
    alarms.evaluate(PREFIX + "Plate A/Temperature", T0, 120.0)
    alarms.evaluate(PREFIX + "Plate B/Temperature", T0, 120.0)
    a, b = (alarm.alarm_id for alarm in alarms.alarms())
    alarms.act(a, lambda alarm, at: alarm.acknowledge("kit", at))
    alarms.act(b, lambda alarm, at: alarm.shelve("kit", at, at + 900_000))
    board = alarm_board(alarms.alarms(), PREFIX, T0 + 90_000, "en")
    assert board.banner == () and board.waiting == 0
    assert (board.shelved, board.by_priority[3]) == (1, 1)


def test_durations_read_at_a_glance() -> None:
    assert duration_text(7_380_000, "en") == "2 h 03 min"
    assert duration_text(7_380_000, "zh-Hant") == "2 小時 03 分"


def test_alarms_suppressed_by_the_units_state_are_counted_but_not_listed() -> None:
    alarms = AlarmEngine(
        rules=[
            LimitRule(
                "plate too cold",
                low=150.0,
                scope=RuleScope(series="*/Temperature"),
                suppressed_in=HEAT_UP,
            )  # fmt: skip
        ],
        clock=lambda: T0,
    )
    alarms.evaluate(PREFIX + "PackML/State", T0, float(PackMLState.RESETTING))
    alarms.evaluate(PREFIX + "Plate A/Temperature", T0, 40.0)  # heating up from cold
    board = alarm_board(alarms.alarms(), PREFIX, T0 + 60_000, "en")
    assert board.suppressed == 1
    assert board.alarms == () and board.banner == () and board.by_priority[3] == 0
