"""The beer line's master recipes: a lager, an IPA and a stout.

Product diversification in the seed's sense: the three share one procedure
(mash rests, boil, knockout, fermentation, conditioning, carbonation,
bottling) but each master has its own formula, and moving the bottling line
from one to another is a changeover with its own setup time. The same
phase and parameter names in all three keep the tag set stable.
"""

from __future__ import annotations

from reind.factory.control.recipe import (
    MasterRecipe,
    Operation,
    ParameterSpec,
    Phase,
    UnitProcedure,
)

P = ParameterSpec

BREWHOUSE_PHASES = frozenset(
    {"mash_in", "protein_rest", "saccharification_rest", "mash_out", "boil", "knockout"}
)
CELLAR_PHASES = frozenset({"fermentation", "conditioning"})
BRIGHT_PHASES = frozenset({"carbonation"})
BOTTLING_PHASES = frozenset({"filling", "capping", "labelling", "inspection", "changeover"})

PRODUCTS = {
    "lager": ("Lager", "拉格啤酒"),
    "ipa": ("India pale ale", "印度淡色艾爾"),
    "stout": ("Stout", "黑啤"),
}

# product -> phase -> parameter -> default; limits are the same for every product.
_DEFAULTS: dict[str, dict[str, dict[str, float]]] = {
    "lager": {
        "mash_in": {"strike_temperature": 52, "grain_bill": 17},
        "protein_rest": {"temperature": 52, "duration": 15},
        "saccharification_rest": {"temperature": 64, "duration": 60},
        "mash_out": {"temperature": 77, "duration": 10},
        "boil": {"duration": 90, "hop_rate": 150},
        "knockout": {"temperature": 10},
        "fermentation": {"temperature": 11},
        "conditioning": {"temperature": 1, "duration": 48},
        "carbonation": {"co2_volumes": 2.6, "duration": 12},
        "filling": {"fill_volume": 330, "filler_speed": 120},
        "capping": {"capper_speed": 140},
        "labelling": {"labeller_speed": 140},
        "inspection": {"fill_tolerance": 5},
        "changeover": {"setup_time": 30},
    },
    "ipa": {
        "mash_in": {"strike_temperature": 66, "grain_bill": 22},
        "protein_rest": {"temperature": 52, "duration": 0},
        "saccharification_rest": {"temperature": 66, "duration": 60},
        "mash_out": {"temperature": 77, "duration": 10},
        "boil": {"duration": 60, "hop_rate": 600},
        "knockout": {"temperature": 18},
        "fermentation": {"temperature": 19},
        "conditioning": {"temperature": 4, "duration": 24},
        "carbonation": {"co2_volumes": 2.4, "duration": 12},
        "filling": {"fill_volume": 330, "filler_speed": 120},
        "capping": {"capper_speed": 140},
        "labelling": {"labeller_speed": 140},
        "inspection": {"fill_tolerance": 5},
        "changeover": {"setup_time": 40},
    },
    "stout": {
        "mash_in": {"strike_temperature": 68, "grain_bill": 24},
        "protein_rest": {"temperature": 52, "duration": 0},
        "saccharification_rest": {"temperature": 68, "duration": 60},
        "mash_out": {"temperature": 77, "duration": 10},
        "boil": {"duration": 60, "hop_rate": 300},
        "knockout": {"temperature": 18},
        "fermentation": {"temperature": 19},
        "conditioning": {"temperature": 4, "duration": 24},
        "carbonation": {"co2_volumes": 2.0, "duration": 12},
        "filling": {"fill_volume": 500, "filler_speed": 100},
        "capping": {"capper_speed": 120},
        "labelling": {"labeller_speed": 120},
        "inspection": {"fill_tolerance": 6},
        "changeover": {"setup_time": 45},
    },
}

