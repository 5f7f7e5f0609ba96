"""What-if rules: the engine with some parameters given other values.

A policy analyst asks "what would raising RFS's project cap to HK$20M
have cost?": ``changed_engine(engine, {"rfs.project_cap": "20000000"})`` is
the same engine with that parameter's every dated value (those in force,
not the dates it was out of force) replaced, so each case is decided at its
own governing date as it was, with the one rule changed. Its rules version
names the change, so a what-if decision can never pass for a real one.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Mapping
from typing import Any

import yaml

from reind.core.errors import InvalidInputError, RuleError
from reind.rules.engine import Engine
from reind.rules.parameters import Parameter, ParameterSet
from reind.rules.values import UnitError, parse_value


def _said(lang: str, en: str, zh: str) -> str:
    return zh if lang == "zh-Hant" else en


def parse_changes(pairs: list[str], lang: str = "en") -> dict[str, str]:
    """``scheme.parameter=value`` pairs (``--set``), each named once; errors in ``lang``."""
    changes: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        key = key.strip()
        if not sep or "." not in key or not value.strip():
            raise InvalidInputError(
                _said(lang, f"--set takes scheme.parameter=value, got {pair!r}",
                      f"--set 須為 計劃.參數=值，收到 {pair!r}")
            )  # fmt: skip
        if key in changes:
            raise InvalidInputError(
                _said(lang, f"--set {key} is given twice", f"--set {key} 重複提供")
            )
        changes[key] = value.strip()
    if not changes:
        raise InvalidInputError(
            _said(lang, "give at least one --set scheme.parameter=value to change",
                  "請最少提供一個 --set 計劃.參數=值")
        )  # fmt: skip
    return changes


def changed_engine(engine: Engine, changes: Mapping[str, str], lang: str = "en") -> Engine:
    """``engine`` with each named parameter's in-force values replaced by the given value."""
    replaced: dict[str, Parameter] = {}
    for key, text in changes.items():
        scheme, _, name = key.partition(".")
        code = engine.scheme(scheme).code
        try:
            parameter = engine.parameters.get(code, name)
        except RuleError:
            raise InvalidInputError(
                _said(lang, f"--set {key}: no parameter {name!r} for scheme {code} "
                      f"(see reind schemes show {code})",
                      f"--set {key}：計劃 {code} 沒有參數 {name!r}（見 reind schemes show {code}）")
            ) from None  # fmt: skip
        try:
            value = parse_value(parameter.unit, yaml.safe_load(text))
        except (UnitError, yaml.YAMLError) as exc:
            raise InvalidInputError(
                _said(lang, f"--set {key}={text}: not a value of unit {parameter.unit} ({exc})",
                      f"--set {key}={text}：不是單位 {parameter.unit} 的數值（{exc}）")
            ) from None  # fmt: skip
        values = tuple(
            v if v.value is None else dataclasses.replace(
                v, value=value, source="what-if", confidence="what-if", note=None, note_zh=None
            )
            for v in parameter.values
        )  # fmt: skip
        replaced[parameter.key] = dataclasses.replace(parameter, values=values)
    tag = hashlib.sha256(json.dumps(dict(changes), sort_keys=True).encode()).hexdigest()[:8]
    parameters = ParameterSet(
        (replaced.get(p.key, p) for p in engine.parameters),
        f"{engine.rules_version}+whatif-{tag}",
    )
    return Engine(engine.schemes, parameters)


def describe(changes: Mapping[str, Any]) -> str:
    """``rfs.project_cap=20000000, ...`` for titles."""
    return ", ".join(f"{k}={v}" for k, v in changes.items())


__all__ = ["changed_engine", "describe", "parse_changes"]
