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


def scheme_codes() -> list[str]:
    """Every scheme's code, read from the parameters folders without importing a formula.

    A scheme's code names both its module and its parameters folder (the
    engine refuses a scheme without one); ``tests/schemes/test_catalogue_codes.py``
    holds the three equal, so a command can find one scheme's module by code.
    """
    return sorted(entry.name for entry in PARAMETERS.iterdir() if entry.is_dir())


def all_schemes(only: str | None = None) -> list[Scheme[Any]]:
    """One instance of every scheme, in catalogue order.

    ``only``: a scheme's code (any case) imports that scheme's module alone, for
    a command that decides with one scheme; a label or alias, or None, imports all.
    """
    code = (only or "").strip().lower()
    if code in scheme_codes():
        loaded = importlib.import_module(f"reind.schemes.{code}")
        return [loaded.SCHEME]
    found: list[Scheme[Any]] = []
    for module in pkgutil.iter_modules([str(PACKAGE)]):
        if module.ispkg:  # ``columnar``: the fast paths, imported only when used
            continue
        loaded = importlib.import_module(f"reind.schemes.{module.name}")
        scheme = getattr(loaded, "SCHEME", None)
        if isinstance(scheme, Scheme):
            found.append(scheme)
    return sorted(found, key=lambda s: (s.catalogue_order, s.code))


def build_engine(*, lazy: bool = False, only: str | None = None) -> Engine:
    """A new engine over the packaged schemes and parameters.

    The composition root (``reind.bootstrap``) calls this once per process and
    passes the engine down; nothing in the product holds one of its own. The
    rules version hashes the parameter files and every formula module in
    this package (the per-case ones and those over columns), so changing
    either gives decisions a new version. ``lazy``: parse each scheme's
    parameters when it is first used (``load_parameters``), for a command that
    decides with one scheme; ``only``: that scheme's code, to import its module
    alone (``all_schemes``). The rules version is the same either way.
    """
    formulas = sorted(PACKAGE.rglob("*.py"))
    return Engine(all_schemes(only), load_parameters(PARAMETERS, formulas, lazy=lazy))


@cache
def default_engine() -> Engine:
    """One shared engine over the packaged rules, for tests and benches only.

    Product code takes its engine from the composition root as a parameter
    (``tests/rules/test_engine_wiring.py`` holds ``src/`` to that).
    """
    return build_engine()
