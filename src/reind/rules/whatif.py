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

from reind.core.errors import InvalidInputError
from reind.rules.engine import Engine
from reind.rules.parameters import Parameter, ParameterSet
from reind.rules.values import UnitError, parse_value


def parse_changes(pairs: list[str]) -> dict[str, str]:
    """``scheme.parameter=value`` pairs (``--set``), each named once."""
    changes: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        key = key.strip()
        if not sep or "." not in key or not value.strip():
            raise InvalidInputError(f"--set takes scheme.parameter=value, got {pair!r}")
        if key in changes:
            raise InvalidInputError(f"--set {key} is given twice")
        changes[key] = value.strip()
    if not changes:
        raise InvalidInputError("give at least one --set scheme.parameter=value to change")
    return changes


def changed_engine(engine: Engine, changes: Mapping[str, str]) -> Engine:
    """``engine`` with each named parameter's in-force values replaced by the given value."""
    replaced: dict[str, Parameter] = {}
    for key, text in changes.items():
        scheme, _, name = key.partition(".")
        parameter = engine.parameters.get(engine.scheme(scheme).code, name)
        try:
            value = parse_value(parameter.unit, yaml.safe_load(text))
        except (UnitError, yaml.YAMLError) as exc:
            raise InvalidInputError(
                f"--set {key}={text}: not a value of unit {parameter.unit} ({exc})"
            ) from None
        values = tuple(
            v if v.value is None else dataclasses.replace(
                v, value=value, source="what-if", confidence="what-if", note=None
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
