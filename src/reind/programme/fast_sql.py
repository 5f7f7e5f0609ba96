"""The API's busiest reads and writes, one PostgreSQL statement each, over asyncpg.

Measured in ADR 0068, a request through the ORM unit of work costs 3-12 ms
of CPU before the server, database and load generator take theirs; the
load target (1,300 requests/s on two cores) leaves about 1.5 ms for all of
it. These statements serve the five busiest requests (ADR 0091) in one
round trip each, with prepared statements and no ORM:

* every statement re-checks the caller's API token *and* that it still
  stands for the same holder (user, role, person, enterprise) in the same
  statement as the work, so a revoked token or changed account is refused
  on the next request, as on the ORM path (ADR 0061, 0066);
* the writes insert the record, its budget lines and its audit event in one
  statement outside any explicit transaction (PostgreSQL commits it as one,
  durably, before answering), locking the audit head last, as
  ``audit.chain_sql`` does, so the head is held only for the rest of that
  statement and its commit.

What to store is decided by the same functions as on the ORM path
(``applications.prepare_application``, ``desk.prepare_enquiry``,
``audit.event_fields``), so only the SQL is written twice; the parity tests
compare both paths request by request. Each function returns None when the
statement did nothing (token no longer valid, holder changed, record
missing, idempotency key or reference already used): the caller then hands
the request to the ORM path, which answers those cases.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import asyncpg

from reind.programme.accounts.tokens import Holder
from reind.programme.actors import Actor, Role
from reind.programme.applications.services import NewApplication
from reind.programme.applications.views import ApplicationView, CostLineView
from reind.programme.audit.chain_sql import EventFields, hash_parts
from reind.programme.desk.services import NewEnquiry
from reind.programme.views import column_names

if TYPE_CHECKING:
    Pool = asyncpg.Pool[asyncpg.Record]
else:
    Pool = asyncpg.Pool  # not subscriptable at run time

_HOLDER_OF_DIGEST = """
SELECT u.id, u.role, coalesce(nullif(u.person_id, ''), u.id), u.enterprise_id
FROM api_tokens t JOIN users u ON u.id = t.user_id
WHERE t.secret_sha256 = $1 AND t.revoked_at IS NULL AND u.active
  AND (t.expires_at IS NULL OR t.expires_at > now())
"""

_GUARD = """EXISTS (
    SELECT 1 FROM api_tokens t JOIN users u ON u.id = t.user_id
    WHERE t.secret_sha256 = $1 AND t.revoked_at IS NULL AND u.active
      AND (t.expires_at IS NULL OR t.expires_at > now())
      AND u.id = $2 AND u.role = $3 AND coalesce(nullif(u.person_id, ''), u.id) = $4
      AND u.enterprise_id IS NOT DISTINCT FROM $5
)"""
"""True while token $1 stands for the holder ($2-$5) the caller was served as."""


def _audit_tail(first: int, written: str) -> str:
    """CTEs chaining one event after ``written`` inserted a row, parameters from ``$first``.

    The head is locked only if ``written`` inserted something, so a statement
    that did nothing leaves the chain alone. The last CTE divides by zero,
    failing the whole statement, if a row was written but no event chained
    (no head row: the migrations were not run).
    """
    p = [f"${first + i}" for i in range(10)]
    return f""",
head AS (
    SELECT seq, hash FROM audit_head WHERE id = 1 AND EXISTS (SELECT 1 FROM {written})
    FOR UPDATE
),
event AS (
    SELECT head.seq + 1 AS seq, head.hash AS prev_hash,
           CAST(encode(sha256(CAST({p[0]} AS bytea) || convert_to(head.hash, 'UTF8')
                || CAST({p[1]} AS bytea) || convert_to(CAST(head.seq + 1 AS text), 'UTF8')
                || CAST({p[2]} AS bytea)), 'hex') AS text) AS hash
    FROM head
),
logged AS (
    INSERT INTO audit_events (seq, prev_hash, hash, recorded_at, actor, role, kind,
                              subject_type, subject_id, payload)
    SELECT seq, prev_hash, hash, {", ".join(p[3:])} FROM event
),
moved AS (
    UPDATE audit_head SET seq = event.seq, hash = event.hash FROM event WHERE audit_head.id = 1
)
SELECT (SELECT seq FROM event) AS seq,
       1 / CASE WHEN (SELECT count(*) FROM {written}) > (SELECT count(*) FROM event)
           THEN 0 ELSE 1 END AS chained
"""  # noqa: S608 - constant fragments only


def _event_arguments(event: EventFields) -> list[Any]:
    front, middle, back = hash_parts(event)
    return [
        front,
        middle,
        back,
        event.recorded_at,
        event.actor,
        event.role,
        event.kind,
        event.subject_type,
        event.subject_id,
        event.payload,
    ]


_READ_APPLICATION = f"""
SELECT {", ".join(f"a.{name}" for name in column_names(ApplicationView))}
FROM applications a WHERE a.id = $6 AND {_GUARD}
"""  # noqa: S608 - constant fragments only

_READ_COST_LINES = f"""
SELECT a.enterprise_id, {", ".join(f"c.{name}" for name in column_names(CostLineView))}
FROM applications a LEFT JOIN cost_lines c ON c.application_id = a.id
WHERE a.id = $6 AND {_GUARD}
ORDER BY c.id
"""  # noqa: S608 - constant fragments only

_READ_ENTERPRISE = f"""
SELECT id, br_number, name_en, name_zh, incorporation, listed, employees, manufacturing,
       industry, version
