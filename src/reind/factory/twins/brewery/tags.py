"""The beer line's telemetry: brewhouse, cellar, bright tanks, bottling, alarms.

Bottling tags are scanned every second; the brewhouse and the cellar, whose
values move over minutes and days, once a minute.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from reind.factory.twins.brewery.bottling import BUFFER_CAPACITY
from reind.factory.twins.tags import Tag, TagKind, TagRole

if TYPE_CHECKING:
    from reind.factory.twins.brewery.line import BeerLine

D, N, B, T = TagKind.DOUBLE, TagKind.INT, TagKind.BOOL, TagKind.STRING
SENSOR, COUNTER, ALARM, STATE = TagRole.SENSOR, TagRole.COUNTER, TagRole.ALARM, TagRole.STATE

TEMPERATURE_HIGH_MARGIN = 1.5  # °C above setpoint before a fermenter alarms
GLYCOL_WARM = 0.0  # °C supply temperature that alarms


def add_brewery_tags(m: BeerLine) -> None:
    """Register every sensor, counter and alarm tag of the line."""
    add = m.tags.add
    add(Tag("Brewhouse/Mash Temperature", D, SENSOR, 25.0, "degC", 0.1, "Mash tun", "糖化鍋溫度"))
    add(Tag("Brewhouse/Mash Setpoint", D, SENSOR, 25.0, "degC", 0.1))
    add(Tag("Brewhouse/Steam Valve", D, SENSOR, 0.0, "%", 1.0))
    add(Tag("Brewhouse/Step", T, STATE, "idle"))
    add(Tag("Brewhouse/Batch", T, STATE, ""))
    add(Tag("Brewhouse/Product", T, STATE, ""))
    add(Tag("Glycol/Supply Temperature", D, SENSOR, m.chiller.supply, "degC", 0.1))
    add(Tag("Alarm/Glycol Supply Warm", B, ALARM, False))
    for tank in m.fermenters:
        p = f"{tank.name}/"
        add(Tag(p + "Temperature", D, SENSOR, tank.jacket.temperature, "degC", 0.05))
        add(Tag(p + "Setpoint", D, SENSOR, tank.loop.target_setpoint, "degC", 0.05))
        add(Tag(p + "Glycol Valve", D, SENSOR, 0.0, "%", 1.0))
        add(Tag(p + "Gravity", D, SENSOR, 1.0, "SG", 0.0002, "Specific gravity", "比重"))
        add(Tag(p + "State", T, STATE, tank.state))
        add(Tag(p + "Product", T, STATE, ""))
        add(Tag(p + "Batch", T, STATE, ""))
        add(Tag(p + "Alarm Temperature High", B, ALARM, False))
        add(Tag(p + "Alarm Fermentation Stalled", B, ALARM, False))
    for bright in m.bright_tanks:
        p = f"{bright.name}/"
        add(Tag(p + "Volume", D, SENSOR, bright.volume_hl, "hL", 0.1))
        add(Tag(p + "CO2", D, SENSOR, 0.0, "vol", 0.02))
        add(Tag(p + "State", T, STATE, bright.state))
        add(Tag(p + "Product", T, STATE, ""))
    line = m.line
    for machine in line.machines:
        add(Tag(f"Bottling/{machine.name}/Status", N, STATE, int(machine.status)))
        add(Tag(f"Bottling/{machine.name}/Status Text", T, STATE, machine.status.name.title()))
    for index in range(len(BUFFER_CAPACITY)):
        add(Tag(f"Bottling/Buffer {index + 1}/Level", N, SENSOR, 0))
    add(Tag("Bottling/Labels Remaining", N, SENSOR, line.labels))
    add(Tag("Bottling/Bottles Filled", N, COUNTER, 0))
    add(Tag("Bottling/Bottles Good", N, COUNTER, 0))
    add(Tag("Bottling/Rejected Fill Level", N, COUNTER, 0))
    add(Tag("Bottling/Last Fill Volume", D, SENSOR, 0.0, "ml", 0.5))
    add(Tag("Bottling/Product", T, STATE, ""))
    add(Tag("Bottling/Batch", T, STATE, ""))
    add(Tag("Bottling/Changeovers", N, COUNTER, 0))
    add(Tag("Alarm/Filler Jammed", B, ALARM, False))
    add(Tag("Alarm/Labeller Out Of Labels", B, ALARM, False))


def refresh_brewery_tags(m: BeerLine, slow: bool) -> None:
    """Copy the line's state into its tags; the slow parts only when ``slow``."""
    put = m.tags.set
    line = m.line
    for machine in line.machines:
        status = machine.status
        put(f"Bottling/{machine.name}/Status", int(status))
        put(f"Bottling/{machine.name}/Status Text", status.name.title())
    buffers = line.buffers
    put("Bottling/Buffer 1/Level", buffers[0])
    put("Bottling/Buffer 2/Level", buffers[1])
    put("Bottling/Buffer 3/Level", buffers[2])
    put("Bottling/Buffer 4/Level", buffers[3])
    put("Bottling/Labels Remaining", line.labels)
    put("Bottling/Bottles Filled", line.filled)
    put("Bottling/Bottles Good", line.good)
    put("Bottling/Rejected Fill Level", line.rejected)
    put("Bottling/Last Fill Volume", line.last_fill)
    put("Alarm/Filler Jammed", line.filler.faulted)
    put("Alarm/Labeller Out Of Labels", line.labeller.faulted)
    m.refresh_unit_tags("Bottling/")
    if not slow:
        return
    put("Bottling/Product", m.bottling.product if m.bottling else "")
    put("Bottling/Batch", m.bottling.batch_id if m.bottling else "")
    put("Bottling/Changeovers", m.changeovers)
    brewhouse = m.brewhouse
    put("Brewhouse/Mash Temperature", brewhouse.vessel.measured)
    put("Brewhouse/Mash Setpoint", brewhouse.loop.setpoint)
    put("Brewhouse/Steam Valve", brewhouse.vessel.heater_output)
    put("Brewhouse/Step", brewhouse.step_name)
    brewing = brewhouse.batch if brewhouse.step_name != "idle" else None
    put("Brewhouse/Batch", brewing.batch_id if brewing else "")
    put("Brewhouse/Product", brewing.product if brewing else "")
    put("Glycol/Supply Temperature", m.chiller.supply)
    put("Alarm/Glycol Supply Warm", m.chiller.supply > GLYCOL_WARM)
    for tank in m.fermenters:
        p = f"{tank.name}/"
        batch = tank.batch
        temperature = tank.jacket.temperature
        put(p + "Temperature", temperature)
        put(p + "Setpoint", tank.loop.target_setpoint)
        put(p + "Glycol Valve", tank.jacket.valve)
        put(p + "Gravity", round(batch.gravity + m.rng.gauss(0.0, 0.0001), 4) if batch else 1.0)
        put(p + "State", tank.state)
        put(p + "Product", batch.product if batch else "")
        put(p + "Batch", batch.batch_id if batch else "")
        high = tank.state == "fermenting" and temperature > tank.loop.target_setpoint + (
            TEMPERATURE_HIGH_MARGIN
        )
        put(p + "Alarm Temperature High", high)
        put(p + "Alarm Fermentation Stalled", tank.stalled)
    for bright in m.bright_tanks:
        p = f"{bright.name}/"
        put(p + "Volume", bright.volume_hl)
        put(p + "CO2", bright.batch.co2 if bright.batch else 0.0)
        put(p + "State", bright.state)
        put(p + "Product", bright.batch.product if bright.batch else "")
    m.refresh_unit_tags("Brewhouse/")
