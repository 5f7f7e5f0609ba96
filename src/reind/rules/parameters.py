"""Dated rule parameters, loaded strictly from one YAML file each.

A parameter file looks like this::

    description:
      en: Government share of the approved project cost (1 Government : 2 company).
      zh-Hant: 政府資助佔核准項目總成本的比例（政府與公司按 1:2 配對）。
    unit: ratio
    values:
      2020-07-27:
        value: 1/3
        source: news.gov.hk "Re-industrialisation subsidy opens", 27 Jul 2020
        confidence: A
        note:                  # optional; when given, in both languages
          en: The effective date is a guess; verify.
          zh-Hant: 生效日期是推測；有待核實。

Values are keyed by the date they take effect, in ascending order; a value
of ``null`` ends the parameter from that date. Any unknown key, a missing
source, an unsorted date or a value that does not fit the unit is an error
naming the file and line: a rule silently read wrong is worse than none.
"""

from __future__ import annotations

import bisect
import hashlib
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from reind.core.errors import ParameterFileError, RuleError
from reind.rules.values import UNITS, ParamValue, UnitError, parse_value, show_value

CONFIDENCE = {
    "A": "official government page",
    "B": "secondary source agreeing with others",
    "C": "single third-party source; unverified",
}
_FILE_KEYS = {"description", "unit", "values"}
_VALUE_KEYS = {"value", "source", "confidence", "note"}
_LANGS = {"en", "zh-Hant"}


@dataclass(frozen=True, slots=True)
class DatedValue:
    """One value of a parameter and the evidence for it."""

    parameter: str
    effective_from: date
    value: ParamValue | None
    source: str
    confidence: str
    note: str | None = None
    note_zh: str | None = None

    @property
    def shown(self) -> str:
        """The value as a person reads it."""
        return show_value(self.value)

    def note_in(self, lang: str) -> str | None:
        """The note in ``lang`` ("en" or "zh-Hant"); the loader holds every note to both."""
        return self.note_zh if lang == "zh-Hant" else self.note


@dataclass(frozen=True, slots=True)
class ChosenValue(DatedValue):
    """A value chosen by a date other than the case's governing one, and which event that is.

    A case can carry several governing dates: an RTTP application's rules are
    those in force when it was received, but the ceiling per financial year
    is tested when it is approved. The trace shows each such value with the
    event and date that chose it.
    """

    event: str = ""
    event_date: date | None = None

    @classmethod
    def of(cls, value: DatedValue, event: str, day: date) -> ChosenValue:
        """``value`` as chosen by ``event`` on ``day``."""
        return cls(
            value.parameter,
            value.effective_from,
            value.value,
            value.source,
            value.confidence,
            value.note,
            value.note_zh,
            event,
            day,
        )


@dataclass(frozen=True, slots=True)
class Parameter:
    """A named, dated policy parameter of one scheme."""

    scheme: str
    name: str
    unit: str
    description_en: str
    description_zh: str
    values: tuple[DatedValue, ...]
    path: str
    _dates: tuple[date, ...] = field(default=(), repr=False, compare=False)

    @property
    def key(self) -> str:
        """``scheme.name``, the parameter's identity in traces."""
        return f"{self.scheme}.{self.name}"

    def at(self, day: date) -> DatedValue | None:
        """The value in force on ``day``: None before the first date."""
        index = bisect.bisect_right(self._dates, day) - 1
        return self.values[index] if index >= 0 else None

    def description(self, lang: str) -> str:
        """The description in ``lang`` ("en" or "zh-Hant")."""
        return self.description_zh if lang == "zh-Hant" else self.description_en


