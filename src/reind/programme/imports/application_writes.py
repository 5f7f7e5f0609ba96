"""Writing a checked applications file: new rows, updates, and rows left as they are.

A new application gets its enterprise (registered if new), its project
ledger and the ledger entries the programme's own workflow would write
(``approved`` on the approval date, ``committed`` with it), through the
money aggregate's one writer ``write_ledger``, so reports and open data see
imported grants as they see any other. A stored application whose row is
unchanged is left alone (no audit event); a changed one is updated and
audited as ``application.updated`` with each change.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import TYPE_CHECKING

from sqlalchemy import insert
from sqlalchemy.orm import Session

from reind.core.clock import HONG_KONG
from reind.core.money import Money
from reind.programme import audit
from reind.programme.actors import Actor
from reind.programme.applications.store import ApplicationRow
from reind.programme.enterprises.profile import EnterpriseProfile
from reind.programme.enterprises.registry import register_enterprises
from reind.programme.ids import new_id
from reind.programme.imports.enterprise_match import STORED, EnterprisePlan
from reind.programme.imports.rows import ImportReport
from reind.programme.money.ledger import Ledger
from reind.programme.money.ledgers import (
    entry_columns,
    ledger_columns,
    ledger_from,
    write_ledger,
)
from reind.programme.money.store import LedgerEntryRow, LedgerRow
from reind.programme.uow import flush

if TYPE_CHECKING:
    from reind.programme.imports.applications import ApplicationRecord

BATCH = 2000
"""New applications inserted at a time."""
NOON = time(12)
"""Imported movements are dated at noon, Hong Kong time, on the day the file gives."""


@dataclass(frozen=True, slots=True)
class AtDay:
    """A clock that stands at noon (Hong Kong) on one historical day."""

    day: date

    def now(self) -> datetime:
        """Noon on ``day`` in Hong Kong, as UTC."""
        return datetime.combine(self.day, NOON, tzinfo=HONG_KONG).astimezone(UTC)


def write_applications(
    session: Session,
    records: list[ApplicationRecord],
    stored: dict[str, ApplicationRow],
    ledgers: dict[str, LedgerRow],
    companies: dict[str, EnterprisePlan],
    actor: Actor,
    source: str,
) -> ImportReport:
    """Write ``records`` (already checked); the counts of new, updated and unchanged rows."""
    registered, revised = _write_enterprises(session, companies, actor, source)
    new = updated = 0
    batch = _Batch()
    for index, record in enumerate(records, start=1):
        if index % BATCH == 0:
            batch.write(session)
        found = stored.get(record.reference)
        if found is None:
            _add(batch, session, record, companies[record.enterprise.br_number], actor, source)
            new += 1
        elif changes(record, found, ledgers.get(found.id)):
            _update(session, record, found, ledgers.get(found.id), actor, source)
            updated += 1
    batch.write(session)
    flush(session, "the import")
    unchanged = len(records) - new - updated
    return ImportReport("applications", new, unchanged, updated, registered, revised)


def _write_enterprises(
    session: Session, companies: dict[str, EnterprisePlan], actor: Actor, source: str
) -> tuple[int, int]:
    """Register the new enterprises and update the changed ones; how many of each."""
    revised = 0
    new = [plan for plan in companies.values() if plan.row is None]
    profiles = [
        EnterpriseProfile(
            p.facts.br_number,
            p.facts.name_en,
            p.facts.incorporation,
            p.facts.employees,
            p.facts.manufacturing,
            p.facts.industry,
        )
        for p in new
    ]
    for plan, row in zip(new, register_enterprises(session, profiles, actor), strict=True):
        plan.row = row
    for plan in companies.values():
        if plan.row is None or not plan.changes:
            continue
        for column, (_, value) in plan.changes.items():
            setattr(plan.row, STORED[column], value)
        revised += 1
        audit.record_at_commit(
            session,
            actor,
            "enterprise.updated",
            "enterprise",
            plan.row.id,
            {
                "source": source,
                "changes": {c: [str(a), str(b)] for c, (a, b) in plan.changes.items()},
            },
        )
    return len(new), revised


def changes(
    record: ApplicationRecord, row: ApplicationRow, ledger: LedgerRow | None
) -> dict[str, tuple[str, str]]:
    """field -> (stored, file) for each value the file changes on a stored application."""
    now = {
        "title": (row.title, record.title),
        "state": (row.state, record.state),
        "received": (str(row.received), str(record.received)),
        "amount_requested": (
            str(Money(row.amount_requested_cents)),
            str(record.requested),
        ),
        "approved_grant": (
            str(Money(ledger.approved_cents if ledger else 0)),
            str(record.approved),
        ),
        "committed": (
            str(Money(ledger.committed_cents if ledger else 0)),
            str(record.committed),
        ),
    }
    return {k: v for k, v in now.items() if v[0] != v[1]}


def revised_ledger(record: ApplicationRecord, ledger: LedgerRow | None) -> Ledger:
    """The stored ledger with the file's applied, approved and committed amounts (checked)."""
    base = ledger_from(ledger) if ledger is not None else Ledger()
    return Ledger(
        applied=record.requested,
        approved=record.approved,
        committed=record.committed,
        claimed=base.claimed,
        claims_approved=base.claims_approved,
        disbursed=base.disbursed,
    ).check()


