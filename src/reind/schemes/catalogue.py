"""The catalogue: every scheme reind knows, and the engine that runs them.

Each module in this package that defines ``SCHEME`` (an instance of a
``Scheme``) is part of the catalogue, ordered by ``SCHEME.catalogue_order``;
so adding a scheme means writing its module and its parameters folder, and
nothing else.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache
from pathlib import Path
from typing import Any

from reind.rules.engine import Engine, Scheme
from reind.rules.parameters import load_parameters

PACKAGE = Path(__file__).resolve().parent
PARAMETERS = PACKAGE / "parameters"
CASES = PACKAGE / "cases"
"""One YAML file of rules tests per scheme (``reind rules test``; ``reind.rules.casefile``)."""


def all_schemes() -> list[Scheme[Any]]:
    """One instance of every scheme, in catalogue order."""
    found: list[Scheme[Any]] = []
    for module in pkgutil.iter_modules([str(PACKAGE)]):
        if module.ispkg:  # ``columnar``: the fast paths, imported only when used
            continue
        loaded = importlib.import_module(f"reind.schemes.{module.name}")
        scheme = getattr(loaded, "SCHEME", None)
        if isinstance(scheme, Scheme):
            found.append(scheme)
    return sorted(found, key=lambda s: (s.catalogue_order, s.code))


def build_engine(*, lazy: bool = False) -> Engine:
    """A new engine over the packaged schemes and parameters.

    The composition root (``reind.bootstrap``) calls this once per process and
    passes the engine down; nothing in the product holds one of its own. The
    rules version hashes the parameter files and every formula module in
    this package (the per-case ones and those over columns), so changing
    either gives decisions a new version. ``lazy``: parse each scheme's
    parameters when it is first used (``load_parameters``), for a command that
    decides with one scheme.
    """
    formulas = sorted(PACKAGE.rglob("*.py"))
    return Engine(all_schemes(), load_parameters(PARAMETERS, formulas, lazy=lazy))


@cache
def default_engine() -> Engine:
    """One shared engine over the packaged rules, for tests and benches only.

    Product code takes its engine from the composition root as a parameter
    (``tests/rules/test_engine_wiring.py`` holds ``src/`` to that).
    """
    return build_engine()
