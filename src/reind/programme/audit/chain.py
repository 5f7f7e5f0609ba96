"""The audit log: an append-only hash chain written with every change.

Each event stores the hash of the one before it; its own hash is SHA-256
over the canonical JSON (sorted keys, no spaces, UTF-8) of all its fields
and that previous hash. Editing, inserting or deleting any event therefore
breaks the chain at or just after that point, and ``verify_chain`` names the
first event that does not fit. Writers append inside the caller's
transaction (Zulip's ``do_*`` pattern), so a change and its event commit or
roll back together.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import Table, event, select, update
from sqlalchemy.orm import Session, SessionTransaction

from reind.core.bulk import insert_rows
from reind.core.chain import canonical_json as canonical_json  # re-exported: one home, core.chain
from reind.core.clock import Clock, SystemClock
from reind.core.errors import ConflictError
from reind.programme.actors import Actor
from reind.programme.audit.chain_sql import EventFields, chain_in_postgres, event_document
from reind.programme.audit.store import GENESIS, AuditEventRow, AuditHeadRow

logger = logging.getLogger(__name__)


def event_hash(
    *,
    seq: int,
    prev_hash: str,
    recorded_at: str,
    actor: str,
    role: str,
    kind: str,
    subject_type: str,
    subject_id: str,
    payload: str,
) -> str:
    """SHA-256 (hex) of the canonical JSON of one event and its predecessor's hash.

    ``payload`` is canonical JSON text, as ``event_fields`` makes it: it goes
    into the document as it is (``chain_sql.event_document``), so chaining a
    bulk import's events does not parse each payload to write it again. The
    bytes hashed are ``canonical_json`` of the event with its payload as a
    value; ``verify_chain`` puts a stored payload in canonical form first.
    """
    event = EventFields(recorded_at, actor, role, kind, subject_type, subject_id, payload)
    return link(event, seq, prev_hash)


def link(event: EventFields, seq: int, prev_hash: str) -> str:
    """``event_hash`` of ``event`` as number ``seq`` after ``prev_hash``."""
    document = event_document(event, seq=canonical_json(seq), prev_hash=canonical_json(prev_hash))
    return hashlib.sha256(document.encode("utf-8")).hexdigest()


def _stamp(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("naive datetime: audit times must be timezone-aware")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass(frozen=True, slots=True)
class _PendingEvent:
    """An event waiting for its transaction's commit to be chained.

    ``transaction`` is the innermost (nested) transaction it was recorded in,
    so rolling back a savepoint drops exactly the events recorded inside it.
    """

    transaction: SessionTransaction | None
    fields: EventFields


IN_ONE_STATEMENT = 64
"""Most events PostgreSQL chains in ``audit.chain_sql``'s one statement (see ``chain_pending``)."""

_PENDING = "reind.audit.pending"
"""Key in ``Session.info`` of the events recorded but not yet chained."""


def _pending_event(
    session: Session,
    actor: Actor,
    kind: str,
    subject_type: str,
    subject_id: str,
    payload: dict[str, Any],
    clock: Clock | None,
) -> _PendingEvent:
    return _PendingEvent(
        transaction=session.get_nested_transaction() or session.get_transaction(),
        fields=event_fields(actor, kind, subject_type, subject_id, payload, clock),
    )


def event_fields(
    actor: Actor,
    kind: str,
    subject_type: str,
    subject_id: str,
    payload: dict[str, Any],
    clock: Clock | None = None,
) -> EventFields:
    """An event's own fields, stamped now: what is chained (by either write path)."""
    return EventFields(
        recorded_at=_stamp((clock or SystemClock()).now()),
        actor=actor.id,
        role=actor.role.value,
        kind=kind,
        subject_type=subject_type,
        subject_id=subject_id,
        payload=canonical_json(payload),
    )


