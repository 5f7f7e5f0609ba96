"""CSV files safe to open in a spreadsheet: formulas neutralised, a BOM for Excel (issue 19)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from reind.core.sheets import csv_text, safe_cell, write_csv
from reind.reporting.records import RecordIds


def test_a_cell_a_spreadsheet_would_run_is_neutralised() -> None:
    for risky in ('=HYPERLINK("http://x","y")', "+1+cmd", "-2+3", "@SUM(A1)", "\tx", "\rx"):
        assert safe_cell(risky) == "'" + risky
    for harmless in ("Luen Tai", "-1", "+852.5", 12, -3.5, None):
        assert safe_cell(harmless) == harmless


def test_a_csv_starts_with_a_bom_and_reads_back(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    write_csv(path, ["name", "amount"], [["聯泰蛋品", -5], ["=1+1", 3]])
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert raw.decode("utf-8") == csv_text(["name", "amount"], [["聯泰蛋品", -5], ["=1+1", 3]])
    with path.open(encoding="utf-8-sig", newline="") as handle:
        assert list(csv.reader(handle)) == [["name", "amount"], ["聯泰蛋品", "-5"], ["'=1+1", "3"]]


def test_record_ids_that_look_like_formulas_are_written_safely() -> None:
    out = io.BytesIO()
    RecordIds.joined("RFS-1\n=cmd|'/c calc'!A1\nRFS-2", 3).write_csv(out)
    rows = list(csv.reader(io.StringIO(out.getvalue().decode("utf-8"))))
    assert rows == [["record_id"], ["RFS-1"], ["'=cmd|'/c calc'!A1"], ["RFS-2"]]
