"""The rules engine is built by the composition root and passed down, never fetched.

``default_engine()`` is a shared engine for tests and benches; a module of
the product that called it would hold an engine the composition root did
not give it (issue 11), so one call under ``src/`` fails this test.
"""

from __future__ import annotations

import re
from pathlib import Path

import reind
from reind.bootstrap import rules_engine
from reind.schemes.catalogue import default_engine

SRC = Path(reind.__file__).resolve().parent
CALL = re.compile(r"\bdefault_engine\s*\(")


def test_no_module_of_the_product_fetches_the_shared_default_engine() -> None:
    callers = [
        path.relative_to(SRC).as_posix()
        for path in sorted(SRC.rglob("*.py"))
        if path.name != "catalogue.py" and CALL.search(path.read_text(encoding="utf-8"))
    ]
    assert callers == []


def test_the_composition_root_builds_an_engine_of_its_own() -> None:
    built = rules_engine()
    assert built is not default_engine() and built is not rules_engine()
    assert built.rules_version == default_engine().rules_version
