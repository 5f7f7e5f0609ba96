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
        loaded = importlib.import_module(f"reind.schemes.{module.name}")
        scheme = getattr(loaded, "SCHEME", None)
        if isinstance(scheme, Scheme):
            found.append(scheme)
    return sorted(found, key=lambda s: (s.catalogue_order, s.code))


@cache
def default_engine() -> Engine:
    """The engine over the packaged parameters, loaded once per process.

    The rules version hashes the parameter files and every formula module in
    this package, so changing either gives decisions a new version.
    """
    formulas = sorted(PACKAGE.glob("*.py"))
    return Engine(all_schemes(), load_parameters(PARAMETERS, formulas))
