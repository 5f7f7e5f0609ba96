"""What the plant dashboard knows about each production line.

A line is a Sparkplug edge node and device; its recipe parameters and their
limits come from the master recipes (the equipment's configuration), so the
dashboard can refuse an out-of-range setpoint before it is ever sent.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from reind.factory.lines import MasterRecipe, ParameterSpec, Phase, beer_masters, egg_waffle_master
from reind.web.plant_trends import TrendSpec

RECIPE_MARK = "Recipe/"
GROUP = "reind"


@dataclass(frozen=True)
class LineSpec:
    """One production line as the dashboard shows it."""

    line_id: str
    kind: str
    node: str
    device: str
    title_en: str
    title_zh: str
    units: tuple[str, ...]
    """Tag prefixes of the PackML units ("" for a single-unit machine)."""
    charts: tuple[TrendSpec, ...]
    """Trend charts: each process value with its setpoint."""
    counters: tuple[str, ...]
    masters: tuple[MasterRecipe, ...] = field(default=(), repr=False)
    kpi_units: tuple[tuple[str, float], ...] = ()
    """(unit prefix, planned run time per unit in s) of the units whose KPIs are shown."""

    vessels: tuple[str, ...] = ()
    """Tag prefixes of the tanks shown with their state ("FV1/", "BBT1/")."""

    @property
    def trends(self) -> tuple[str, ...]:
        """Every tag drawn on a chart (streamed live to the page)."""
        return tuple(tag for chart in self.charts for tag in chart.tags)

    @property
    def series_prefix(self) -> str:
        """``group/node/device/`` as the Sparkplug host names series."""
        return f"{GROUP}/{self.node}/{self.device}/"

    def title(self, lang: str) -> str:
        """The line's name in ``lang``."""
        return self.title_zh if lang == "zh-Hant" else self.title_en

    def order(self, tag: str) -> tuple[str, int, int]:
        """Sort key putting recipe tags in procedural order (phase, then parameter)."""
        unit, _, rest = tag.partition(RECIPE_MARK)
        phase, _, name = rest.partition("/")
        for master in self.masters:
            for p_index, candidate in enumerate(master.phases()):
                if candidate.name == phase:
                    names = [spec.name for spec in candidate.parameters]
                    return unit, p_index, names.index(name) if name in names else 0
        return unit, 10_000, 0

    def phase(self, name: str) -> Phase | None:
        """The recipe phase called ``name`` (its titles in both languages), if any."""
        for master in self.masters:
            for candidate in master.phases():
                if candidate.name == name:
                    return candidate
        return None

    def spec(self, tag: str) -> ParameterSpec | None:
        """The parameter spec (unit, limits) of a recipe tag, if it is one."""
        if RECIPE_MARK not in tag:
            return None
        phase, _, name = tag.split(RECIPE_MARK, 1)[1].partition("/")
        for master in self.masters:
            for candidate in master.phases():
                if candidate.name == phase:
                    for spec in candidate.parameters:
                        if spec.name == name:
                            return spec
        return None


def waffle_line(node: str = "waffle-1") -> LineSpec:
    """HKPC's automated frozen egg-waffle machine."""
    return LineSpec(
        line_id=node,
        kind="waffle",
        node=node,
        device="waffle",
        title_en="Egg-waffle machine",
        title_zh="雞蛋仔機",
        units=("",),
        charts=(
            TrendSpec("Plate A/Temperature", "Plate A/Setpoint", "degC"),
            TrendSpec("Plate B/Temperature", "Plate B/Setpoint", "degC"),
        ),
        counters=("Line/Waffles Dosed", "PackML/Processed", "PackML/Defective"),
        masters=(egg_waffle_master(),),
        kpi_units=(("", 80.0),),  # plate A bakes 75 s, plus dosing and the flip
    )


def brewery_line(node: str = "brewery-1") -> LineSpec:
    """The local brewer's smart beer line."""
    return LineSpec(
        line_id=node,
        kind="brewery",
        node=node,
        device="brewery",
        title_en="Smart beer line",
        title_zh="智能啤酒生產線",
        units=("Brewhouse/", "Bottling/"),
        charts=(
            TrendSpec("Brewhouse/Mash Temperature", "Brewhouse/Mash Setpoint", "degC"),
            TrendSpec("FV1/Temperature", "FV1/Setpoint", "degC"),
            TrendSpec("Bottling/Last Fill Volume", "Bottling/Recipe/filling/fill_volume", "ml"),
        ),
        counters=(
            "Bottling/Bottles Filled",
            "Bottling/Bottles Good",
            "Bottling/Rejected Fill Level",
        ),  # fmt: skip
        vessels=tuple(f"FV{n}/" for n in range(1, 7)) + ("BBT1/", "BBT2/"),
        masters=tuple(beer_masters().values()),
        kpi_units=(("Bottling/", 0.5),),  # the filler's rated 7,200 bottles an hour
    )
