"""One simulated day of each twin at full detail, as fast as the CPU allows.

Full detail: the twin steps every simulated second (PID loops, plate and
batter thermal models, every waffle or bottle), and after every step the
changed tags are drained and encoded as a Sparkplug B DDATA payload, as the
edge node would send them (the broker round trip is left out: that is the
ingest bench's business). Prints simulated seconds per wall second and the
ratio to the issue's target, a day of the waffle machine in under 2 s.

    python bench/twins.py            # one day each
    python bench/twins.py --days 3   # longer
    python bench/twins.py --no-encode  # model only
"""

from __future__ import annotations

import argparse
import os
import time

from reind.factory.control.packml import PackMLCommand
from reind.factory.sparkplug import Metric, Payload, encode_payload
from reind.factory.twins.base import Twin
from reind.factory.twins.catalogue import make_twin
from reind.factory.twins.clock import SimulatedClock
from reind.factory.twins.sparkplug_link import DATATYPES, metric_value

DAY = 86400
WAFFLE_TARGET_SECONDS = 2.0


def run_day(kind: str, days: float, encode: bool, seed: int) -> tuple[float, float, int, int, Twin]:
    """Wall and CPU seconds, DDATA messages and metric values for ``days`` of ``kind``."""
    clock = SimulatedClock()
    twin = make_twin(kind, clock, seed)
    aliases = {tag.name: alias for alias, tag in enumerate(twin.tags, start=1)}
    kinds = {tag.name: DATATYPES[tag.kind] for tag in twin.tags}
    tags = twin.tags
    messages = values = 0
    steps = round(days * DAY / twin.dt)
    started = time.perf_counter()
    cpu_started = time.process_time()
    if kind == "waffle":
        twin.command("", PackMLCommand.RESET)
    for _ in range(steps):
        twin.step()
        changes = tags.drain()
        if not changes:
            continue
        messages += 1
        values += len(changes)
        if encode:
            now = int(clock.elapsed * 1000)
            metrics = tuple(
                Metric(None, aliases[n], kinds[n], metric_value(tags[n], v), now)
                for n, v in changes.items()
            )
            encode_payload(Payload(now, messages % 256, metrics))
        if kind == "waffle" and twin.units[""].state.name == "IDLE":
            twin.command("", PackMLCommand.START)
    wall = time.perf_counter() - started
    return wall, time.process_time() - cpu_started, messages, values, twin


def main() -> None:
    """Run both twins and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-encode", dest="encode", action="store_false")
    args = parser.parse_args()
    print(f"{args.days:g} simulated day(s) per twin, 1 s steps, DDATA encoded: {args.encode}")
    print(f"load average at start: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    for kind in ("waffle", "brewery"):
        wall, cpu, messages, values, twin = run_day(kind, args.days, args.encode, args.seed)
        sim = args.days * DAY
        print(f"\n{kind}: {wall:.2f} s wall ({cpu:.2f} s CPU) for {sim:.0f} simulated s")
        print(f"  simulated s per wall s: {sim / wall:,.0f}  ({sim / wall:,.0f}x real time)")
        print(f"  DDATA messages: {messages:,}  metric values: {values:,}")
        if kind == "waffle":
            unit = twin.units[""]
            print(
                f"  waffles processed {unit.processed.count:,}, defective {unit.defective.count:,}"
            )
            for label, spent in (("wall", wall), ("CPU", cpu)):
                per_day = spent / args.days
                print(
                    f"  a day in {per_day:.2f} s {label}; target {WAFFLE_TARGET_SECONDS:.1f} s; "
                    f"ratio to target {per_day / WAFFLE_TARGET_SECONDS:.2f} "
                    f"({'met' if per_day < WAFFLE_TARGET_SECONDS else 'MISSED'})"
                )
            print("  (CPU time is what an idle machine's wall time would be; on a busy one")
            print("   the wall figure includes time spent waiting for a core)")
        else:
            good = twin.tags.value("Bottling/Bottles Good")
            rejected = twin.tags.value("Bottling/Rejected Fill Level")
            print(f"  bottles good {good:,}, rejected {rejected:,}")


if __name__ == "__main__":
    main()