_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""Every CLI command loads ~160 parameter files, so parsing them is start-up time."""


def load_parameter(path: Path, scheme: str, shown_path: str | None = None) -> Parameter:
    """Read and validate one parameter file."""
    where = shown_path or str(path)
    try:
        # libyaml's composer: a tenth of the pure-Python one's time, the same nodes and marks
        root = yaml.compose(path.read_text(encoding="utf-8"), Loader=_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise ParameterFileError(where, line, f"not valid YAML: {exc}") from None
    if not isinstance(root, MappingNode):
        raise ParameterFileError(where, 1, "expected a mapping with description, unit and values")
    top = _mapping(root, where, _FILE_KEYS, required=_FILE_KEYS)

    description = _mapping(top["description"], where, _LANGS, required=_LANGS)
    desc = {lang: _text(node, where, f"description.{lang}") for lang, node in description.items()}

    unit = _text(top["unit"], where, "unit")
    if unit not in UNITS:
        raise ParameterFileError(
            where, _line(top["unit"]), f"unknown unit {unit!r}; expected one of {sorted(UNITS)}"
        )

    values_node = top["values"]
    if not isinstance(values_node, MappingNode) or not values_node.value:
        raise ParameterFileError(where, _line(values_node), "values must map dates to entries")
    name = path.stem
    dated: list[DatedValue] = []
    for key_node, entry_node in values_node.value:
        dated.append(_dated_value(key_node, entry_node, where, unit, f"{scheme}.{name}"))
    for before, after, key_node in zip(
        dated, dated[1:], (k for k, _ in values_node.value[1:]), strict=False
    ):
        if after.effective_from <= before.effective_from:
            raise ParameterFileError(
                where,
                _line(key_node),
                f"dates must ascend: {after.effective_from} follows {before.effective_from}",
            )
    return Parameter(
        scheme=scheme,
        name=name,
        unit=unit,
        description_en=desc["en"],
        description_zh=desc["zh-Hant"],
        values=tuple(dated),
        path=where,
        _dates=tuple(v.effective_from for v in dated),
    )


def _dated_value(key: Node, entry: Node, where: str, unit: str, parameter: str) -> DatedValue:
    if not isinstance(key, ScalarNode):
        raise ParameterFileError(where, _line(key), "a value's key must be a date YYYY-MM-DD")
    try:
        effective = date.fromisoformat(key.value)
    except ValueError:
        raise ParameterFileError(
            where, _line(key), f"not a date (expected YYYY-MM-DD): {key.value!r}"
        ) from None
    fields = _mapping(entry, where, _VALUE_KEYS, required={"value", "source", "confidence"})
    raw = _plain(fields["value"])
    value: ParamValue | None
    if raw is None:
        value = None
    else:
        try:
            value = parse_value(unit, raw)
        except UnitError as exc:
            raise ParameterFileError(where, _line(fields["value"]), f"unit {unit}: {exc}") from None
    source = _text(fields["source"], where, "source")
    confidence = _text(fields["confidence"], where, "confidence")
    if confidence not in CONFIDENCE:
        raise ParameterFileError(
            where,
            _line(fields["confidence"]),
            f"confidence must be one of {sorted(CONFIDENCE)}, got {confidence!r}",
        )
    note: dict[str, str | None] = {"en": None, "zh-Hant": None}
    if "note" in fields:
        # a note a Chinese reader cannot read is half a note (issue 16): both languages or none
        given = _mapping(fields["note"], where, _LANGS, required=_LANGS)
        note = {lang: _text(node, where, f"note.{lang}") for lang, node in given.items()}
    return DatedValue(parameter, effective, value, source, confidence, note["en"], note["zh-Hant"])


def _mapping(node: Node, where: str, allowed: set[str], required: set[str]) -> dict[str, Node]:
    if not isinstance(node, MappingNode):
        raise ParameterFileError(where, _line(node), f"expected a mapping with {sorted(allowed)}")
    out: dict[str, Node] = {}
    for key_node, value_node in node.value:
        key = key_node.value if isinstance(key_node, ScalarNode) else None
        if key not in allowed:
            raise ParameterFileError(
                where, _line(key_node), f"unknown key {key!r}; expected one of {sorted(allowed)}"
            )
        if key in out:
            raise ParameterFileError(where, _line(key_node), f"duplicate key {key!r}")
        out[key] = value_node
    missing = sorted(required - out.keys())
    if missing:
        raise ParameterFileError(where, _line(node), f"missing {', '.join(missing)}")
    return out


def _text(node: Node, where: str, what: str) -> str:
    value = _plain(node)
    if not isinstance(value, str) or not value.strip():
        raise ParameterFileError(where, _line(node), f"{what} must be non-empty text")
    return value.strip()


def _plain(node: Node) -> object:
    """A node as plain Python, with YAML 1.1 scalars resolved safely."""
    if isinstance(node, ScalarNode):
        if node.tag.endswith(":null"):
            return None
        if node.tag.endswith(":bool"):
            return node.value.lower() in ("true", "yes", "on")
        if node.tag.endswith(":int"):
            return int(node.value.replace("_", ""))
        return str(node.value)
    if isinstance(node, SequenceNode):
        return [_plain(item) for item in node.value]
    return node


def _line(node: Node) -> int:
    return int(node.start_mark.line) + 1


class ParameterSet:
    """Every parameter of every scheme, with the content hash of the rules.

    Built from parsed parameters, or (``load_parameters(lazy=True)``) from each
    scheme's files, parsed on the first look-up of that scheme: a command that
    decides one case of one scheme (``reind grant``) need not parse the YAML
    of all fourteen. The version hashes every file either way.
    """

    def __init__(
        self,
        parameters: Iterable[Parameter],
        version: str,
        unparsed: Mapping[str, Sequence[tuple[Path, str]]] | None = None,
    ) -> None:
        self._by_key = {p.key: p for p in parameters}
        self.version = version
        self._unparsed = dict(unparsed or {})
        self._declared = {
            f"{scheme}.{path.stem}" for scheme, files in self._unparsed.items() for path, _ in files
        }
        self._lock = threading.Lock()

    def _parse(self, scheme: str) -> None:
        """Parse a scheme's files if they are not yet: once, whichever thread asks first."""
        with self._lock:
            files = self._unparsed.get(scheme)
            if files is None:
                return
            parsed = [load_parameter(path, scheme, where) for path, where in files]
            self._by_key.update((p.key, p) for p in parsed)
            del self._unparsed[scheme]  # after the update: a reader never finds it half-made

    def _parse_all(self) -> None:
        for scheme in list(self._unparsed):
            self._parse(scheme)

    def declares(self, scheme: str, name: str) -> bool:
        """True when the scheme has a parameter ``name`` (without parsing its files)."""
        key = f"{scheme}.{name}"
        return key in self._by_key or key in self._declared

    def get(self, scheme: str, name: str) -> Parameter:
        """The parameter, or a RuleError naming what is missing."""
        if scheme in self._unparsed:
            self._parse(scheme)
        try:
            return self._by_key[f"{scheme}.{name}"]
        except KeyError:
            raise RuleError(f"no parameter {name!r} for scheme {scheme}") from None

    def of_scheme(self, scheme: str) -> list[Parameter]:
        """A scheme's parameters, sorted by name."""
        if scheme in self._unparsed:
            self._parse(scheme)
        return sorted(
            (p for p in self._by_key.values() if p.scheme == scheme), key=lambda p: p.name
        )

    def __iter__(self) -> Iterator[Parameter]:
        self._parse_all()
        return iter(self._by_key.values())

    def __len__(self) -> int:
        self._parse_all()
        return len(self._by_key)


def load_parameters(
    root: Path, extra_hashed: Iterable[Path] = (), *, lazy: bool = False
) -> ParameterSet:
    """Load ``root/<scheme>/<name>.yaml`` for every scheme.

    The version is a SHA-256 over every parameter file and every file in
    ``extra_hashed`` (the formulas), so a decision names exactly the rules it
    was computed under. ``lazy`` parses each scheme's files when the scheme is
    first looked up (a bad file then raises there, not here): for commands
    that use one scheme; a server parses everything at start.
    """
    digest = hashlib.sha256()
    parameters: list[Parameter] = []
    unparsed: dict[str, list[tuple[Path, str]]] = {}
    files = sorted(root.glob("*/*.yaml"))
    for path in files:
        relative = path.relative_to(root).as_posix()
        content = path.read_bytes()
        digest.update(relative.encode() + b"\0" + content + b"\0")
        if lazy:
            unparsed.setdefault(path.parent.name, []).append((path, f"parameters/{relative}"))
        else:
            parameters.append(load_parameter(path, path.parent.name, f"parameters/{relative}"))
    for path in sorted(extra_hashed):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return ParameterSet(parameters, digest.hexdigest()[:16], unparsed)
