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
from functools import lru_cache
from typing import TYPE_CHECKING, cast

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from reind.core.bulk import insert_rows
from reind.core.clock import HONG_KONG
from reind.core.money import Money
from reind.programme import audit
from reind.programme.actors import Actor
from reind.programme.applications.store import ApplicationRow
from reind.programme.enterprises.profile import EnterpriseProfile
from reind.programme.enterprises.registry import register_enterprises
from reind.programme.ids import new_id
from reind.programme.imports.enterprise_match import EnterprisePlan, update_enterprise
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
        return _in_utc(self.day, NOON)


@lru_cache(maxsize=8192)
def _in_utc(day: date, hour: time) -> datetime:
    """``hour`` (Hong Kong) on ``day``, as UTC; remembered, as a file's days repeat down it."""
    return datetime.combine(day, hour, tzinfo=HONG_KONG).astimezone(UTC)


@dataclass(frozen=True, slots=True)
class StoredApplication:
    """What an import compares a row with: a stored application and its ledger, as values."""

    id: str
    reference: str
    scheme: str
    enterprise_id: str
    title: str
    state: str
    received: date | None
    amount_requested_cents: int
    ledger: Ledger | None


_LEDGER = (  # in the order of Ledger's fields
    LedgerRow.applied_cents,
    LedgerRow.approved_cents,
    LedgerRow.committed_cents,
    LedgerRow.claimed_cents,
    LedgerRow.claims_approved_cents,
    LedgerRow.disbursed_cents,
)
LOOKUP = 500
"""References looked up per query."""


def stored_applications(session: Session, references: list[str]) -> dict[str, StoredApplication]:
    """The stored applications of these references, by reference (plain values, no ORM rows).

    Two lookups, each by a unique index (the references, then the ledgers of
    the applications found), and none for the ledgers when nothing is stored
    yet (a first import). One outer join of the two was planned inside the
    import's own transaction as if its tables were empty: each chunk then
    took seconds on PostgreSQL by the 50,000th row.
    """
    found: dict[str, StoredApplication] = {}
    for start in range(0, len(references), LOOKUP):
        part = references[start : start + LOOKUP]
        rows = session.execute(
            select(
                ApplicationRow.id,
                ApplicationRow.reference,
                ApplicationRow.scheme,
                ApplicationRow.enterprise_id,
                ApplicationRow.title,
                ApplicationRow.state,
                ApplicationRow.received,
                ApplicationRow.amount_requested_cents,
            ).where(ApplicationRow.reference.in_(part))
        ).all()
        ledgers: dict[str, Ledger] = {}
        if rows:
            ledgers = {
                line[0]: Ledger(*(Money(cents) for cents in line[1:]))  # _LEDGER's order
                for line in session.execute(
                    select(LedgerRow.application_id, *_LEDGER).where(
                        LedgerRow.application_id.in_([row.id for row in rows])
                    )
                )
            }
        for row in rows:
            found[row.reference] = StoredApplication(*row, ledgers.get(row.id))
    return found


class ApplicationWriter:
    """Writes checked chunks of an applications file and counts what it did."""

    def __init__(self, session: Session, actor: Actor, source: str) -> None:
        self.session = session
        self.actor = actor
        self.source = source
        self.new = self.updated = self.unchanged = 0
        self.registered = self.revised = 0

    def write(
        self,
        records: list[ApplicationRecord],
        stored: dict[str, StoredApplication],
        companies: dict[str, EnterprisePlan],
    ) -> None:
        """Write one checked chunk: its enterprises, new rows and updates, and chain its events."""
        session, actor, source = self.session, self.actor, self.source
        self._write_enterprises(
            {r.enterprise.br_number: companies[r.enterprise.br_number] for r in records}
        )
        batch = _Batch()
        for record in records:
            found = stored.get(record.reference)
            if found is None:
                _add(batch, session, record, companies[record.enterprise.br_number], actor, source)
                self.new += 1
            elif changes(record, found):
                _update(session, record, found, actor, source)
                self.updated += 1
            else:
                self.unchanged += 1
        batch.write(session)
        flush(session, "the import")
        audit.chain_pending(session)  # the chunk's events, chained now: memory stays one chunk

    def report(self) -> ImportReport:
        """The counts of new, unchanged and updated rows and enterprises."""
        return ImportReport(
            "applications", self.new, self.unchanged, self.updated, self.registered, self.revised
        )

    def _write_enterprises(self, plans: dict[str, EnterprisePlan]) -> None:
        """Register this chunk's new enterprises and update its changed ones."""
        session, actor = self.session, self.actor
        new = [plan for plan in plans.values() if plan.id is None]
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
        if profiles:
            for plan, registered in zip(
                new, register_enterprises(session, profiles, actor), strict=True
            ):
                plan.id = registered
            self.registered += len(new)
        for plan in plans.values():
            if not plan.changes:
                continue
            stored = update_enterprise(session, plan)
            self.revised += 1
            audit.record_at_commit(
                session,
                actor,
                "enterprise.updated",
                "enterprise",
                stored,
                {
                    "source": self.source,
                    "changes": {c: [str(a), str(b)] for c, (a, b) in plan.changes.items()},
                },
            )
            plan.changes = {}


def changes(record: ApplicationRecord, row: StoredApplication) -> dict[str, tuple[str, str]]:
    """field -> (stored, file) for each value the file changes on a stored application."""
    ledger = row.ledger or Ledger()
    now = {
        "title": (row.title, record.title),
        "state": (row.state, record.state),
        "received": (str(row.received), str(record.received)),
        "amount_requested": (
            str(Money(row.amount_requested_cents)),
            str(record.requested),
        ),
        "approved_grant": (str(ledger.approved), str(record.approved)),
        "committed": (str(ledger.committed), str(record.committed)),
    }
    return {k: v for k, v in now.items() if v[0] != v[1]}


def revised_ledger(record: ApplicationRecord, ledger: Ledger | None) -> Ledger:
    """The stored ledger with the file's applied, approved and committed amounts (checked)."""
    base = ledger or Ledger()
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
                # COPY or executemany (core.bulk), without the ORM's bulk bookkeeping
                insert_rows(session, cast(Table, table.__table__), rows)
            rows.clear()


def _add(
    batch: _Batch,
    session: Session,
    record: ApplicationRecord,
    company: EnterprisePlan,
    actor: Actor,
    source: str,
) -> None:
    assert company.id is not None
    app_id = new_id()
    batch.applications.append(
        {
            "id": app_id,
            "reference": record.reference,
            "scheme": record.scheme,
            "enterprise_id": company.id,
            "title": record.title,
            "state": record.state,
            "received": record.received,
            "amount_requested_cents": record.requested.cents,
            "facts": "{}",
            "created_at": _in_utc(record.received, time()),
            "version": 1,
        }
    )
    ledger = record.ledger
    assert ledger is not None  # set when the row was checked
    if record.approved.cents:
        assert record.approved_on is not None
        day = AtDay(record.approved_on)
        batch.entries.append(entry_columns(app_id, "approved", record.approved, None, day))
        if record.committed.cents:
            batch.entries.append(entry_columns(app_id, "committed", record.committed, None, day))
    batch.ledgers.append(
        {
            "application_id": app_id,
            "enterprise_id": company.id,
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
    found: StoredApplication,
    actor: Actor,
    source: str,
) -> None:
    changed = changes(record, found)
    app = session.get_one(ApplicationRow, found.id)
    ledger = session.get(LedgerRow, found.id)
    app.title = record.title
    app.state = record.state
    app.received = record.received
    app.amount_requested_cents = record.requested.cents
    revised = revised_ledger(record, found.ledger)
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