def record_at_commit(
    session: Session,
    actor: Actor,
    kind: str,
    subject_type: str,
    subject_id: str,
    payload: dict[str, Any],
    clock: Clock | None = None,
) -> None:
    """Record one event now and chain it when the caller's transaction commits.

    The chain head is locked only at commit (see ``chain_pending``), so a
    write holds the lock for the few statements of the append and the commit
    itself, not for the rest of its work; the event still commits or rolls
    back with the change it describes (a rolled-back savepoint drops the
    events recorded inside it). Services use this unless they need the event's
    ``seq`` at once, which ``record`` gives.
    """
    event = _pending_event(session, actor, kind, subject_type, subject_id, payload, clock)
    session.info.setdefault(_PENDING, []).append(event)


def record(
    session: Session,
    actor: Actor,
    kind: str,
    subject_type: str,
    subject_id: str,
    payload: dict[str, Any],
    clock: Clock | None = None,
) -> AuditEventRow:
    """Append one event to the chain now, inside the caller's transaction.

    Locks the chain head (held until the commit), chains any events recorded
    earlier in the transaction with ``record_at_commit`` first, and returns a
    copy of the new event (not attached to the session) so the caller can
    quote its ``seq``.
    """
    event = _pending_event(session, actor, kind, subject_type, subject_id, payload, clock)
    session.info.setdefault(_PENDING, []).append(event)
    written = chain_pending(session)
    return AuditEventRow(**written[-1])


def chain_pending(session: Session, *, committing: bool = False) -> list[dict[str, Any]]:
    """Chain the transaction's recorded events now (called on commit); their rows.

    Flushes the session's other changes first, then locks the head row
    (``SELECT ... FOR UPDATE``), inserts every pending event and moves the
    head, so the lock is taken last and held only for this and the commit.
    Concurrent writers queue on the head rather than fork the chain. On
    PostgreSQL a few events are one statement (``audit.chain_sql``), sent together
    with the ``COMMIT`` when ``committing`` (the session's commit is under way).

    More than ``IN_ONE_STATEMENT`` events (a bulk import's chunk) are chained
    here in Python on both databases, under the same head lock, with the same
    ``event_hash`` (tested to agree with the SQL's): the statement's recursive
    step joins the whole batch once per event, so its time grows with the
    square of the batch (2,000 events took 2 s, 8,000 took 34 s), while here
    it grows with the batch. The events then go in with one ``COPY``.
    """
    pending: list[_PendingEvent] = session.info.pop(_PENDING, [])
    if not pending:
        return []
    session.flush()
    events = [p.fields for p in pending]
    if session.get_bind().dialect.name == "postgresql" and len(events) <= IN_ONE_STATEMENT:
        clean = not (session.new or session.dirty or session.deleted)
        return chain_in_postgres(session, events, commit=committing and clean)
    head = session.execute(
        select(AuditHeadRow.seq, AuditHeadRow.hash).where(AuditHeadRow.id == 1).with_for_update()
    ).one_or_none()
    if head is None:
        raise ConflictError("the audit log has no head row: run the migrations")
    seq, prev = head
    rows: list[dict[str, Any]] = []
    for item in events:
        seq += 1
        chained = link(item, seq, prev)
        rows.append(
            {
                "seq": seq,
                "prev_hash": prev,
                "hash": chained,
                "recorded_at": item.recorded_at,
                "actor": item.actor,
                "role": item.role,
                "kind": item.kind,
                "subject_type": item.subject_type,
                "subject_id": item.subject_id,
                "payload": item.payload,
            }
        )
        prev = chained
    # one COPY or executemany (core.bulk): a bulk import chains thousands at once
    insert_rows(session, cast(Table, AuditEventRow.__table__), rows)
    session.execute(update(AuditHeadRow).where(AuditHeadRow.id == 1).values(seq=seq, hash=prev))
    return rows


@event.listens_for(Session, "before_commit")
def _chain_on_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return  # releasing a savepoint: the events wait for the outer commit
    chain_pending(session, committing=True)


@event.listens_for(Session, "after_soft_rollback")
def _drop_rolled_back(session: Session, previous: SessionTransaction) -> None:
    pending: list[_PendingEvent] | None = session.info.get(_PENDING)
    if not pending:
        return
    if not previous.nested:
        session.info.pop(_PENDING, None)
        return
    session.info[_PENDING] = [e for e in pending if not _inside(e.transaction, previous)]


