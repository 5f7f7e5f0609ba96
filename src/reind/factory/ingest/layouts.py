"""The DATA payload layouts the gateway's host has learnt, per topic (ADR 0143).

Why: reading a payload by its layout (:mod:`reind.factory.sparkplug.fast_layout`)
skips the per-metric protobuf access, but a layout only says where the
bytes are; which series each metric is comes from the edge node's BIRTH.
This keeps both together, checked once when learnt: every alias known to the
node's alias table (for this device), each value in the field of its BIRTH
datatype. A new BIRTH makes a new alias table, and a layout learnt against the
old one is no longer used (:class:`KnownLayout.known` is compared by identity).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from reind.factory.sparkplug.fast_layout import Layout

SeriesInfo = tuple[str, int, str, str | None]
"""(series name, BIRTH datatype, plain value field or '', device id) of one alias."""
LAYOUTS_PER_TOPIC = 8
"""Payload sizes remembered per topic (a seq past 127 takes a byte more, for one)."""
MAX_TOPICS = 100_000
"""Topics remembered before the table starts again (a bound on memory, not a limit)."""


@dataclass(frozen=True, slots=True)
class KnownLayout:
    """A DATA payload layout of one topic, with the series each of its metrics is."""

    layout: Layout
    known: dict[int, SeriesInfo]
    """The node's alias table it was checked against (a new BIRTH makes a new one)."""
    names: list[str]
    datatypes: NDArray[np.int16]


class Layouts:
    """Per topic, per payload size: the layout learnt, or None where there is none."""

    def __init__(self) -> None:
        self._topics: dict[str, dict[int, KnownLayout | None]] = {}

    def get(self, topic: str, size: int) -> KnownLayout | None:
        """The layout learnt for payloads of ``size`` bytes on ``topic``."""
        sizes = self._topics.get(topic)
        return sizes.get(size) if sizes is not None else None

    def learn(
        self, topic: str, data: bytes, known: dict[int, SeriesInfo], device_id: str | None
    ) -> None:
        """Remember the layout of ``data``, which the per-metric path just read whole.

        Tried once a size (and again after a BIRTH): a payload that is not of the
        plain shape costs its walk once, not once a message.
        """
        sizes = self._topics.get(topic)
        if sizes is None:
            if len(self._topics) >= MAX_TOPICS:
                self._topics.clear()
            sizes = self._topics[topic] = {}
        size = len(data)
        if size in sizes:
            entry = sizes[size]
            if entry is None or entry.known is known:
                return
        if len(sizes) >= LAYOUTS_PER_TOPIC:
            sizes.clear()
        sizes[size] = _known_layout(data, known, device_id)


def _known_layout(
    data: bytes, known: dict[int, SeriesInfo], device_id: str | None
) -> KnownLayout | None:
    """The layout of ``data`` with its series, if every metric is one the fast path read
    from the field of its BIRTH datatype; else None."""
    try:
        layout = Layout(data)
    except ValueError:
        return None
    infos: list[SeriesInfo] = []
    for alias, datatype, kind in zip(layout.aliases, layout.datatypes, layout.kinds, strict=True):
        info = known.get(alias)
        if info is None or not alias or info[3] != device_id or kind != info[1]:
            return None
        if datatype and datatype != info[1]:
            return None
        infos.append(info)
    datatypes = np.array([info[1] for info in infos], np.int16)
    return KnownLayout(layout, known, [info[0] for info in infos], datatypes)
