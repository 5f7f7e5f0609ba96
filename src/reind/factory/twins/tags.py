"""A twin's tags: every sensor, state, counter and setting, with report by exception.

Each ``Tag`` knows its type, unit, whether it may be written from outside
and its deadband. The twin sets tag values every step; only a change beyond
the deadband is queued for publication, which is Sparkplug's report by
exception and keeps a simulated day cheap. ``TagTable.drain()`` hands the
changes to whatever publishes them (Sparkplug, OPC UA, a test).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import Enum

from reind.core.errors import NotFoundError

TagValue = float | int | bool | str


class TagKind(Enum):
    """The value type of a tag (maps onto Sparkplug and OPC UA data types)."""

    DOUBLE = "double"
    INT = "int"
    BOOL = "bool"
    STRING = "string"


class TagRole(Enum):
    """What a tag is, which decides how writes to it are handled."""

    SENSOR = "sensor"
    STATE = "state"
    COUNTER = "counter"
    ALARM = "alarm"
    PARAMETER = "parameter"
    COMMAND = "command"
    SIMULATION = "simulation"


@dataclass
class Tag:
    """One named value of a twin."""

    name: str
    kind: TagKind
    role: TagRole
    value: TagValue
    unit: str = ""
    deadband: float = 0.0
    description_en: str = ""
    description_zh: str = ""
    published: TagValue | None = None

    @property
    def writable(self) -> bool:
        """Recipe parameters, commands and simulated faults may be written from outside."""
        return self.role in (TagRole.PARAMETER, TagRole.COMMAND, TagRole.SIMULATION)


@dataclass
class TagTable:
    """All of a twin's tags, and the changes not yet published."""

    tags: dict[str, Tag] = field(default_factory=dict)
    changed: dict[str, TagValue] = field(default_factory=dict)

    def add(self, tag: Tag) -> Tag:
        """Register a tag; its first value counts as a change (it goes out in the birth)."""
        self.tags[tag.name] = tag
        tag.published = tag.value
        self.changed[tag.name] = tag.value
        return tag

    def __getitem__(self, name: str) -> Tag:
        try:
            return self.tags[name]
        except KeyError:
            raise NotFoundError(f"no tag called {name!r}") from None

    def __iter__(self) -> Iterator[Tag]:
        return iter(self.tags.values())

    def set(self, name: str, value: TagValue) -> None:
        """Set a value; queue it if it moved beyond the deadband (or changed at all)."""
        tag = self.tags[name]
        tag.value = value
        last = tag.published
        if last == value:
            return
        # deadbands are only given to DOUBLE tags, whose values are floats
        if tag.deadband and abs(value - last) < tag.deadband:  # type: ignore[operator]
            return
        tag.published = value
        self.changed[name] = value

    def put(self, tag: Tag, value: TagValue) -> None:
        """``set`` for a caller that already holds the ``Tag`` (the per-second scan)."""
        tag.value = value
        last = tag.published
        if last == value:
            return
        if tag.deadband and abs(value - last) < tag.deadband:  # type: ignore[operator]
            return
        tag.published = value
        self.changed[tag.name] = value

    def value(self, name: str) -> TagValue:
        """The current value of a tag."""
        return self[name].value

    def snapshot(self) -> dict[str, TagValue]:
        """Every tag's current value (what a birth certificate carries)."""
        return {name: tag.value for name, tag in self.tags.items()}

    def drain(self) -> dict[str, TagValue]:
        """The changes since the last drain, cleared."""
        changes = self.changed
        self.changed = {}
        return changes
