"""The project ledger's one home: lock, open, load, save and write its movements.

Every service that changes money goes through these functions, so the
mapping between ``Ledger`` and ``project_ledgers`` lives only here.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from reind.core.clock import Clock, SystemClock
from reind.core.errors import NotFoundError
from reind.core.money import Money
from reind.programme.applications.store import ApplicationRow
from reind.programme.money.ledger import Ledger
from reind.programme.money.store import LedgerEntryRow, LedgerRow


def lock_ledger(session: Session, application_id: str) -> LedgerRow:
    """The project's ledger row, locked until the transaction ends (FOR UPDATE)."""
    row = session.execute(
        select(LedgerRow)
        .where(LedgerRow.application_id == application_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()
    if row is None:
        raise NotFoundError(
            "application {application_id} has no ledger (not submitted yet)",
            application_id=application_id,
        )
    return row


def open_ledger(session: Session, app: ApplicationRow) -> None:
    if session.get(LedgerRow, app.id) is not None:
        return
    ledger = Ledger().apply(Money(app.amount_requested_cents))
    session.add(
        LedgerRow(
            application_id=app.id,
            enterprise_id=app.enterprise_id,
            scheme=app.scheme,
            **ledger_columns(ledger),
        )
    )


def ledger_columns(ledger: Ledger) -> dict[str, int]:
    """A Ledger as the columns of ``project_ledgers``."""
    return {
        "applied_cents": ledger.applied.cents,
        "approved_cents": ledger.approved.cents,
        "committed_cents": ledger.committed.cents,
        "claimed_cents": ledger.claimed.cents,
        "claims_approved_cents": ledger.claims_approved.cents,
        "disbursed_cents": ledger.disbursed.cents,
    }


def ledger_from(row: LedgerRow) -> Ledger:
    """The domain Ledger of a ``project_ledgers`` row."""
    return Ledger(
        applied=Money(row.applied_cents),
        approved=Money(row.approved_cents),
        committed=Money(row.committed_cents),
        claimed=Money(row.claimed_cents),
        claims_approved=Money(row.claims_approved_cents),
        disbursed=Money(row.disbursed_cents),
    )


def write_ledger(
    session: Session,
    row: LedgerRow,
    ledger: Ledger,
    movement: str,
    amount: Money,
    claim_id: str | None,
    clock: Clock | None,
) -> None:
    for name, value in ledger_columns(ledger).items():
        setattr(row, name, value)
    session.add(
        LedgerEntryRow(**entry_columns(row.application_id, movement, amount, claim_id, clock))
    )


def entry_columns(
    application_id: str, movement: str, amount: Money, claim_id: str | None, clock: Clock | None
) -> dict[str, object]:
    """One ``ledger_entries`` row as columns: ``write_ledger``'s, and a bulk writer's (imports)."""
    return {
        "application_id": application_id,
        "movement": movement,
        "amount_cents": amount.cents,
        "claim_id": claim_id,
        "recorded_at": (clock or SystemClock()).now(),
    }
