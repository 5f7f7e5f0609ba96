"""One case's raw inputs, gathered from the command line for any scheme.

The scheme's pydantic input model is the only list of what a case takes:
named options (``--cost``, ``--received``) are shorthands for two of its
fields, ``--set name=value`` gives any field, ``--input FILE`` a whole case
in JSON or YAML. The checks here are the command line's own (which option
said what); the model still validates every value, and the input rules of
a whole case are ``reind.schemes.intake``'s, shared with the API.
"""

from __future__ import annotations

import json
import types
import typing
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from reind.core.errors import InvalidInputError
from reind.schemes.intake import say


def amount(option: str, text: str, lang: str, *, allow_zero: bool = False) -> Decimal:
    """An HK$ amount given to ``option``: commas allowed; never negative, zero only if allowed."""
    cleaned = text.replace(",", "").replace("_", "").strip()
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite():
        raise InvalidInputError(
            say(lang, f"{option} must be an amount of HK$, not {text!r}",
                f"{option} 須為港元金額，而非 {text!r}")
        )  # fmt: skip
    if value.is_zero():
        # "-0" is zero, not negative: Decimal keeps the sign, so test zero first.
        if allow_zero:
            return Decimal(0)
        raise InvalidInputError(
            say(lang, f"{option} must be more than HK$0, not {text}",
                f"{option} 須大於港幣 0 元，而非 {text}")
        )  # fmt: skip
    if value < 0:
        raise InvalidInputError(
            say(lang, f"{option} must not be negative: {text}", f"{option} 不可為負數：{text}")
        )
    return value


def fields_line(model: type[BaseModel]) -> str:
    """The model's input names, for error messages."""
    return ", ".join(model.model_fields)


@dataclass(frozen=True, slots=True)
class InputField:
    """One input of a scheme, as ``--help`` and ``schemes show`` list it."""

    name: str
    kind: str
    required: bool
    default: str
    description: str


def describe(model: type[BaseModel]) -> list[InputField]:
    """Each input of the scheme's model with its type, default and description."""
    out = []
    for name, info in model.model_fields.items():
        out.append(
            InputField(
                name,
                _kind(info),
                info.is_required(),
                "" if info.is_required() else _default(info),
                info.description or "",
            )
        )
    return out


def _default(info: FieldInfo) -> str:
    if info.default_factory is not None:
        return "[]"
    return json.dumps(info.default, default=str)


def _kind(info: FieldInfo) -> str:
    return _type_name(info.annotation)


def _type_name(annotation: Any) -> str:
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        return _type_name(args[0])
    if origin in (typing.Union, types.UnionType):
        names = [_type_name(a) for a in args if a is not type(None)]
        return " | ".join(names) + (" (optional)" if type(None) in args else "")
    if origin is typing.Literal:
        return " | ".join(str(a) for a in args)
    if origin is list:
        return f"list of {_type_name(args[0])}" if args else "list"
    if annotation is Decimal:
        return "HK$ amount"
    if annotation is date:
        return "date YYYY-MM-DD"
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return f"{annotation.__name__} object (JSON)"
    return getattr(annotation, "__name__", str(annotation))


def read_case_file(path: Path, lang: str) -> dict[str, Any]:
    """A whole case from a JSON or YAML file (YAML is a superset of JSON)."""
    import yaml  # only this command reads YAML from the user

    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InvalidInputError(
            say(lang, f"--input {path}: cannot read it ({exc.strerror})",
                f"--input {path}：無法讀取（{exc.strerror}）")
        ) from None  # fmt: skip
    try:
        if path.suffix.lower() == ".json":
            loaded = json.loads(text, parse_float=Decimal)
        else:
            loaded = yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        raise InvalidInputError(
            say(lang, f"--input {path}: malformed {'JSON' if path.suffix == '.json' else 'YAML'}: "
                f"{str(exc).splitlines()[0]}",
                f"--input {path}：格式錯誤：{str(exc).splitlines()[0]}")
        ) from None  # fmt: skip
    if not isinstance(loaded, dict):
        raise InvalidInputError(
            say(lang, f"--input {path}: expected a mapping of input names to values",
                f"--input {path}：須為「輸入名稱: 值」的對照表")
        )  # fmt: skip
    return {str(k): v for k, v in loaded.items()}


def parse_sets(pairs: Sequence[str], lang: str) -> dict[str, Any]:
    """``--set name=value`` pairs: JSON values, or plain text.

    A value that starts like a JSON list, object or string must be valid
    JSON: it is reported as malformed rather than passed on as text.
    """
    inputs: dict[str, Any] = {}
    for pair in pairs:
        key, sep, raw = pair.partition("=")
        key = key.strip()
        if not sep or not key:
            raise InvalidInputError(
                say(lang, f"--set takes name=value, got {pair!r}",
                    f"--set 須為 名稱=值，收到 {pair!r}")
            )  # fmt: skip
        try:
            inputs[key] = json.loads(raw, parse_float=Decimal)
        except json.JSONDecodeError as exc:
            if raw.lstrip()[:1] in ("[", "{", '"'):
                raise InvalidInputError(
                    say(lang, f"--set {key}: malformed JSON ({exc.msg} at column {exc.colno})",
                        f"--set {key}：JSON 格式錯誤（第 {exc.colno} 欄：{exc.msg}）")
                ) from None  # fmt: skip
            inputs[key] = raw
    return inputs


def gather(
    label: str,
    model: type[BaseModel],
    named: Mapping[str, tuple[str, Any]],
    sets: Mapping[str, Any],
    from_file: Mapping[str, Any],
    lang: str,
) -> dict[str, Any]:
    """One case's raw inputs: the file, then ``--set``, then the named options.

    ``named`` maps a field to (option, value) for each named option given.
    A ``--set`` for a field a named option also gives is refused (which would
    win is a guess), as is any name the scheme does not take.
    """
    known = model.model_fields
    for source, names in (("--set", sets), ("--input", from_file)):
        for name in names:
            if name not in known:
                raise InvalidInputError(
                    say(lang, f"{label} has no input {name!r} ({source}); its inputs are: "
                        f"{fields_line(model)}",
                        f"{label} 沒有輸入項 {name!r}（{source}）；"
                        f"其輸入項為：{fields_line(model)}")
                )  # fmt: skip
    for name, (option, _) in named.items():
        if name not in known:
            raise InvalidInputError(
                say(lang, f"{label} takes no {option} (it has no {name} input); its inputs are: "
                    f"{fields_line(model)}; give them with --set name=value",
                    f"{label} 不接受 {option}（沒有 {name} 輸入項）；其輸入項為："
                    f"{fields_line(model)}；請用 --set 名稱=值")
            )  # fmt: skip
        if name in sets:
            raise InvalidInputError(
                say(lang, f"--set {name}=... and {option} both give {name}; give it once",
                    f"--set {name}=... 與 {option} 同時提供 {name}；只可提供一次")
            )  # fmt: skip
    case: dict[str, Any] = dict(from_file)
    case.update(sets)
    case.update({name: value for name, (_, value) in named.items()})
    return case


__all__ = [
    "InputField",
    "amount",
    "describe",
    "gather",
    "parse_sets",
    "read_case_file",
    "say",
]
