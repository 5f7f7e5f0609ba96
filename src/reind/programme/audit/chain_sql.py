"""Chaining audit events inside PostgreSQL, in one statement.

Under load the chain head is the one row every write queues on, so the time
it stays locked bounds the write rate. Chained from Python, the lock is
held across several round trips, and between them the writing thread waits
for the GIL behind the process's other threads: milliseconds each. Here one
statement locks the head, computes each event's hash from the previous one
(``sha256`` over the same canonical JSON ``audit.event_hash`` hashes),
inserts the events and moves the head; only the commit follows.

Python prepares each event's canonical JSON in three byte strings around
the two values only the database knows, the previous hash and the seq (the
canonical document's keys are sorted, so they always sit at the same
places); ``hash_parts`` cuts the one document ``event_document`` builds,
and ``event_hash`` hashes it whole; they are tested to agree.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

import psycopg
from sqlalchemy import text
from sqlalchemy.orm import Session

from reind.core.chain import canonical_json, canonical_object
from reind.core.errors import ConflictError


@dataclass(frozen=True, slots=True)
class EventFields:
    """An event's own fields: everything but its seq and hashes (``payload`` as canonical JSON)."""

    recorded_at: str
    actor: str
    role: str
    kind: str
    subject_type: str
    subject_id: str
    payload: str


def event_document(event: EventFields, *, seq: str, prev_hash: str) -> str:
    """The canonical JSON an event's hash covers; ``seq`` and ``prev_hash`` given as JSON text.

    The one builder of the chain's document: ``audit.event_hash`` hashes it
    and ``hash_parts`` cuts it around the two values only the database knows.
    ``event.payload`` is canonical JSON text already (``audit.event_fields``).
    """
    return canonical_object(
        {
            "seq": seq,
            "prev_hash": prev_hash,
            "recorded_at": canonical_json(event.recorded_at),
            "actor": canonical_json(event.actor),
            "role": canonical_json(event.role),
            "kind": canonical_json(event.kind),
            "subject_type": canonical_json(event.subject_type),
            "subject_id": canonical_json(event.subject_id),
            "payload": event.payload,
        }
    )


_CUT = "\0"
"""Stands for the seq and the previous hash in ``hash_parts``: canonical JSON never holds a
raw NUL (it writes one as ``\\u0000``), so the cuts fall exactly there."""


def hash_parts(event: EventFields) -> tuple[bytes, bytes, bytes]:
    """The canonical JSON of ``event`` as (before prev_hash, before seq, after seq), UTF-8.

    ``sha256(front + prev_hash + middle + str(seq) + back)`` is ``audit.event_hash``.
    """
    front, middle, back = event_document(event, seq=_CUT, prev_hash=f'"{_CUT}"').split(_CUT)
    return front.encode(), middle.encode(), back.encode()


EVENT_ARRAYS = (
    "fronts",
    "middles",
    "backs",
    "recorded",
    "actors",
    "roles",
    "kinds",
    "subject_types",
    "subject_ids",
    "payloads",
)
"""The chain's parameters, in this order: one array each, an element per event."""


def event_arrays(events: Sequence[EventFields]) -> dict[str, list[Any]]:
    """The chain's parameters (``EVENT_ARRAYS``) for ``events``."""
    parts = [hash_parts(e) for e in events]
    return {
        "fronts": [p[0] for p in parts],
        "middles": [p[1] for p in parts],
        "backs": [p[2] for p in parts],
        "recorded": [e.recorded_at for e in events],
        "actors": [e.actor for e in events],
        "roles": [e.role for e in events],
        "kinds": [e.kind for e in events],
        "subject_types": [e.subject_type for e in events],
        "subject_ids": [e.subject_id for e in events],
        "payloads": [e.payload for e in events],
    }