def _inside(transaction: SessionTransaction | None, outer: SessionTransaction) -> bool:
    while transaction is not None:
        if transaction is outer:
            return True
        transaction = transaction.parent
    return False


@event.listens_for(Session, "after_transaction_end")
def _forget_on_end(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        session.info.pop(_PENDING, None)  # closed without a commit: nothing to chain


@dataclass(frozen=True, slots=True)
class ChainReport:
    """The result of checking the chain: how many events, and the first break."""

    checked: int
    broken_seq: int | None = None
    problem: str | None = None

    @property
    def ok(self) -> bool:
        """True when every event fits."""
        return self.problem is None

    def __str__(self) -> str:
        if self.ok:
            return f"OK: {self.checked} events, chain intact"
        where = f"event {self.broken_seq}" if self.broken_seq is not None else "chain head"
        return f"BROKEN at {where}: {self.problem}"


def verify_chain(
    session: Session, batch: int = 1000, *, after: tuple[int, str] | None = None
) -> ChainReport:
    """Walk the chain in order and report the first event that does not fit.

    ``after=(seq, hash)`` starts the walk after an event already known good
    (a checkpoint the stored chain was checked against), so a periodic
    checkpoint reads only what was appended since. Events recorded in this
    session but not yet chained are chained first.
    """
    chain_pending(session)
    start, prev = after if after is not None else (0, GENESIS)
    result = session.execute(
        select(AuditEventRow)
        .where(AuditEventRow.seq > start)
        .order_by(AuditEventRow.seq)
        .execution_options(yield_per=batch)
    )
    try:
        walked = _walk(result.scalars(), start + 1, prev)
    finally:
        result.close()
    if isinstance(walked, ChainReport):
        return walked
    checked, prev = walked
    head = session.execute(
        select(AuditHeadRow.seq, AuditHeadRow.hash).where(AuditHeadRow.id == 1)
    ).one_or_none()
    if head is None:
        return ChainReport(checked, None, "the head row is missing")
    if head.seq != checked or head.hash != prev:
        return ChainReport(
            checked,
            checked + 1 if head.seq > checked else None,
            f"the head names event {head.seq} but the chain ends at event {checked} "
            "(the newest events were deleted or the head was altered)",
        )
    logger.info("audit chain verified: %d events", checked)
    return ChainReport(checked)


def _walk(
    rows: Iterable[AuditEventRow], expected_seq: int = 1, prev: str = GENESIS
) -> ChainReport | tuple[int, str]:
    """Check each event against the one before; the last seq and hash, or the break."""
    checked = expected_seq - 1
    for row in rows:
        if row.seq != expected_seq:
            what = "missing" if row.seq > expected_seq else "duplicated"
            return ChainReport(
                checked,
                row.seq,
                f"expected event {expected_seq} next, found {row.seq} "
                f"(event {expected_seq} {what})",
            )
        if row.prev_hash != prev:
            return ChainReport(
                checked,
                row.seq,
                "its previous-hash does not match the event before it "
                "(an event was inserted or deleted before it)",
            )
        recomputed = event_hash(
            seq=row.seq,
            prev_hash=row.prev_hash,
            recorded_at=row.recorded_at,
            actor=row.actor,
            role=row.role,
            kind=row.kind,
            subject_type=row.subject_type,
            subject_id=row.subject_id,
            payload=canonical_json(json.loads(row.payload)),  # as stored, in canonical form
        )
        if recomputed != row.hash:
            return ChainReport(checked, row.seq, "its content does not match its hash (edited)")
        prev = row.hash
        expected_seq += 1
        checked += 1
    return checked, prev


def events_for(session: Session, subject_type: str, subject_id: str) -> list[AuditEventRow]:
    """Every event about one subject, oldest first (chaining this session's pending ones)."""
    chain_pending(session)
    return list(
        session.execute(
            select(AuditEventRow)
            .where(AuditEventRow.subject_type == subject_type)
            .where(AuditEventRow.subject_id == subject_id)
            .order_by(AuditEventRow.seq)
        ).scalars()
    )
