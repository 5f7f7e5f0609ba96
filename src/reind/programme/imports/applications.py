"""Bulk import of historical applications, their enterprises and ledgers (ADR 0034).

Every row is validated first; only a clean file is written.
"""

from __future__ import annotations

from datetime import UTC, datetime, time

from sqlalchemy import select
from sqlalchemy.orm import Session

from reind.core.errors import ReindError
from reind.core.money import Money
from reind.core.periods import parse_date
from reind.programme import audit
from reind.programme.actors import Actor
from reind.programme.applications.store import ApplicationRow
from reind.programme.applications.workflow import workflow_for
from reind.programme.enterprises.profile import (
    EnterpriseProfile,
    Incorporation,
    Industry,
    normalise_br_number,
    parse_choice,
)
from reind.programme.enterprises.registry import find_enterprise, register_enterprise
from reind.programme.imports.rows import (
    ImportProblem,
    ImportRejectedError,
    ImportReport,
    RowCheck,
    missing_columns,
    parse_yes_no,
)
from reind.programme.money.ledger import Ledger
from reind.programme.money.ledgers import ledger_columns
from reind.programme.money.store import LedgerRow
from reind.programme.uow import flush
from reind.rules.engine import Engine


def import_applications(
    session: Session,
    rows: list[dict[str, str]],
    actor: Actor,
    source: str = "applications",
    *,
    engine: Engine,
) -> ImportReport:
    """Validate then write historical applications (and their enterprises and ledgers)."""
    check = RowCheck()
    check.problems += missing_columns("applications", rows)
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
            "manufacturing": check.get(row, number, "manufacturing", parse_yes_no),
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