def chain_ctes(parameter: Callable[[str], str], *, only_if: str | None = None) -> str:
    """The common table expressions that chain events onto the audit log; no ``WITH``.

    The one audit-chain SQL of both write paths (the ORM path's
    ``chain_in_postgres`` and the API's single-statement path). ``parameter``
    names a placeholder for each of ``EVENT_ARRAYS`` (``:name`` or ``$n``).
    ``head`` locks the head row, ``chain`` holds it at ``i = 0`` and each
    event after it at ``i = 1, 2...`` with its seq and hash, ``inserted``
    stores the events, ``moved`` the new head. With ``only_if`` (an earlier
    CTE's name), the head is locked and anything chained only if that CTE
    returned a row. The statement must begin ``WITH RECURSIVE``.
    """
    p = {name: parameter(name) for name in EVENT_ARRAYS}
    condition = "" if only_if is None else f" AND EXISTS (SELECT 1 FROM {only_if})"  # noqa: S608
    return f"""
head AS (SELECT seq, hash FROM audit_head WHERE id = 1{condition} FOR UPDATE),
ev AS (
    SELECT * FROM unnest(
        CAST({p["fronts"]} AS bytea[]), CAST({p["middles"]} AS bytea[]),
        CAST({p["backs"]} AS bytea[]), CAST({p["recorded"]} AS text[]),
        CAST({p["actors"]} AS text[]), CAST({p["roles"]} AS text[]),
        CAST({p["kinds"]} AS text[]), CAST({p["subject_types"]} AS text[]),
        CAST({p["subject_ids"]} AS text[]), CAST({p["payloads"]} AS text[])
    ) WITH ORDINALITY AS e(front, middle, back, recorded_at, actor, role, kind,
                           subject_type, subject_id, payload, i)
),
chain AS (
    SELECT CAST(0 AS bigint) AS i, seq, CAST(hash AS text) AS hash FROM head
    UNION ALL
    SELECT c.i + 1, c.seq + 1,
           CAST(encode(sha256(e.front || convert_to(c.hash, 'UTF8') || e.middle
                         || convert_to(CAST(c.seq + 1 AS text), 'UTF8') || e.back), 'hex') AS text)
    FROM chain c JOIN ev e ON e.i = c.i + 1
),
inserted AS (
    INSERT INTO audit_events (seq, prev_hash, hash, recorded_at, actor, role, kind,
                              subject_type, subject_id, payload)
    SELECT c.seq, p.hash, c.hash, e.recorded_at, e.actor, e.role, e.kind,
           e.subject_type, e.subject_id, e.payload
    FROM chain c JOIN chain p ON p.i = c.i - 1 JOIN ev e ON e.i = c.i
),
moved AS (
    UPDATE audit_head SET seq = last.seq, hash = last.hash
    FROM (SELECT seq, hash FROM chain ORDER BY i DESC LIMIT 1) AS last
    WHERE audit_head.id = 1
)"""  # noqa: S608 - constant fragments only


_CHAIN = text(
    "WITH RECURSIVE"
    + chain_ctes(lambda name: f":{name}")
    + "\nSELECT i, seq, hash FROM chain ORDER BY i"
)


def chain_in_postgres(
    session: Session, events: Sequence[EventFields], *, commit: bool = False
) -> list[dict[str, Any]]:
    """Lock the head, chain and insert ``events`` and move the head, in one statement.

    With ``commit`` (the session's own commit is next and nothing else is
    left to flush), the statement and the ``COMMIT`` go to the server
    together in a psycopg pipeline: the head is then locked only while the
    server runs them, never while this thread waits for the GIL; the
    session's own commit that follows finds the transaction already ended
    and sends nothing. Returns each event's fields with its ``seq``,
    ``prev_hash`` and ``hash``.
    """
    parameters = event_arrays(events)
    driver = session.connection().connection.driver_connection
    if commit and isinstance(driver, psycopg.Connection):
        statement = str(_CHAIN.compile(dialect=session.get_bind().dialect))
        with driver.pipeline():
            cursor = driver.execute(statement, parameters)
            driver.execute("COMMIT")
        chained = [_Link(*row) for row in cursor.fetchall()]
    else:
        chained = [_Link(*row) for row in session.execute(_CHAIN, parameters).all()]
    if not chained:
        raise ConflictError("the audit log has no head row: run the migrations")
    return [
        {
            "seq": link.seq,
            "prev_hash": before.hash,
            "hash": link.hash,
            "recorded_at": event.recorded_at,
            "actor": event.actor,
            "role": event.role,
            "kind": event.kind,
            "subject_type": event.subject_type,
            "subject_id": event.subject_id,
            "payload": event.payload,
        }
        for before, link, event in zip(chained[:-1], chained[1:], events, strict=True)
    ]


class _Link(NamedTuple):
    i: int
    seq: int
    hash: str