# phase -> (title en, title zh, ((parameter, unit, low, high, en, zh), ...))
_PHASES: dict[str, tuple[str, str, tuple[tuple[str, str, float, float, str, str], ...]]] = {
    "mash_in": (
        "Mash in",
        "投料",
        (
            ("strike_temperature", "degC", 45, 72, "Strike temperature", "投料溫度"),
            ("grain_bill", "kg/hL", 12, 30, "Malt per hectolitre", "每百升麥芽量"),
        ),
    ),
    "protein_rest": (
        "Protein rest",
        "蛋白質休止",
        (
            ("temperature", "degC", 45, 58, "Rest temperature", "休止溫度"),
            ("duration", "min", 0, 40, "Rest time", "休止時間"),
        ),
    ),
    "saccharification_rest": (
        "Saccharification rest",
        "糖化休止",
        (
            ("temperature", "degC", 60, 72, "Rest temperature", "休止溫度"),
            ("duration", "min", 30, 120, "Rest time", "休止時間"),
        ),
    ),
    "mash_out": (
        "Mash out",
        "糖化終止",
        (
            ("temperature", "degC", 74, 80, "Mash-out temperature", "終止溫度"),
            ("duration", "min", 5, 20, "Hold time", "保持時間"),
        ),
    ),
    "boil": (
        "Boil",
        "煮沸",
        (
            ("duration", "min", 45, 120, "Boil time", "煮沸時間"),
            ("hop_rate", "g/hL", 50, 1000, "Hops per hectolitre", "每百升酒花量"),
        ),
    ),
    "knockout": (
        "Knockout",
        "冷卻入罐",
        (("temperature", "degC", 8, 22, "Pitching temperature", "接種溫度"),),
    ),
    "fermentation": (
        "Fermentation",
        "發酵",
        (("temperature", "degC", 8, 22, "Fermentation temperature", "發酵溫度"),),
    ),
    "conditioning": (
        "Conditioning",
        "熟成",
        (
            ("temperature", "degC", -1, 15, "Conditioning temperature", "熟成溫度"),
            ("duration", "h", 12, 336, "Conditioning time", "熟成時間"),
        ),
    ),
    "carbonation": (
        "Carbonation",
        "充氣",
        (
            ("co2_volumes", "vol", 1.8, 3.2, "Dissolved CO2", "二氧化碳含量"),
            ("duration", "h", 4, 48, "Carbonation time", "充氣時間"),
        ),
    ),
    "filling": (
        "Filling",
        "灌裝",
        (
            ("fill_volume", "ml", 320, 510, "Fill volume", "灌裝量"),
            ("filler_speed", "bpm", 60, 180, "Filler speed", "灌裝速度"),
        ),
    ),
    "capping": (
        "Capping",
        "封蓋",
        (("capper_speed", "bpm", 60, 200, "Capper speed", "封蓋速度"),),
    ),
    "labelling": (
        "Labelling",
        "貼標",
        (("labeller_speed", "bpm", 60, 200, "Labeller speed", "貼標速度"),),
    ),
    "inspection": (
        "Fill-level inspection",
        "液位檢查",
        (("fill_tolerance", "ml", 2, 10, "Allowed fill deviation", "容許灌裝偏差"),),
    ),
    "changeover": (
        "Changeover",
        "轉產",
        (("setup_time", "min", 10, 120, "Setup time to this product", "轉產準備時間"),),
    ),
}


def _phase(name: str, product: str) -> Phase:
    title_en, title_zh, params = _PHASES[name]
    defaults = _DEFAULTS[product][name]
    specs = tuple(
        P(param, unit, defaults[param], low, high, en, zh)
        for param, unit, low, high, en, zh in params
    )
    return Phase(name, title_en, title_zh, specs)


def beer_master(product: str) -> MasterRecipe:
    """The master recipe of ``product`` (lager, ipa or stout)."""
    en, zh = PRODUCTS[product]

    def phases(*names: str) -> tuple[Phase, ...]:
        return tuple(_phase(n, product) for n in names)

    return MasterRecipe(
        product,
        1,
        en,
        zh,
        (
            UnitProcedure(
                "brewing",
                "brewhouse",
                (
                    Operation(
                        "mashing",
                        phases("mash_in", "protein_rest", "saccharification_rest", "mash_out"),
                    ),
                    Operation("wort", phases("boil", "knockout")),
                ),
            ),
            UnitProcedure(
                "cellar",
                "fermenter",
                (Operation("fermenting", phases("fermentation", "conditioning")),),
            ),
            UnitProcedure(
                "finishing", "bright_tank", (Operation("carbonating", phases("carbonation")),)
            ),
            UnitProcedure(
                "packaging",
                "bottling_line",
                (
                    Operation(
                        "bottling",
                        phases("changeover", "filling", "capping", "labelling", "inspection"),
                    ),
                ),
            ),
        ),
    )


def beer_masters() -> dict[str, MasterRecipe]:
    """Every product's master recipe, by product code."""
    return {product: beer_master(product) for product in PRODUCTS}
