"""Re-imports change nothing; changes are audited updates; imported history is real (issue 19)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from reind.core.db import Database
from reind.programme.audit.chain import verify_chain
from reind.programme.audit.store import AuditEventRow
from reind.programme.desk.store import EnquiryRow
from reind.programme.enterprises.store import EnterpriseRow
from reind.programme.imports.bulk import ImportRejectedError
from reind.programme.money.store import ClaimRow, DisbursementRow, LedgerEntryRow, LedgerRow
from tests.programme.import_files import (
    CLAIMS,
    COLUMNS,
    ENQUIRIES,
    GOOD,
    SECOND,
    counts,
    load,
    write,
)


def _events(db: Database, kind: str) -> list[AuditEventRow]:
    with db.unit_of_work() as session:
        rows = session.execute(select(AuditEventRow).where(AuditEventRow.kind == kind))
        found = list(rows.scalars())
        session.expunge_all()
        return found


def test_the_same_applications_file_twice_changes_nothing(db: Database, tmp_path: Path) -> None:
    path = write(tmp_path, "a.csv", COLUMNS, GOOD, SECOND)
    first = load(db, "applications", path)
    assert (first.rows, first.unchanged) == (2, 0)
    after = counts(db)
    again = load(db, "applications", path)
    assert (again.rows, again.updated, again.unchanged) == (0, 0, 2)
    assert counts(db) == after


def test_a_changed_row_is_an_audited_update(db: Database, tmp_path: Path) -> None:
    load(db, "applications", write(tmp_path, "a.csv", COLUMNS, GOOD))
    changed = GOOD.replace(",in_progress,", ",completed,").replace("Liquid egg", "Egg")
    report = load(db, "applications", write(tmp_path, "b.csv", COLUMNS, changed))
    assert (report.rows, report.updated) == (0, 1)
    [event] = _events(db, "application.updated")
    assert '"state":["in_progress","completed"]' in event.payload
    assert "Egg line" in event.payload
    with db.unit_of_work() as session:
        assert verify_chain(session).ok


def test_an_existing_br_number_with_other_details_is_refused_unless_told(
    db: Database, tmp_path: Path
) -> None:
    load(db, "applications", write(tmp_path, "a.csv", COLUMNS, GOOD))
    other = (
        GOOD.replace("RFS-H-001", "RFS-H-009")
        .replace("Luen Tai Eggs Ltd", "Luen Tai Foods Ltd")
        .replace(",60,", ",80,")
    )
    path = write(tmp_path, "b.csv", COLUMNS, other)
    with pytest.raises(ImportRejectedError) as caught:
        load(db, "applications", path)
    [problem] = caught.value.problems
    assert problem.column == "enterprise_name"
    assert "stored 'Luen Tai Eggs Ltd', file 'Luen Tai Foods Ltd'" in problem.message
    assert "employees: stored 60, file 80" in problem.message
    assert "--enterprises update" in problem.message and problem.said.zh
    assert load(db, "applications", path, enterprises="keep").rows == 1
    with db.unit_of_work() as session:
        assert session.execute(select(EnterpriseRow.name_en)).scalar_one() == "Luen Tai Eggs Ltd"
    third = write(tmp_path, "c.csv", COLUMNS, other.replace("RFS-H-009", "RFS-H-010"))
    assert load(db, "applications", third, enterprises="update").rows == 1
    with db.unit_of_work() as session:
        row = session.execute(select(EnterpriseRow)).scalar_one()
        assert (row.name_en, row.employees) == ("Luen Tai Foods Ltd", 80)
    [event] = _events(db, "enterprise.updated")
    assert "Luen Tai Foods Ltd" in event.payload


def test_rows_of_one_file_must_agree_about_an_enterprise(db: Database, tmp_path: Path) -> None:
    other = GOOD.replace("RFS-H-001", "RFS-H-002").replace(",60,", ",61,")
    with pytest.raises(ImportRejectedError) as caught:
        load(db, "applications", write(tmp_path, "a.csv", COLUMNS, GOOD, other))
    assert {(p.row, p.column) for p in caught.value.problems} == {(3, "employees")}


def test_imported_approvals_and_payments_write_ledger_entries(db: Database, tmp_path: Path) -> None:
    load(db, "applications", write(tmp_path, "a.csv", COLUMNS, GOOD))
    claims = write(
        tmp_path,
        "c.csv",
        CLAIMS,
        ",RFS-H-001,1000000,2022-08-01,paid,2022-09-16",
        ",RFS-H-001,1000000,2022-08-01,paid,2022-09-16",
        ",RFS-H-001,500000,2022-10-01,submitted,",
    )
    assert load(db, "claims", claims).rows == 3
    after = counts(db)
    again = load(db, "claims", claims)
    assert (again.rows, again.unchanged) == (0, 3)
    assert counts(db) == after
    with db.unit_of_work() as session:
        moves = session.execute(
            select(LedgerEntryRow.movement, func.count()).group_by(LedgerEntryRow.movement)
        ).all()
        ledger = session.execute(select(LedgerRow)).scalar_one()
        paid = session.execute(select(func.count()).select_from(DisbursementRow)).scalar_one()
        claims_stored = session.execute(select(func.count()).select_from(ClaimRow)).scalar_one()
    assert dict(moves) == {
        "approved": 1,
        "committed": 1,
        "claimed": 3,
        "claim_approved": 2,
        "disbursed": 2,
    }
    assert (ledger.approved_cents, ledger.disbursed_cents) == (1_490_000_000, 200_000_000)
    assert (paid, claims_stored) == (2, 3)


def test_the_same_enquiries_twice_adds_none(db: Database, tmp_path: Path) -> None:
    row = "2024-05-02,sme_one_hkpc,phone,Is there funding for a smart line?,"
    path = write(tmp_path, "e.csv", ENQUIRIES, row, row)
    assert load(db, "enquiries", path).rows == 2
    again = load(db, "enquiries", path)
    assert (again.rows, again.unchanged) == (0, 2)
    with db.unit_of_work() as session:
        assert session.execute(select(func.count()).select_from(EnquiryRow)).scalar_one() == 2


def test_the_report_says_which_enterprises_were_registered_or_updated(
    db: Database, tmp_path: Path
) -> None:
    first = load(db, "applications", write(tmp_path, "a.csv", COLUMNS, GOOD, SECOND))
    assert (first.enterprises_new, first.enterprises_updated) == (2, 0)
    renamed = GOOD.replace("Luen Tai Eggs Ltd", "Luen Tai Foods Ltd")
    path = write(tmp_path, "b.csv", COLUMNS, renamed)
    kept = load(db, "applications", path, enterprises="keep")
    assert (kept.rows, kept.unchanged, kept.enterprises_updated) == (0, 1, 0)
    updated = load(db, "applications", path, enterprises="update")
    assert (updated.rows, updated.unchanged, updated.enterprises_updated) == (0, 1, 1)
    again = load(db, "applications", path, enterprises="update")
    assert (again.enterprises_new, again.enterprises_updated) == (0, 0)
