"""The hot path's statements: the busiest reads and writes, one PostgreSQL statement each.

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

Nothing here is a second copy of a rule. What to store is decided by the
same functions as on the ORM path (``applications.prepare_application``,
``desk.prepare_enquiry``, ``audit.event_fields``); the token check is
``accounts.tokens.holder_query``/``holder_guard`` compiled for asyncpg; the
audit chain is ``audit.chain_sql.chain_ctes``, the ORM path's own; the
columns are the mapped tables' (through the aggregates' views) and the
views' fields. The parity tests compare both paths request by request.

Each function returns None when the statement did nothing (token no
longer valid, holder changed, record missing, idempotency key or
reference already used): the caller then hands the request to the ORM
path, which answers those cases.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import asyncpg
from sqlalchemy import ClauseElement, bindparam
from sqlalchemy.dialects.postgresql import asyncpg as asyncpg_dialect
from sqlalchemy.sql.compiler import SQLCompiler

from reind.core.clock import SystemClock
from reind.programme.accounts.tokens import Holder, holder_guard, holder_query
from reind.programme.actors import Actor, Role
from reind.programme.applications.services import NewApplication
from reind.programme.applications.views import (
    APPLICATION_COLUMNS,
    COST_LINE_COLUMNS,
    ApplicationView,
    CostLineView,
)
from reind.programme.audit.chain_sql import EVENT_ARRAYS, EventFields, chain_ctes, event_arrays
from reind.programme.desk.services import NewEnquiry
from reind.programme.desk.views import ENQUIRY_COLUMNS
from reind.programme.enterprises.views import EnterpriseView
from reind.programme.views import column_names, stored_columns

if TYPE_CHECKING:
    Pool = asyncpg.Pool[asyncpg.Record]
else:
    Pool = asyncpg.Pool  # not subscriptable at run time

_DIALECT = asyncpg_dialect.dialect()  # type: ignore[no-untyped-call]


@dataclass(frozen=True, slots=True)
class _Compiled:
    """A SQLAlchemy clause as asyncpg SQL, and the names of its ``$1..$n`` in order."""

    sql: str
    names: tuple[str, ...]

    def arguments(self, **values: Any) -> list[Any]:
        """The values of the placeholders, in order."""
        return [values[name] for name in self.names]


def _compiled(clause: ClauseElement) -> _Compiled:
    compiled = clause.compile(dialect=_DIALECT)
    assert isinstance(compiled, SQLCompiler)  # noqa: S101 - a statement compiles to SQL
    return _Compiled(str(compiled), tuple(compiled.positiontup or ()))


_HOLDER = _compiled(holder_query(bindparam("digest"), bindparam("now")))
_GUARD = _compiled(
    holder_guard(
        *(bindparam(n) for n in ("digest", "now", "user_id", "role", "actor_id", "enterprise_id"))
    )
)
"""True while the token stands for the holder the caller was served as: ``$1..$6``."""
_FIRST = len(_GUARD.names) + 1
"""The first placeholder after the guard's."""


def _placeholders(first: int, count: int) -> list[str]:
    return [f"${first + i}" for i in range(count)]


def _audit_tail(first: int, written: str) -> str:
    """The audit chain after ``written`` inserted a row, its arrays from ``$first``.

    The head is locked only if ``written`` inserted something, so a statement
    that did nothing leaves the chain alone. The final SELECT divides by
    zero, failing the whole statement, if a row was written but no event
    chained (no head row: the migrations were not run).
    """
    numbers = dict(zip(EVENT_ARRAYS, _placeholders(first, len(EVENT_ARRAYS)), strict=True))
    ctes = chain_ctes(numbers.__getitem__, only_if=written)
    return f""",{ctes}
SELECT (SELECT seq FROM chain WHERE i = 1) AS seq,
       1 / CASE WHEN (SELECT count(*) FROM {written}) > (SELECT count(*) FROM chain WHERE i > 0)
           THEN 0 ELSE 1 END AS chained
"""  # noqa: S608 - constant fragments only


def _event_arguments(event: EventFields) -> list[Any]:
    arrays = event_arrays([event])
    return [arrays[name] for name in EVENT_ARRAYS]


