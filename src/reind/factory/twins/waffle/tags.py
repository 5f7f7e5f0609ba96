"""The waffle machine's telemetry: sensors, quality counters and alarm-worthy values.

Everything an operator would watch is a tag; faults show up here only
through their symptoms (a saturated heater, a plate off setpoint, a batter
tank running dry, a flipper that does not finish, defects rising).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from reind.factory.control.packml import PackMLState
from reind.factory.twins.tags import Tag, TagKind, TagRole
from reind.factory.twins.waffle.quality import DEFECT_LABELS, DEFECTS

if TYPE_CHECKING:
    from reind.factory.twins.waffle.machine import WaffleMachine

D, N, B = TagKind.DOUBLE, TagKind.INT, TagKind.BOOL
SENSOR, COUNTER, ALARM = TagRole.SENSOR, TagRole.COUNTER, TagRole.ALARM

# Report-by-exception deadbands: a quarter degree on a 185 °C plate and 2.5 % of output
# (the PID moves the output 2 % per 0.1 °C) are finer than an operator reads a trend.
TEMPERATURE_DEADBAND_C = 0.25
OUTPUT_DEADBAND = 2.5
DEVIATION_ALARM_C = 10.0
SATURATION_ALARM_S = 120.0
BATTER_LOW_L = 2.0

_RUNNING = frozenset({PackMLState.EXECUTE, PackMLState.HOLDING, PackMLState.SUSPENDING})
_FEEDING = frozenset(
    {PackMLState.STARTING, PackMLState.EXECUTE, PackMLState.SUSPENDING, PackMLState.SUSPENDED}
)

DEFECT_TAGS = {d: f"Quality/{DEFECT_LABELS[d][0]}" for d in DEFECTS}


def add_waffle_tags(m: WaffleMachine) -> None:
    """Register every sensor, counter and alarm tag of the machine."""
    add = m.tags.add
    for plate in ("A", "B"):
        add(
            Tag(
                f"Plate {plate}/Temperature",
                D,
                SENSOR,
                25.0,
                "degC",
                TEMPERATURE_DEADBAND_C,
                "Plate temperature",
                "烤板溫度",
            )
        )
        add(
            Tag(
                f"Plate {plate}/Setpoint",
                D,
                SENSOR,
                25.0,
                "degC",
                0.1,
                "Working setpoint",
                "設定溫度",
            )
        )
        add(
            Tag(
                f"Plate {plate}/Heater Output",
                D,
                SENSOR,
                0.0,
                "%",
                OUTPUT_DEADBAND,
                "Heater output",
                "加熱輸出",
            )
        )
        add(Tag(f"Alarm/Plate {plate} Temperature Deviation", B, ALARM, False))
        add(Tag(f"Alarm/Heater {plate} Saturated", B, ALARM, False))
    add(Tag("Batter/Tank Level", D, SENSOR, 0.0, "L", 0.1, "Batter in the tank", "漿缸存量"))
    add(Tag("Batter/Mixer Running", B, SENSOR, False))
    add(
        Tag(
            "Freezer/Air Temperature",
            D,
            SENSOR,
            m.freezer_air,
            "degC",
            0.2,
            "Freezer air",
            "速凍庫溫度",
        )
    )
    add(
        Tag(
            "Flipper/Busy Seconds",
            D,
            SENSOR,
            0.0,
            "s",
            1.0,
            "Time the flipper has been turning",
            "翻轉用時",
        )
    )
    add(Tag("Line/Waffles Dosed", N, COUNTER, 0))
    add(Tag("Line/Waffles On Conveyors", N, SENSOR, 0))
    add(Tag("Packing/Packs", N, COUNTER, 0))
    add(Tag("Quality/Good", N, COUNTER, 0))
    for tag in DEFECT_TAGS.values():
        add(Tag(tag, N, COUNTER, 0))
    add(Tag("Quality/Last Browning A", D, SENSOR, 0.0, "", 1.0))
    add(Tag("Quality/Last Browning B", D, SENSOR, 0.0, "", 1.0))
    add(Tag("Quality/Last Fill Ratio", D, SENSOR, 0.0, "", 0.01))
    add(Tag("Alarm/Batter Low", B, ALARM, False))
    add(Tag("Alarm/Flipper Jammed", B, ALARM, False))
    add(Tag("Alarm/Freezer Warm", B, ALARM, False))


def refresh_waffle_tags(m: WaffleMachine) -> None:
    """Copy the machine's state into its tags (report by exception does the rest).

    Analogue values are scanned every step through pre-fetched ``Tag`` objects;
    counters and quality only when something was dosed, packed or the state
    moved (cheap enough for a simulated day in well under two seconds).
    """
    tags = m.tags
    put = tags.put
    scan = m.scan_tags
    if not scan:
        for name in ("A", "B"):
            scan.extend(
                tags[pattern.format(name)]
                for pattern in (
                    "Plate {}/Temperature",
                    "Plate {}/Setpoint",
                    "Plate {}/Heater Output",
                    "Alarm/Plate {} Temperature Deviation",
                    "Alarm/Heater {} Saturated",
                )
            )
        scan.extend(
            tags[n]
            for n in ("Batter/Tank Level", "Freezer/Air Temperature", "Flipper/Busy Seconds")
        )
    state = m.machine.state
    running = state in _RUNNING
    saturated = m.saturated_seconds
    for index, plate, loop in ((0, m.plate_a, m.loop_a), (1, m.plate_b, m.loop_b)):
        base = index * 5
        measured = plate.measured
        output = plate.heater_output
        put(scan[base], measured)
        put(scan[base + 1], loop.setpoint)
        put(scan[base + 2], output)
        deviation = abs(measured - loop.target_setpoint) > DEVIATION_ALARM_C
        put(scan[base + 3], running and deviation)
        saturated[index] = saturated[index] + m.dt if output >= 99.5 else 0.0
        put(scan[base + 4], saturated[index] >= SATURATION_ALARM_S)
    put(scan[10], m.tank_level)
    put(scan[11], m.freezer_air)
    stations = m.stations
    flipping = stations.a_phase == "flipping"
    late = -stations.a_timer if flipping and stations.a_timer < 0 else 0.0
    put(scan[12], late)
    signature = (
        m.dosed,
        m.machine.processed.acc_count,
        state,
        len(m.cooling),
        m.mixer_remaining > 0,
        late > 0,
        m.tank_level < BATTER_LOW_L,
    )
    if signature == m.tag_signature:
        return
    m.tag_signature = signature
    put_name = tags.set
    put_name("Batter/Mixer Running", m.mixer_remaining > 0)
    put_name("Line/Waffles Dosed", m.dosed)
    put_name("Line/Waffles On Conveyors", len(m.cooling) + len(m.freezer))
    put_name("Packing/Packs", m.packs)
    put_name("Quality/Good", m.good)
    for defect, tag in DEFECT_TAGS.items():
        put_name(tag, m.defect_counts.get(defect, 0))
    if m.finished:
        last = m.finished[-1]
        put_name("Quality/Last Browning A", last.browning_a)
        put_name("Quality/Last Browning B", last.browning_b)
        put_name("Quality/Last Fill Ratio", last.fill_ratio)
    feeding = state in _FEEDING
    put_name("Alarm/Batter Low", feeding and m.tank_level < BATTER_LOW_L and m.mixer_remaining == 0)
    put_name("Alarm/Flipper Jammed", flipping and m.flipper_jammed and late >= 5.0)
    setpoint = m.recipe.value("quick_freezing", "freezer_setpoint")
    put_name("Alarm/Freezer Warm", m.freezer_air > setpoint + 5.0)
    m.refresh_unit_tags("")
