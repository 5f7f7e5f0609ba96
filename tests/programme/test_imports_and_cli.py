"""Bulk imports validate every row first; the officers' CLI drives the services."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select
from typer.testing import CliRunner

from reind.cli import app
from reind.core.db import Database
from reind.programme.actors import SYSTEM
from reind.programme.applications.store import ApplicationRow
from reind.programme.audit.chain import verify_chain
from reind.programme.audit.store import AuditEventRow
from reind.programme.imports.bulk import ImportRejectedError, import_file
from reind.schemes.catalogue import default_engine

HEADER = (
    "reference,scheme,br_number,enterprise_name,incorporation,employees,manufacturing,"
    "industry,title,received,amount_requested,state,approved_grant,committed,approved_on\n"
)
GOOD = (
    "RFS-H-001,rfs,12345678,Luen Tai Eggs Ltd,cap622,60,yes,food_processing,"
    "Liquid egg line,2022-01-25,14900000,in_progress,14900000,14900000,2022-06-30\n"
)
BAD = (
    "RFS-H-002,rfs,1234,Sew Solution Ltd,cap999,-,maybe,textiles,"
    "Sewing line,2023-02-30,15000000,in_progress,15000000,16000000,2023-06-30\n"
)


def _count(db: Database) -> tuple[int, int]:
    with db.unit_of_work() as session:
        return (
            session.execute(select(func.count()).select_from(ApplicationRow)).scalar_one(),
            session.execute(select(func.count()).select_from(AuditEventRow)).scalar_one(),
        )


def test_a_good_csv_is_imported_with_audit_events(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "applications.csv"
    path.write_text(HEADER + GOOD, encoding="utf-8")
    with db.unit_of_work() as session:
        assert import_file(session, "applications", path, SYSTEM, engine=default_engine()).rows == 1
    with db.unit_of_work() as session:
        assert verify_chain(session).ok
    assert _count(db)[0] == 1


def test_a_failed_import_reports_row_and_column_and_writes_nothing(
    db: Database, tmp_path: Path
) -> None:
    path = tmp_path / "applications.csv"
    path.write_text(HEADER + GOOD + BAD, encoding="utf-8")
    before = _count(db)
    with pytest.raises(ImportRejectedError) as caught, db.unit_of_work() as session:
        import_file(session, "applications", path, SYSTEM, engine=default_engine())
    where = {(p.row, p.column) for p in caught.value.problems}
    assert {
        (3, "br_number"),
        (3, "incorporation"),
        (3, "employees"),
        (3, "manufacturing"),
        (3, "received"),
        (3, "committed"),
    } <= where
    assert _count(db) == before


def test_xlsx_files_are_read_like_csv(db: Database, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.create_sheet("enquiries", 0)
    sheet.append(["received_on", "centre", "channel", "question", "br_number"])
    sheet.append(["2024-05-02", "sme_one_hkpc", "phone", "Is there funding for a smart line?", ""])
    path = tmp_path / "enquiries.xlsx"
    book.save(path)
    with db.unit_of_work() as session:
        assert import_file(session, "enquiries", path, SYSTEM, engine=default_engine()).rows == 1


def test_cli_audit_verify_says_ok_then_names_the_broken_event(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REIND_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("REIND_DATA_DIR", str(tmp_path))  # checkpoints and key, if any
    csv = tmp_path / "applications.csv"
    csv.write_text(HEADER + GOOD, encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(app, ["import", "applications", str(csv)])
    assert result.exit_code == 0, result.output
    ok = runner.invoke(app, ["audit", "verify"])
    assert ok.exit_code == 0 and "OK" in ok.output
    database = Database(f"sqlite:///{tmp_path / 'cli.db'}")
    with database.unit_of_work() as session:
        row = session.execute(select(AuditEventRow).where(AuditEventRow.seq == 1)).scalar_one()
        row.payload = '{"forged": true}'
        app_id = session.execute(select(ApplicationRow.id)).scalar_one()
    database.dispose()
    broken = runner.invoke(app, ["audit", "verify"])
    assert broken.exit_code == 1
    assert "event 1" in broken.output
    moved = runner.invoke(app, ["application", "transition", app_id, "complete", "--as", "officer"])
    assert moved.exit_code == 0, moved.output
    assert "completed" in moved.output
