"""Imports read strictly: every header known, every file fault one clear line (issue 19)."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from reind.core.db import Database
from reind.core.errors import InvalidInputError
from reind.programme.imports.bulk import ImportFileError, ImportRejectedError
from tests.programme.import_files import (
    CLAIMS,
    COLUMNS,
    ENQUIRIES,
    GOOD,
    counts,
    load,
    run_cli,
    write,
)


def _problems(db: Database, kind: str, path: Path) -> dict[tuple[int, str], str]:
    before = counts(db)
    with pytest.raises(ImportRejectedError) as caught:
        load(db, kind, path)
    assert counts(db) == before
    return {(p.row, p.column): p.message for p in caught.value.problems}


def test_a_misspelt_optional_column_is_refused_with_the_nearest_name(
    db: Database, tmp_path: Path
) -> None:
    header = COLUMNS.replace("approved_grant", "approved_grnt").replace(",committed,", ",commited,")
    found = _problems(db, "applications", write(tmp_path, "a.csv", header, GOOD))
    assert "did you mean 'approved_grant'" in found[(1, "approved_grnt")]
    assert "did you mean 'committed'" in found[(1, "commited")]


def test_an_unknown_or_repeated_column_is_refused(db: Database, tmp_path: Path) -> None:
    path = write(tmp_path, "a.csv", COLUMNS + ",colour,title", GOOD + ",red,Other title")
    found = _problems(db, "applications", path)
    assert "unknown column 'colour'" in found[(1, "colour")]
    assert "given twice" in found[(1, "title")]


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(
            lambda: (COLUMNS + "\n" + GOOD.replace("Luen Tai", "Caf\xe9")).encode("latin-1"),
            id="latin-1",
        ),
        pytest.param(lambda: b"PK\x03\x04 not really a workbook", id="corrupt-xlsx"),
    ],
)
def test_an_unreadable_file_is_one_clear_error(
    db: Database, tmp_path: Path, content: object
) -> None:
    data = content()  # type: ignore[operator]
    name = "a.xlsx" if data.startswith(b"PK") else "a.csv"
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(ImportFileError) as caught:
        load(db, "applications", path)
    said = caught.value.text("en")
    assert ("not UTF-8" in said and "line 2" in said) or "not a readable .xlsx" in said
    assert caught.value.said.zh


def test_a_missing_file_or_a_folder_is_one_clear_error(db: Database, tmp_path: Path) -> None:
    with pytest.raises(ImportFileError, match="no such file"):
        load(db, "applications", tmp_path / "nowhere.csv")
    folder = tmp_path / "folder.csv"
    folder.mkdir()
    with pytest.raises(ImportFileError, match="is a folder"):
        load(db, "applications", folder)


def test_huge_and_fractional_amounts_are_problems_not_crashes(db: Database, tmp_path: Path) -> None:
    rows = [
        GOOD.replace("RFS-H-001", "RFS-H-1").replace(",14900000,in_progress", ",1e20,in_progress"),
        GOOD.replace("RFS-H-001", "RFS-H-2").replace(
            ",14900000,in_progress", ",1e999999,in_progress"
        ),
        GOOD.replace("RFS-H-001", "RFS-H-3").replace(
            ",14900000,in_progress", ",500000.005,in_progress"
        ),
    ]
    found = _problems(db, "applications", write(tmp_path, "a.csv", COLUMNS, *rows))
    assert "too large" in found[(2, "amount_requested")]
    assert "too large" in found[(3, "amount_requested")]
    assert "more than two decimal places" in found[(4, "amount_requested")]


def test_a_header_only_file_says_there_are_no_rows(db: Database, tmp_path: Path) -> None:
    with pytest.raises(ImportFileError, match="no rows") as caught:
        load(db, "applications", write(tmp_path, "a.csv", COLUMNS))
    assert "column missing" not in str(caught.value)


def test_blank_trailing_rows_are_ignored(db: Database, tmp_path: Path) -> None:
    path = write(tmp_path, "a.csv", COLUMNS, GOOD, ",,,,,,,,,,,,,,", "", ",,")
    assert load(db, "applications", path).rows == 1


def _book(tmp_path: Path, sheets: dict[str, list[list[str]]]) -> Path:
    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    path = tmp_path / "enquiries.xlsx"
    book.save(path)
    return path


ENQUIRY = ["2024-05-02", "sme_one_hkpc", "phone", "Is there funding for a smart line?", ""]


def test_xlsx_data_on_another_sheet_is_found_or_named(db: Database, tmp_path: Path) -> None:
    path = _book(tmp_path, {"Notes": [], "Enquiries": [ENQUIRIES.split(","), ENQUIRY]})
    assert load(db, "enquiries", path).rows == 1
    two = _book(
        tmp_path,
        {"Notes": [["just notes"]], "Enquiries": [ENQUIRIES.split(","), ENQUIRY]},
    )
    with pytest.raises(ImportFileError, match="--sheet"):
        load(db, "enquiries", two)
    other = [*ENQUIRY[:3], "Another question", ""]
    two = _book(tmp_path, {"Notes": [["just notes"]], "Enquiries": [ENQUIRIES.split(","), other]})
    assert load(db, "enquiries", two, sheet="Enquiries").rows == 1
    with pytest.raises(ImportFileError, match="no sheet 'Nope'"):
        load(db, "enquiries", two, sheet="Nope")


def test_a_formula_with_no_saved_value_is_named(db: Database, tmp_path: Path) -> None:
    path = _book(
        tmp_path,
        {"Enquiries": [ENQUIRIES.split(","), [*ENQUIRY[:3], '=CONCAT("a","b")', ""]]},
    )
    found = _problems(db, "enquiries", path)
    assert "formula with no saved value" in found[(2, "question")]


def test_each_problem_is_under_its_own_column(db: Database, tmp_path: Path) -> None:
    negative = GOOD.replace(",14900000,in_progress", ",-5,in_progress").replace(",60,", ",-3,")
    found = _problems(db, "applications", write(tmp_path, "a.csv", COLUMNS, negative))
    assert "cannot be negative" in found[(2, "amount_requested")]
    assert "cannot be negative" in found[(2, "employees")]
    assert (2, "committed") not in found


def test_duplicate_claim_references_in_the_file_or_stored_are_problems(
    db: Database, tmp_path: Path
) -> None:
    load(db, "applications", write(tmp_path, "a.csv", COLUMNS, GOOD))
    claim = "C-1,RFS-H-001,1000,2022-07-01,submitted,"
    load(
        db,
        "claims",
        write(
            tmp_path,
            "c1.csv",
            "claim_reference,application_reference,amount,submitted_on,state,paid_on",
            claim,
        ),
    )
    twice = write(
        tmp_path,
        "c2.csv",
        CLAIMS,
        "C-2,RFS-H-001,1000,2022-07-02,submitted,",
        "C-2,RFS-H-001,1000,2022-07-03,submitted,",
        "C-1,RFS-H-001,2000,2022-07-01,submitted,",
    )
    found = _problems(db, "claims", twice)
    assert "also on row 2" in found[(3, "claim_reference")]
    assert "stored as submitted" in found[(4, "amount")]


@pytest.mark.parametrize(
    ("change", "column", "says"),
    [
        (
            (",in_progress,14900000,14900000", ",not_supported,14900000,14900000"),
            "approved_grant",
            "no approved grant",
        ),
        (
            (",14900000,in_progress,14900000", ",14900000,in_progress,15000000"),
            "approved_grant",
            "more than the",
        ),
        ((",2022-01-25,", ",2099-01-25,"), "received", "in the future"),
        (("RFS-H-001", "RFS-" + "H" * 60), "reference", "at most 40"),
        (("RFS-H-001", '"RFS-H\n001"'), "reference", "line break"),
    ],
)
def test_what_the_service_refuses_the_import_refuses(
    db: Database, tmp_path: Path, change: tuple[str, str], column: str, says: str
) -> None:
    row = GOOD.replace(*change)
    found = _problems(db, "applications", write(tmp_path, "a.csv", COLUMNS, row))
    assert says in found[(2, column)], found


def test_an_enquiry_channel_must_be_a_known_one(db: Database, tmp_path: Path) -> None:
    path = write(tmp_path, "e.csv", ENQUIRIES, "2024-05-02,sme_one_hkpc,carrier pigeon,Hello?,")
    assert "must be one of" in _problems(db, "enquiries", path)[(2, "channel")]


def test_cli_exits_2_with_one_line_and_writes_every_problem_in_both_languages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("REIND_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    rows = [GOOD.replace("RFS-H-001", f"RFS-H-{n:03}").replace(",60,", ",-1,") for n in range(30)]
    path = write(tmp_path, "many.csv", COLUMNS, *rows)
    listing = tmp_path / "problems.csv"
    code, _, err = run_cli(
        monkeypatch, capsys, "import", "applications", str(path), "--problems", str(listing)
    )
    assert code == 2
    assert "Traceback" not in err and "30 problem(s)" in err and "and 10 more" in err
    with listing.open(encoding="utf-8-sig", newline="") as handle:
        written = list(csv.reader(handle))
    assert written[0] == ["row", "column", "value", "problem", "問題"]
    assert len(written) == 31
    assert written[1][:3] == ["2", "employees", "-1"] and "不可為負數" in written[1][4]
    code, _, err = run_cli(
        monkeypatch, capsys, "import", "applications", str(path), "--lang", "zh-Hant"
    )
    assert code == 2 and "沒有匯入任何資料" in err
    code, _, err = run_cli(monkeypatch, capsys, "import", "claims", str(tmp_path / "none.csv"))
    assert code == 2 and "no such file" in err and "Traceback" not in err


def test_a_data_error_is_invalid_input() -> None:
    assert issubclass(ImportRejectedError, InvalidInputError)
    assert issubclass(ImportFileError, InvalidInputError)


def test_a_refused_header_is_named_once_not_on_every_row(db: Database, tmp_path: Path) -> None:
    rows = [GOOD.replace("RFS-H-001", f"RFS-H-{n:03}") + ",red" for n in range(3)]
    found = _problems(db, "applications", write(tmp_path, "a.csv", COLUMNS + ",colour", *rows))
    assert set(found) == {(1, "colour")}
    twice = [row.replace(",red", ",Other title") for row in rows]
    found = _problems(db, "applications", write(tmp_path, "b.csv", COLUMNS + ",title", *twice))
    assert set(found) == {(1, "title")}


@pytest.mark.parametrize("where", ["missing/problems.csv", "."])
def test_a_problems_file_that_cannot_be_written_is_one_clear_line(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    where: str,
) -> None:
    monkeypatch.setenv("REIND_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    path = write(tmp_path, "bad.csv", COLUMNS, GOOD.replace(",60,", ",-1,"))
    code, _, err = run_cli(
        monkeypatch,
        capsys,
        "import",
        "applications",
        str(path),
        "--problems",
        str(tmp_path / where),
    )
    assert code == 2
    assert "Traceback" not in err and "cannot write the problems" in err
    assert "1 problem(s)" in err


def test_the_problems_can_be_downloaded_as_a_workbook(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("REIND_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    row = GOOD.replace(",60,", ",-1,").replace("Liquid egg line", "=1+1")
    row = row.replace("RFS-H-001", "=HYPERLINK(x)")
    path = write(tmp_path, "bad.csv", COLUMNS, row)
    listing = tmp_path / "problems.xlsx"
    code, _, _ = run_cli(
        monkeypatch, capsys, "import", "applications", str(path), "--problems", str(listing)
    )
    assert code == 2
    book = load_workbook(listing, read_only=True)
    written = [list(r) for r in book.active.iter_rows(values_only=True)]  # type: ignore[union-attr]
    book.close()
    assert written[0] == ["row", "column", "value", "problem", "問題"]
    assert written[1][:3] == [2, "employees", "-1"] and "不可為負數" in str(written[1][4])
    raw = load_workbook(listing)
    cells = [c for r in raw.active.iter_rows() for c in r]  # type: ignore[union-attr]
    assert all(c.data_type != "f" for c in cells)  # a cell's text is never run as a formula


def test_the_import_code_leaves_openpyxl_unloaded_until_a_workbook_is_read() -> None:
    """openpyxl brings numpy: 0.4 s of CPU that importing a CSV does not need (issue 19)."""
    probe = (
        "import sys, reind.cli, reind.programme.imports.bulk, reind.core.sheets; "
        "print(sorted({'openpyxl', 'numpy'} & set(sys.modules)))"
    )
    shown = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout
    assert shown.strip() == "[]"
