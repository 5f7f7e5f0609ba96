"""Bulk import of historical claims against imported projects (ADR 0034).

Every row is validated first; only a clean file is written.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from reind.core.errors import ReindError
from reind.core.money import Money
from reind.core.periods import parse_date
from reind.programme import audit
from reind.programme.actors import Actor
from reind.programme.applications.store import ApplicationRow
from reind.programme.imports.rows import (
    CLAIM_STATES,
    ImportProblem,
    ImportRejectedError,
    ImportReport,
    RowCheck,
    missing_columns,
)
from reind.programme.money.ledger import Ledger
from reind.programme.money.ledgers import ledger_columns, ledger_from
from reind.programme.money.store import ClaimRow, LedgerRow
from reind.programme.uow import flush


def import_claims(
    session: Session, rows: list[dict[str, str]], actor: Actor, source: str = "claims"
) -> ImportReport:
    """Validate then write historical claims, keeping every ledger invariant."""
    check = RowCheck()
    check.problems += missing_columns("claims", rows)
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