_APPLICATION_READ = column_names(ApplicationView)
_COST_LINE_READ = column_names(CostLineView)
_ENTERPRISE_READ = column_names(EnterpriseView)

_READ_APPLICATION = f"""
SELECT {", ".join(f"a.{name}" for name in _APPLICATION_READ)}
FROM applications a WHERE a.id = ${_FIRST} AND {_GUARD.sql}
"""  # noqa: S608 - constant fragments only

_READ_COST_LINES = f"""
SELECT a.enterprise_id, {", ".join(f"c.{name}" for name in _COST_LINE_READ)}
FROM applications a LEFT JOIN cost_lines c ON c.application_id = a.id
WHERE a.id = ${_FIRST} AND {_GUARD.sql}
ORDER BY c.id
"""  # noqa: S608 - constant fragments only

_READ_ENTERPRISE = f"""
SELECT {", ".join(_ENTERPRISE_READ)}
FROM enterprises WHERE id = ${_FIRST} AND {_GUARD.sql}
"""  # noqa: S608 - constant fragments only

_APPLICATION_STORED = stored_columns(NewApplication, APPLICATION_COLUMNS)
_LINE_STORED = ("category", "description", "amount_cents")
assert set(_LINE_STORED) < set(COST_LINE_COLUMNS)  # noqa: S101 - a check at import
_LINES_FIRST = _FIRST + 1 + len(_APPLICATION_STORED)
_INSERT_APPLICATION = (
    f"""
WITH RECURSIVE ent AS (SELECT e.id FROM enterprises e WHERE e.id = ${_FIRST} AND {_GUARD.sql}),
app AS (
    INSERT INTO applications ({", ".join(_APPLICATION_STORED)})
    SELECT {", ".join(_placeholders(_FIRST + 1, len(_APPLICATION_STORED)))} FROM ent
    ON CONFLICT DO NOTHING
    RETURNING id
),
lines AS (
    INSERT INTO cost_lines (application_id, {", ".join(_LINE_STORED)})
    SELECT app.id, {", ".join(f"l.{name}" for name in _LINE_STORED)}
    FROM app, unnest(CAST(${_LINES_FIRST} AS text[]), CAST(${_LINES_FIRST + 1} AS text[]),
                     CAST(${_LINES_FIRST + 2} AS bigint[]))
         WITH ORDINALITY AS l({", ".join(_LINE_STORED)}, n)
    ORDER BY l.n
)"""  # noqa: S608 - constant fragments only
    + _audit_tail(_LINES_FIRST + 3, "app")
)

_ENQUIRY_STORED = stored_columns(NewEnquiry, ENQUIRY_COLUMNS)
_INSERT_ENQUIRY = (
    f"""
WITH RECURSIVE enq AS (
    INSERT INTO enquiries ({", ".join(_ENQUIRY_STORED)})
    SELECT {", ".join(_placeholders(_FIRST, len(_ENQUIRY_STORED)))} WHERE {_GUARD.sql}
    RETURNING id
)"""  # noqa: S608 - constant fragments only
    + _audit_tail(_FIRST + len(_ENQUIRY_STORED), "enq")
)


def _guard(digest: str, holder: Holder) -> list[Any]:
    actor = holder.actor
    return _GUARD.arguments(
        digest=digest,
        now=SystemClock().now(),
        user_id=holder.user_id,
        role=actor.role.value,
        actor_id=actor.id,
        enterprise_id=actor.enterprise_id,
    )


def _values(new: object, columns: Sequence[str]) -> list[Any]:
    return [getattr(new, name) for name in columns]


async def token_holder(pool: Pool, digest: str) -> Holder | None:
    """Whom the API token with SHA-256 ``digest`` stands for now, or None."""
    row = await pool.fetchrow(
        _HOLDER.sql, *_HOLDER.arguments(digest=digest, now=SystemClock().now())
    )
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
) -> EnterpriseView | None:
    """The enterprise, or None as above."""
    row = await pool.fetchrow(_READ_ENTERPRISE, *_guard(digest, holder), enterprise_id)
    return None if row is None else EnterpriseView(*row)


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
        *_values(new, _APPLICATION_STORED),
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
        *_values(new, _ENQUIRY_STORED),
        *_event_arguments(event),
    )
    return None if row is None or row["seq"] is None else int(row["seq"])
