"""Bulk import of historical applications, claims and enquiries (CSV or XLSX).

Two passes: every row is validated first, collecting a problem (row and
column) for each fault; only if there is none is anything written, all in
the caller's transaction, each record with its audit event. A failed import
raises ``ImportRejectedError`` carrying the full report and writes nothing.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from reind.core.errors import InvalidInputError, ReindError
from reind.core.money import Money
from reind.core.periods import parse_date
from reind.programme import audit
from reind.programme.audit import Actor
from reind.programme.desk import Centre
from reind.programme.enterprises import (
    EnterpriseProfile,
    Incorporation,
    Industry,
    normalise_br_number,
    parse_choice,
)
from reind.programme.ledger import Ledger
from reind.programme.registry import find_enterprise, register_enterprise
from reind.programme.store import ApplicationRow, EnterpriseRow
from reind.programme.store_desk import EnquiryRow
from reind.programme.store_money import ClaimRow, LedgerRow
from reind.programme.transitions import ledger_columns, ledger_from
from reind.programme.uow import flush
from reind.programme.workflow import workflow_for
from reind.schemes.catalogue import default_engine

COLUMNS = {
    "applications": [
        "reference",
        "scheme",
        "br_number",
        "enterprise_name",
        "incorporation",
        "employees",
        "manufacturing",
        "industry",
        "title",
        "received",
        "amount_requested",
        "state",
        "approved_grant",
        "committed",
    ],
    "claims": ["claim_reference", "application_reference", "amount", "submitted_on", "state"],
    "enquiries": ["received_on", "centre", "channel", "question", "br_number"],
}
CLAIM_STATES = {"submitted", "approved", "paid", "rejected"}


@dataclass(frozen=True, slots=True)
class ImportProblem:
    """One fault: the row (1 = header) and column of the file, and what is wrong."""

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"row {self.row}, column {self.column}: {self.message}"


class ImportRejectedError(InvalidInputError):
    """The file had problems; nothing was written."""

    code = "import_rejected"

    def __init__(self, path: str, problems: list[ImportProblem]) -> None:
        listing = "; ".join(str(p) for p in problems[:20])
        more = f" (and {len(problems) - 20} more)" if len(problems) > 20 else ""
        super().__init__(
            f"{path}: {len(problems)} problem(s), nothing imported: {listing}{more}",
            problems=[{"row": p.row, "column": p.column, "message": p.message} for p in problems],
        )
        self.problems = problems


@dataclass(frozen=True, slots=True)
class ImportReport:
    """What an import wrote."""

    kind: str
    rows: int


def read_rows(path: Path) -> list[dict[str, str]]:
    """The rows of a CSV or XLSX file (first sheet) as dicts keyed by the header."""
    if path.suffix.lower() == ".xlsx":
        book = load_workbook(path, read_only=True, data_only=True)
        try:
            sheet = book.worksheets[0]
            values = [
                ["" if v is None else _cell(v) for v in r]
                for r in sheet.iter_rows(values_only=True)
            ]
        finally:
            book.close()
    elif path.suffix.lower() == ".csv":
        with path.open(newline="", encoding="utf-8-sig") as handle:
            values = list(csv.reader(handle))
    else:
        raise InvalidInputError(f"{path.name}: import reads .csv or .xlsx files only")
    if not values:
        raise InvalidInputError(f"{path.name}: the file is empty")
    header = [h.strip().lower() for h in values[0]]
    return [dict(zip(header, (c.strip() for c in row), strict=False)) for row in values[1:]]


def _cell(value: object) -> str:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


class _Rows:
    """Collects problems while parsing cells."""

    def __init__(self) -> None:
        self.problems: list[ImportProblem] = []

    def get(
        self,
        row: dict[str, str],
        number: int,
        column: str,
        parse: Callable[[str], Any],
        optional: bool = False,
    ) -> Any:
        text = row.get(column, "")
        if text == "":
            if not optional:
                self.problems.append(ImportProblem(number, column, "is empty"))
            return None
        try:
            return parse(text)
        except ReindError as exc:
            self.problems.append(ImportProblem(number, column, str(exc)))
        except ValueError as exc:
            self.problems.append(ImportProblem(number, column, str(exc)))
        return None


def _missing_columns(kind: str, rows: list[dict[str, str]]) -> list[ImportProblem]:
    present = set(rows[0]) if rows else set()
    optional = {"approved_grant", "committed", "br_number", "claim_reference"}
    return [
        ImportProblem(1, c, "column missing")
        for c in COLUMNS[kind]
        if c not in present and c not in optional
    ]


def _boolean(text: str) -> bool:
    if text.lower() in {"yes", "y", "true", "1"}:
        return True
    if text.lower() in {"no", "n", "false", "0"}:
        return False
    raise InvalidInputError(f"expected yes or no, not {text!r}")


def import_file(session: Session, kind: str, path: Path, actor: Actor) -> ImportReport:
    """Import ``kind`` (applications, claims or enquiries) from ``path``."""
    importers = {
        "applications": import_applications,
        "claims": import_claims,
        "enquiries": import_enquiries,
    }
    if kind not in importers:
        raise InvalidInputError(f"can import {', '.join(importers)}, not {kind!r}")
    return importers[kind](session, read_rows(path), actor, path.name)


def import_applications(
    session: Session, rows: list[dict[str, str]], actor: Actor, source: str = "applications"
) -> ImportReport:
    """Validate then write historical applications (and their enterprises and ledgers)."""
    engine = default_engine()
    check = _Rows()
    check.problems += _missing_columns("applications", rows)
    parsed = []
    seen: set[str] = set()
    for number, row in enumerate(rows, start=2):
        ref = check.get(row, number, "reference", str)
        if ref in seen or (
            ref
            and session.execute(
                select(ApplicationRow.id).where(ApplicationRow.reference == ref)
            ).first()
        ):
            check.problems.append(ImportProblem(number, "reference", f"{ref} already exists"))
        seen.add(ref)
        scheme = check.get(row, number, "scheme", lambda t: engine.scheme(t).code)
        state = row.get("state", "")
        if scheme and state not in workflow_for(scheme).states:
            check.problems.append(ImportProblem(number, "state", f"unknown state {state!r}"))
        item = {
            "reference": ref,
            "scheme": scheme,
            "state": state,
            "br": check.get(row, number, "br_number", normalise_br_number),
            "name": check.get(row, number, "enterprise_name", str),
            "incorporation": check.get(
                row,
                number,
                "incorporation",
                lambda t: parse_choice(Incorporation, t, "incorporation"),
            ),
            "employees": check.get(row, number, "employees", int),
            "manufacturing": check.get(row, number, "manufacturing", _boolean),
            "industry": check.get(
                row, number, "industry", lambda t: parse_choice(Industry, t, "industry")
            ),
            "title": check.get(row, number, "title", str),
            "received": check.get(row, number, "received", parse_date),
            "requested": check.get(row, number, "amount_requested", Money.of),
            "approved": check.get(row, number, "approved_grant", Money.of, optional=True),
            "committed": check.get(row, number, "committed", Money.of, optional=True),
        }
        try:
            ledger = Ledger().apply(item["requested"] or Money(0))
            ledger = ledger.approve(item["approved"] or Money(0))
            ledger.commit(item["committed"] or Money(0))
        except ReindError as exc:
            check.problems.append(ImportProblem(number, "committed", str(exc)))
        parsed.append(item)
    if check.problems:
        raise ImportRejectedError(source, check.problems)
    for item in parsed:
        company = find_enterprise(session, item["br"]) or register_enterprise(
            session,
            EnterpriseProfile(
                item["br"],
                item["name"],
                item["incorporation"],
                item["employees"],
                item["manufacturing"],
                item["industry"],
            ),
            actor,
        )
        app = ApplicationRow(
            reference=item["reference"],
            scheme=item["scheme"],
            enterprise_id=company.id,
            title=item["title"],
            state=item["state"],
            received=item["received"],
            amount_requested_cents=item["requested"].cents,
            facts="{}",
            created_at=datetime.combine(item["received"], time(), tzinfo=UTC),
        )
        session.add(app)
        flush(session, "the application")
        ledger = Ledger().apply(item["requested"]).approve(item["approved"] or Money(0))
        ledger = ledger.commit(item["committed"] or Money(0))
        session.add(
            LedgerRow(
                application_id=app.id,
                enterprise_id=company.id,
                scheme=app.scheme,
                **ledger_columns(ledger),
            )
        )
        audit.record_at_commit(
            session,
            actor,
            "application.imported",
            "application",
            app.id,
            {"reference": app.reference, "state": app.state, "source": source},
        )
    flush(session, "the import")
    return ImportReport("applications", len(parsed))


def import_claims(
    session: Session, rows: list[dict[str, str]], actor: Actor, source: str = "claims"
) -> ImportReport:
    """Validate then write historical claims, keeping every ledger invariant."""
    check = _Rows()
    check.problems += _missing_columns("claims", rows)
    ledgers: dict[str, Ledger] = {}
    parsed = []
    for number, row in enumerate(rows, start=2):
        ref = check.get(row, number, "application_reference", str)
        app = (
            ref
            and session.execute(
                select(ApplicationRow).where(ApplicationRow.reference == ref)
            ).scalar_one_or_none()
        )
        if ref and app is None:
            check.problems.append(
                ImportProblem(number, "application_reference", f"no application {ref}")
            )
        amount = check.get(row, number, "amount", Money.of)
        submitted = check.get(row, number, "submitted_on", parse_date)
        state = row.get("state", "")
        if state not in CLAIM_STATES:
            check.problems.append(
                ImportProblem(number, "state", f"must be one of {', '.join(sorted(CLAIM_STATES))}")
            )
        if app is not None and amount is not None and state in CLAIM_STATES:
            if app.id not in ledgers:
                stored = session.get(LedgerRow, app.id)
                ledgers[app.id] = ledger_from(stored) if stored else Ledger()
            try:
                ledger = ledgers[app.id].claim(amount)
                if state == "rejected":
                    ledger = ledger.drop_claim(amount)
                if state in {"approved", "paid"}:
                    ledger = ledger.approve_claim(amount)
                if state == "paid":
                    ledger = ledger.disburse(amount)
                ledgers[app.id] = ledger
            except ReindError as exc:
                check.problems.append(ImportProblem(number, "amount", str(exc)))
        parsed.append((app, amount, submitted, state, row.get("claim_reference") or None))
    if check.problems:
        raise ImportRejectedError(source, check.problems)
    for found, amount, submitted, state, key in parsed:
        assert isinstance(found, ApplicationRow)
        claim = ClaimRow(
            application_id=found.id,
            amount_cents=amount.cents,
            state=state,
            submitted_on=submitted,
            idempotency_key=key,
        )
        session.add(claim)
        flush(session, "the claim")
        audit.record_at_commit(
            session,
            actor,
            "claim.imported",
            "claim",
            claim.id,
            {"amount": str(amount.amount), "state": state, "source": source},
        )
    for app_id, ledger in ledgers.items():
        balance = session.get(LedgerRow, app_id)
        if balance is None:
            owner = session.get(ApplicationRow, app_id)
            assert owner is not None
            balance = LedgerRow(
                application_id=app_id,
                enterprise_id=owner.enterprise_id,
                scheme=owner.scheme,
                **ledger_columns(ledger),
            )
            session.add(balance)
        for name, value in ledger_columns(ledger).items():
            setattr(balance, name, value)
        audit.record_at_commit(
            session,
            actor,
            "money.imported",
            "application",
            app_id,
            dict(ledger_columns(ledger)),
        )
    flush(session, "the import")
    return ImportReport("claims", len(parsed))


def import_enquiries(
    session: Session, rows: list[dict[str, str]], actor: Actor, source: str = "enquiries"
) -> ImportReport:
    """Validate then write historical enquiries."""
    check = _Rows()
    check.problems += _missing_columns("enquiries", rows)
    parsed = []
    for number, row in enumerate(rows, start=2):
        received = check.get(row, number, "received_on", parse_date)
        centre = check.get(row, number, "centre", lambda t: parse_choice(Centre, t, "centre"))
        question = check.get(row, number, "question", str)
        channel = check.get(row, number, "channel", str)
        br = check.get(row, number, "br_number", normalise_br_number, optional=True)
        company: EnterpriseRow | None = None
        if br is not None:
            company = find_enterprise(session, br)
            if company is None:
                check.problems.append(ImportProblem(number, "br_number", f"no enterprise {br}"))
        parsed.append((received, centre, question, channel, company))
    if check.problems:
        raise ImportRejectedError(source, check.problems)
    for received, centre, question, channel, company in parsed:
        enquiry = EnquiryRow(
            received_at=datetime.combine(received, time(), tzinfo=UTC),
            channel=channel,
            centre=centre.value,
            state="answered",
            question=question,
            profile=json.dumps({}),
            enterprise_id=company.id if company else None,
        )
        session.add(enquiry)
        flush(session, "the enquiry")
        audit.record_at_commit(
            session, actor, "enquiry.imported", "enquiry", enquiry.id, {"source": source}
        )
    return ImportReport("enquiries", len(parsed))