FROM enterprises WHERE id = $6 AND {_GUARD}
"""  # noqa: S608 - constant fragments only

_INSERT_APPLICATION = f"""
WITH ent AS (SELECT e.id FROM enterprises e WHERE e.id = $6 AND {_GUARD}),
app AS (
    INSERT INTO applications (id, reference, scheme, enterprise_id, title, state, received,
                              amount_requested_cents, facts, screening_decision_id,
                              idempotency_key, request_hash, created_at, version)
    SELECT $7, $8, $9, ent.id, $10, $11, $12, $13, $14, NULL, $15, $16, $17, 1 FROM ent
    ON CONFLICT DO NOTHING
    RETURNING id
),
lines AS (
    INSERT INTO cost_lines (application_id, category, description, amount_cents)
    SELECT app.id, l.category, l.description, l.amount_cents
    FROM app, unnest(CAST($18 AS text[]), CAST($19 AS text[]), CAST($20 AS bigint[]))
         WITH ORDINALITY AS l(category, description, amount_cents, n)
    ORDER BY l.n
)""" + _audit_tail(21, "app")  # noqa: S608 - constant fragments only

_INSERT_ENQUIRY = f"""
WITH enq AS (
    INSERT INTO enquiries (id, received_at, channel, centre, state, enterprise_id, question,
                           profile, suggested_schemes, answer_en, answer_zh, version)
    SELECT $6, $7, $8, NULL, $9, $10, $11, $12, '[]', '', '', 1 WHERE {_GUARD}
    RETURNING id
)""" + _audit_tail(13, "enq")  # noqa: S608 - constant fragments only


def _guard(digest: str, holder: Holder) -> tuple[str, str, str, str, str | None]:
    actor = holder.actor
    return digest, holder.user_id, actor.role.value, actor.id, actor.enterprise_id


async def token_holder(pool: Pool, digest: str) -> Holder | None:
    """Whom the API token with SHA-256 ``digest`` stands for now, or None."""
    row = await pool.fetchrow(_HOLDER_OF_DIGEST, digest)
    if row is None:
        return None
    user_id, role, actor_id, enterprise_id = row
    return Holder(user_id, Actor(actor_id, Role(role), enterprise_id))


async def read_application(
    pool: Pool, digest: str, holder: Holder, application_id: str
) -> ApplicationView | None:
    """The application, if it exists and the token still stands for ``holder``."""
    row = await pool.fetchrow(_READ_APPLICATION, *_guard(digest, holder), application_id)
    return None if row is None else ApplicationView(*row)


async def read_cost_lines(
    pool: Pool, digest: str, holder: Holder, application_id: str
) -> tuple[str, list[CostLineView]] | None:
    """(the application's enterprise, its budget lines in order), or None as above."""
    rows = await pool.fetch(_READ_COST_LINES, *_guard(digest, holder), application_id)
    if not rows:
        return None
    lines = [CostLineView(*row[1:]) for row in rows if row[1] is not None]
    return str(rows[0][0]), lines


async def read_enterprise(
    pool: Pool, digest: str, holder: Holder, enterprise_id: str
) -> dict[str, Any] | None:
    """The enterprise's shown columns by name, or None as above."""
    row = await pool.fetchrow(_READ_ENTERPRISE, *_guard(digest, holder), enterprise_id)
    return None if row is None else dict(row)


async def insert_application(
    pool: Pool, digest: str, holder: Holder, new: NewApplication, event: EventFields
) -> int | None:
    """Store ``new``, its budget lines and ``event`` at once; the event's seq, or None.

    None (nothing written) when the token no longer stands for ``holder``,
    the enterprise does not exist, or the reference or idempotency key is
    already taken.
    """
    lines = new.cost_lines
    row = await pool.fetchrow(
        _INSERT_APPLICATION,
        *_guard(digest, holder),
        new.enterprise_id,
        new.id,
        new.reference,
        new.scheme,
        new.title,
        new.state,
        new.received,
        new.amount_requested_cents,
        new.facts,
        new.idempotency_key,
        new.request_hash,
        new.created_at,
        [line.category for line in lines],
        [line.description for line in lines],
        [line.amount.cents for line in lines],
        *_event_arguments(event),
    )
    return None if row is None or row["seq"] is None else int(row["seq"])


async def insert_enquiry(
    pool: Pool, digest: str, holder: Holder, new: NewEnquiry, event: EventFields
) -> int | None:
    """Store ``new`` and ``event`` at once; the event's seq, or None (token or holder changed)."""
    row = await pool.fetchrow(
        _INSERT_ENQUIRY,
        *_guard(digest, holder),
        new.id,
        new.received_at,
        new.channel,
        new.state,
        new.enterprise_id,
        new.question,
        new.profile,
        *_event_arguments(event),
    )
    return None if row is None or row["seq"] is None else int(row["seq"])
