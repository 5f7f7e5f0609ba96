"""The egg-waffle master recipe and the machine's fixed constants.

Each machine step is an ISA-88 phase with its own parameters and limits,
which is what the seed means by "each step can be adjusted independently".
"""

from __future__ import annotations

from reind.factory.control.pid import Tuning
from reind.factory.control.recipe import (
    MasterRecipe,
    Operation,
    ParameterSpec,
    Phase,
    UnitProcedure,
)

P = ParameterSpec

# Heater output in %, PV in °C. A stiff proportional band (5 %/K) rejects the batter's
# load on each dose; Ki/Kp ≈ 3x h/C keeps the step overshoot near 4 % (limit 5 %).
# Swept against the plate model in tests/factory/control/test_pid.py and the twin's cycle.
PLATE_TUNING = Tuning(kp=20.0, ki=0.065, kd=0.0, output_low=0.0, output_high=100.0)
PLATE_RAMP = 1.0  # °C/s, so warm-up from cold never winds up the integral

MOULD_VOLUME_ML = 105.0
BATTER_DENSITY = 1.05  # g/ml
BATTER_WATER_TO_DRIVE_OFF = 0.13  # fraction of batter mass evaporated for a set crumb
BROWNING_REFERENCE_C = 185.0  # °C at which one second counts one browning unit
BROWNING_SPAN_C = 20.0  # °C for e-fold change of browning rate
BROWNING_GOOD = (50.0, 110.0)  # browning units per side that pass inspection
UNDERCOOKED_WATER_LEFT = 0.35  # fraction of the water still in the crumb: doughy
FREEZER_ENTRY_MAX_C = 45.0  # warmer than this frosts over in the freezer
FROZEN_CORE_C = -18.0  # core must reach this before packing
TANK_CAPACITY_L = 40.0


def egg_waffle_master() -> MasterRecipe:
    """Hong Kong egg waffle (雞蛋仔), frozen, on the twin-plate machine."""
    mixing = Phase(
        "mixing",
        "Batter mixing",
        "拌漿",
        (
            P("batch_volume", "L", 20, 5, 40, "Batter made per mix", "每次拌漿量"),
            P("mixing_time", "s", 300, 120, 900, "Mixing time", "拌漿時間"),
        ),
    )
    dosing = Phase(
        "dosing",
        "Dosing into the mould",
        "注漿入模",
        (P("dose_volume", "ml", 110, 80, 130, "Batter per waffle", "每件注漿量"),),
    )
    side_a = Phase(
        "baking_side_a",
        "Baking, first side",
        "烘焗（第一面）",
        (
            P("plate_setpoint", "degC", 185, 150, 230, "Plate A setpoint", "A板設定溫度"),
            P("bake_time", "s", 75, 30, 180, "Bake time, first side", "第一面烘焗時間"),
        ),
    )
    flipping = Phase(
        "flipping",
        "Flipping",
        "翻轉",
        (
            P("flip_delay", "s", 2, 0, 20, "Wait before flipping", "翻轉前等候"),
            P("flip_duration", "s", 4, 2, 10, "Time to turn over", "翻轉所需時間"),
        ),
    )
    side_b = Phase(
        "baking_side_b",
        "Baking, second side",
        "烘焗（第二面）",
        (
            P("plate_setpoint", "degC", 185, 150, 230, "Plate B setpoint", "B板設定溫度"),
            P("bake_time", "s", 70, 30, 180, "Bake time, second side", "第二面烘焗時間"),
        ),
    )
    demoulding = Phase(
        "demoulding",
        "Demoulding",
        "脫模",
        (P("demould_time", "s", 3, 2, 10, "Time to lift out", "脫模時間"),),
    )
    cooling = Phase(
        "cooling",
        "Cooling",
        "冷卻",
        (P("cooling_time", "s", 180, 60, 600, "Time on the cooling conveyor", "冷卻時間"),),
    )
    freezing = Phase(
        "quick_freezing",
        "Quick-freezing",
        "速凍",
        (
            P("freezer_setpoint", "degC", -35, -40, -18, "Freezer air", "速凍庫溫度"),
            P("freeze_time", "s", 900, 300, 1800, "Time in the freezer", "速凍時間"),
        ),
    )
    packing = Phase(
        "packing",
        "Packing",
        "包裝",
        (P("pack_size", "pcs", 2, 1, 6, "Waffles per bag", "每包件數"),),
    )
    return MasterRecipe(
        "egg-waffle",
        1,
        "Frozen egg waffle",
        "急凍雞蛋仔",
        (
            UnitProcedure("batter", "mixer", (Operation("prepare_batter", (mixing,)),)),
            UnitProcedure(
                "bake",
                "plate_station",
                (Operation("bake_waffle", (dosing, side_a, flipping, side_b, demoulding)),),
            ),
            UnitProcedure(
                "finish",
                "cooling_freezing_packing",
                (Operation("finish_waffle", (cooling, freezing, packing)),),
            ),
        ),
    )
