"""A batch's points as numpy arrays, for the pipe to the writer process.

Why: the gateway hands each batch to its writer process over a pipe
(docs/decisions/0027). Pickling :class:`PointColumns` writes every number
and every series reference one by one, and the writer then turns the lists
into numpy columns again: about 0.4 CPU µs a point across the two processes,
a fifth of the gateway's whole cost. Packed, the numbers are arrays (pickled
as their buffers) and the series are small integers into the batch's own
list of names, so the pipe costs a copy and the DuckDB store sorts by the
integers directly (:mod:`.duckdb_append`, ADR 0142).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from reind.factory.ingest.points import Block, PointColumns, TelemetryPoint

MAX_CODES = 1_000_000
"""Series codes kept before the table starts again (a bound on memory, not a limit)."""


class SeriesCodes:
    """Small integers for series names, kept while their owner lives.

    The names repeat batch after batch (a plant has thousands of series), so
    one dictionary look-up a point replaces sorting or pickling strings.
    """

    def __init__(self) -> None:
        self._codes: dict[str, int] = {}
        self.names: list[str] = []
        self._lists: dict[int, tuple[list[str], NDArray[np.int64]]] = {}

    def encode_list(self, series: list[str]) -> NDArray[np.int64]:
        """:meth:`encode` of a list that never changes (a layout's), kept by identity."""
        known = self._lists.get(id(series))
        if known is not None and known[0] is series:
            return known[1]
        if len(self._lists) >= 10_000:
            self._lists.clear()
        coded = self.encode(series)
        self._lists[id(series)] = (series, coded)  # holding it keeps its id unique
        return coded

    def encode(self, series: list[str]) -> NDArray[np.int64]:
        """The code of every name, in order (new names get the next codes)."""
        codes = self._codes
        try:
            return np.fromiter(map(codes.__getitem__, series), np.int64, len(series))
        except KeyError:
            if len(codes) > MAX_CODES:
                codes.clear()
                self.names.clear()
                self._lists.clear()
            for name in series:
                if name not in codes:
                    codes[name] = len(self.names)
                    self.names.append(name)
            return np.fromiter(map(codes.__getitem__, series), np.int64, len(series))


@dataclass(slots=True)
class PackedPoints:
    """:class:`PointColumns` as arrays; ``code[i]`` indexes ``names`` (the batch's series)."""

    names: list[str] = field(default_factory=list)
    code: NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, np.int64))
    ts: NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, np.int64))
    value: NDArray[np.float64] = field(default_factory=lambda: np.zeros(0, np.float64))
    datatype: NDArray[np.int16] = field(default_factory=lambda: np.zeros(0, np.int16))
    ordinal: NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, np.int64))
    others: list[TelemetryPoint] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.code) + len(self.others)

    @classmethod
    def pack(cls, columns: PointColumns, codes: SeriesCodes) -> PackedPoints:
        """``columns`` packed, with codes local to this batch (0 .. distinct series - 1).

        The blocks' arrays are joined as they are; their series are coded once per
        layout (:meth:`SeriesCodes.encode_list`), so they cost no work per point here.
        """
        if not len(columns) - len(columns.others):
            return cls(others=list(columns.others))
        parts = [codes.encode(columns.series)] if columns.series else []
        stamps = [np.array(columns.timestamps, dtype=np.int64)]
        values = [np.array(columns.values, dtype=np.float64)]
        datatypes = [np.array(columns.datatypes, dtype=np.int16)]
        ordinals = [np.array(columns.ordinals, dtype=np.int64)]
        blocks = columns.blocks
        if blocks:
            parts.extend(codes.encode_list(block.names) for block in blocks)
            stamps.append(_block_stamps(blocks))
            values.extend(block.values for block in blocks)
            datatypes.extend(block.datatypes for block in blocks)
            sizes = np.array([len(block) for block in blocks], np.int64)
            firsts = np.array([block.ordinal for block in blocks], np.int64)
            starts = np.cumsum(sizes) - sizes  # each block's first row
            ordinals.append(np.arange(int(sizes.sum()), dtype=np.int64)
                            + np.repeat(firsts - starts, sizes))  # fmt: skip
        wide = np.concatenate(parts)
        used = np.zeros(len(codes.names), dtype=bool)
        used[wide] = True
        present = np.flatnonzero(used)
        local = np.cumsum(used) - 1
        names = codes.names
        return cls(
            names=[names[k] for k in present],
            code=local[wide],
            ts=np.concatenate(stamps),
            value=np.concatenate(values),
            datatype=np.concatenate(datatypes),
            ordinal=np.concatenate(ordinals),
            others=list(columns.others),
        )

    def columns(self) -> PointColumns:
        """Back to lists (for a store that takes :class:`PointColumns`, and tests)."""
        names = self.names
        return PointColumns(
            series=[names[k] for k in self.code.tolist()],
            timestamps=self.ts.tolist(),
            values=self.value.tolist(),
            datatypes=self.datatype.tolist(),
            ordinals=self.ordinal.tolist(),
            others=list(self.others),
        )


def _block_stamps(blocks: list[Block]) -> NDArray[np.int64]:
    """Every block's timestamps in one array (one repeat for the common single stamp)."""
    if all(isinstance(block.timestamps, int) for block in blocks):
        sizes = [len(block) for block in blocks]
        return np.repeat(np.array([block.timestamps for block in blocks], np.int64), sizes)
    return np.concatenate([block.stamps() for block in blocks])
