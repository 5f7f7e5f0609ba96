"""Import files for the import tests: a good applications file and helpers to vary it."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from reind.core.db import Database
from reind.programme.actors import SYSTEM
from reind.programme.applications.store import ApplicationRow
from reind.programme.audit.store import AuditEventRow
from reind.programme.imports.bulk import import_file
from reind.programme.imports.rows import ImportReport
from reind.schemes.catalogue import default_engine

COLUMNS = (
    "reference,scheme,br_number,enterprise_name,incorporation,employees,manufacturing,"
    "industry,title,received,amount_requested,state,approved_grant,committed,approved_on"
)
GOOD = (
    "RFS-H-001,rfs,12345678,Luen Tai Eggs Ltd,cap622,60,yes,food_processing,"
    "Liquid egg line,2022-01-25,14900000,in_progress,14900000,14900000,2022-06-30"
)
SECOND = (
    "BUD-H-002,bud,87654321,Sew Solution Ltd,cap622,30,yes,textiles,"
    "Brand upgrade,2022-03-01,600000,approved,500000,,2022-05-02"
)
CLAIMS = "claim_reference,application_reference,amount,submitted_on,state,paid_on"
ENQUIRIES = "received_on,centre,channel,question,br_number"


def write(tmp_path: Path, name: str, *lines: str) -> Path:
    """A CSV file of ``lines`` (each a row)."""
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def load(db: Database, kind: str, path: Path, **options: object) -> ImportReport:
    """Import ``path`` in one unit of work."""
    with db.unit_of_work() as session:
        return import_file(session, kind, path, SYSTEM, engine=default_engine(), **options)  # type: ignore[arg-type]


def counts(db: Database) -> tuple[int, int]:
    """(applications, audit events) stored."""
    with db.unit_of_work() as session:
        return (
            session.execute(select(func.count()).select_from(ApplicationRow)).scalar_one(),
            session.execute(select(func.count()).select_from(AuditEventRow)).scalar_one(),
        )


def run_cli(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str
) -> tuple[int, str, str]:
    """Run ``reind ARGS`` through the console entry point: (exit code, stdout, stderr)."""
    from reind.cli import main

    monkeypatch.setattr(sys, "argv", ["reind", *args])
    code = 0
    try:
        main()
    except SystemExit as exc:
        code = int(exc.code or 0)
    out = capsys.readouterr()
    return code, out.out, out.err