@dataclass(slots=True)
class _Batch:
    """New applications, their ledgers and ledger entries, inserted together (no ORM objects)."""

    applications: list[dict[str, object]] = field(default_factory=list)
    ledgers: list[dict[str, object]] = field(default_factory=list)
    entries: list[dict[str, object]] = field(default_factory=list)

    def write(self, session: Session) -> None:
        for table, rows in (
            (ApplicationRow, self.applications),
            (LedgerRow, self.ledgers),
            (LedgerEntryRow, self.entries),
        ):
            if rows:
                session.execute(insert(table), rows)
            rows.clear()


def _add(
    batch: _Batch,
    session: Session,
    record: ApplicationRecord,
    company: EnterprisePlan,
    actor: Actor,
    source: str,
) -> None:
    assert company.row is not None
    app_id = new_id()
    batch.applications.append(
        {
            "id": app_id,
            "reference": record.reference,
            "scheme": record.scheme,
            "enterprise_id": company.row.id,
            "title": record.title,
            "state": record.state,
            "received": record.received,
            "amount_requested_cents": record.requested.cents,
            "facts": "{}",
            "created_at": datetime.combine(record.received, time(), tzinfo=HONG_KONG).astimezone(
                UTC
            ),
            "version": 1,
        }
    )
    ledger = Ledger().apply(record.requested)
    if record.approved.cents:
        assert record.approved_on is not None
        day = AtDay(record.approved_on)
        ledger = ledger.approve(record.approved)
        batch.entries.append(entry_columns(app_id, "approved", record.approved, None, day))
        if record.committed.cents:
            ledger = ledger.commit(record.committed)
            batch.entries.append(entry_columns(app_id, "committed", record.committed, None, day))
    batch.ledgers.append(
        {
            "application_id": app_id,
            "enterprise_id": company.row.id,
            "scheme": record.scheme,
            "version": 1,
            **ledger_columns(ledger),
        }
    )
    audit.record_at_commit(
        session,
        actor,
        "application.imported",
        "application",
        app_id,
        {"reference": record.reference, "state": record.state, "source": source},
    )


def _movements(session: Session, row: LedgerRow, ledger: Ledger, record: ApplicationRecord) -> None:
    """The approval and commitment entries of a stored application that had no ledger."""
    if not record.approved.cents:
        return
    assert record.approved_on is not None
    clock = AtDay(record.approved_on)
    ledger = ledger.approve(record.approved)
    write_ledger(session, row, ledger, "approved", record.approved, None, clock)
    if record.committed.cents:
        ledger = ledger.commit(record.committed)
        write_ledger(session, row, ledger, "committed", record.committed, None, clock)


def _update(
    session: Session,
    record: ApplicationRecord,
    app: ApplicationRow,
    ledger: LedgerRow | None,
    actor: Actor,
    source: str,
) -> None:
    changed = changes(record, app, ledger)
    app.title = record.title
    app.state = record.state
    app.received = record.received
    app.amount_requested_cents = record.requested.cents
    revised = revised_ledger(record, ledger)
    if ledger is None:
        ledger = LedgerRow(
            application_id=app.id,
            enterprise_id=app.enterprise_id,
            scheme=app.scheme,
            **ledger_columns(Ledger().apply(record.requested)),
        )
        session.add(ledger)
        _movements(session, ledger, Ledger().apply(record.requested), record)
    else:
        before = ledger_from(ledger)
        day = AtDay(record.approved_on or record.received)
        if revised.approved != before.approved:
            write_ledger(session, ledger, revised, "approval_revised", revised.approved, None, day)
        if revised.committed != before.committed:
            write_ledger(
                session, ledger, revised, "commitment_revised", revised.committed, None, day
            )
        for name, value in ledger_columns(revised).items():
            setattr(ledger, name, value)
    audit.record_at_commit(
        session,
        actor,
        "application.updated",
        "application",
        app.id,
        {
            "reference": app.reference,
            "source": source,
            "changes": {k: list(v) for k, v in changed.items()},
        },
    )
