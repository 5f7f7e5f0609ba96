"""docs/sparkplug-conformance.md names only tests that exist, and its summary counts its rows.

The table is read as a reviewer reads it: a row whose Kind is not ``—`` claims a test, and each
``path::name`` it names must be a test function at module level of that file under ``tests/``
(found with ``ast``, so nothing is imported or run). A renamed or deleted test, a row claiming a
test without naming one, or a summary left behind after a row changed all fail here.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

TESTS = Path(__file__).resolve().parents[2]
TABLE = TESTS.parent / "docs" / "sparkplug-conformance.md"
_REF = re.compile(r"`([\w/]+\.py)::(\w+)`")
_SUMMARY = re.compile(r"\*\*Summary: (\d+) of (\d+) assertions tested; (\d+) not\*\*")


@dataclass(frozen=True)
class Row:
    """One assertion row: its id, its kind (``—`` when untested) and its last cell."""

    tck_id: str
    kind: str
    cell: str


def _rows(text: str) -> list[Row]:
    rows = []
    for line in text.splitlines():
        if not line.startswith("| `tck-id-"):
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        assert len(cells) == 5, line
        rows.append(Row(cells[0].strip("`"), cells[3], cells[4]))
    return rows


def _functions(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {
        node.name
        for node in tree.body
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith("test")
    }


def _missing(text: str) -> list[str]:
    """Every ``path::name`` reference in ``text`` that is no test under ``tests/``."""
    missing = []
    for path, name in _REF.findall(text):
        file = TESTS / path
        if not file.is_file() or name not in _functions(file):
            missing.append(f"{path}::{name}")
    return missing


def test_every_test_the_table_names_exists() -> None:
    text = TABLE.read_text(encoding="utf-8")
    assert _REF.search(text), "the table names no tests at all"
    assert _missing(text) == []


def test_every_tested_row_names_a_test_and_every_untested_row_says_why() -> None:
    rows = _rows(TABLE.read_text(encoding="utf-8"))
    ids = [row.tck_id for row in rows]
    assert len(ids) == len(set(ids)), "an assertion is listed twice"
    for row in rows:
        if row.kind == "—":
            assert row.cell.startswith("not"), f"{row.tck_id}: untested without a reason"
        else:
            assert _REF.search(row.cell), f"{row.tck_id}: tested ({row.kind}) but names no test"


def test_the_summary_counts_the_rows() -> None:
    text = TABLE.read_text(encoding="utf-8")
    rows = _rows(text)
    found = _SUMMARY.search(text)
    assert found, "the summary line is missing"
    tested = sum(1 for row in rows if row.kind != "—")
    assert (int(found[1]), int(found[2]), int(found[3])) == (
        tested,
        len(rows),
        len(rows) - tested,
    )


def test_a_renamed_test_would_be_caught() -> None:
    """The check can fail: a reference to a test that is not there is reported."""
    here = Path(__file__).relative_to(TESTS).as_posix()
    assert _missing(f"`{here}::test_every_test_the_table_names_exists`") == []
    assert _missing(f"`{here}::test_that_was_renamed`") == [f"{here}::test_that_was_renamed"]
