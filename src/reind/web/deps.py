"""Request dependencies: the database unit of work of one request, and the parts of the
``Platform`` the app was given (rules engine, telemetry store, plant link).

Each request gets one SQLAlchemy session from ``Database.unit_of_work()``,
committed when the endpoint is done but *before* the response is sent: a
client is only told "created" once the row is committed, and a failed
commit becomes a problem-details error instead.

Two ways in, both opening the session in the event loop (no I/O happens
until the first statement) and re-checking the caller's credential as that
first statement (``web.credentials``):

* ``UnitOfWork``: a session for a plain (sync) endpoint; the commit runs in
  the threadpool after the endpoint.
* ``Transact``: for ``async`` endpoints on the busy paths; ``await
  transact(work)`` runs ``work(session)`` *and* the commit in one threadpool
  hop, which is all the thread switching such a request does (ADR 0066).

A GET or HEAD gets a ``read_only`` unit of work: on SQLite it reads a WAL
snapshot instead of queueing for the write lock behind every writer (ADR 0095).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager
from typing import Annotated, TypeVar

from fastapi import Depends, FastAPI, Request
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from reind.bootstrap import Platform
from reind.core.db import Database
from reind.rules.engine import Engine
from reind.web.credentials import CREDENTIAL, REQUEST_STATE

T = TypeVar("T")
TRANSACTION_THREADS = 16
"""Threads per worker running ``Transact`` work: enough to keep PostgreSQL busy, few enough
that they do not spend the CPU queueing for the GIL."""
_transactions = ThreadPoolExecutor(TRANSACTION_THREADS, thread_name_prefix="reind-transaction")
# A plain executor: about half the cost per call of anyio's to_thread (no capacity limiter or
# cancel scope), and these calls are never cancelled half-way anyway.
SQLITE_WRITER_THREADS = 32
"""Threads per worker for writes on SQLite, apart from the rest: there writers wait their
turn in line (``core.writer_queue``) holding a thread, and reads must not wait behind them."""
_sqlite_writes = ThreadPoolExecutor(SQLITE_WRITER_THREADS, thread_name_prefix="reind-sqlite-write")


def platform_of(app: FastAPI) -> Platform:
    """What the app was built with (``create_app``)."""
    platform: Platform = app.state.platform
    return platform


def database_of(app: FastAPI) -> Database:
    """The app's database."""
    return platform_of(app).database


def engine_of(request: Request) -> Engine:
    """The rules engine the app was given (for page helpers that have the request)."""
    return platform_of(request.app).engine


async def rules_engine(request: Request) -> Engine:
    """The rules engine the app was given (async: no threadpool hop to fetch it)."""
    return platform_of(request.app).engine


RulesEngine = Annotated[Engine, Depends(rules_engine)]
"""The rules engine, for endpoints that decide, list or check against the schemes."""


def reads_only(request: Request) -> bool:
    """Whether the request's method promises not to change anything (GET, HEAD)."""
    return request.method in _SAFE_METHODS


_SAFE_METHODS = frozenset({"GET", "HEAD"})


async def unit_of_work(request: Request) -> AsyncIterator[Session]:
    """A session for this request, committed at the end (rolled back on error)."""
    block = database_of(request.app).unit_of_work(read_only=reads_only(request))
    session = block.__enter__()  # makes a Session object: no connection yet
    session.info[REQUEST_STATE] = request.state
    try:
        yield session
    except BaseException as exc:
        await run_in_threadpool(block.__exit__, type(exc), exc, exc.__traceback__)
        raise
    idle = session.get_transaction() is None and not (session.new or session.dirty)
    if idle and getattr(request.state, CREDENTIAL, None) is None:
        block.__exit__(None, None, None)  # never touched the database: nothing to commit
    else:
        await run_in_threadpool(_commit, block, session)
        if not reads_only(request):
            await run_in_threadpool(_remember_write, request)


WROTE_AT = "wrote_at"
"""The browser session's key for the primary's WAL position after its last write."""


def _remember_write(request: Request) -> None:
    """After a browser's write, note where the primary's log ended, for read-your-writes.

    Only with a replica, and only for a signed-in browser (its cookie carries
    the position back); an API client's reads never go to the replica.
    """
    platform = platform_of(request.app)
    if platform.replica is None or "session" not in request.scope:
        return
    if not request.session.get("sid"):
        return
    position = platform.database.wal_position()
    if position is not None:
        request.session[WROTE_AT] = position


def _commit(block: AbstractContextManager[Session], session: Session) -> None:
    try:
        _ensure_rechecked(session)
    except BaseException as exc:
        block.__exit__(type(exc), exc, exc.__traceback__)
        raise
    block.__exit__(None, None, None)


def _ensure_rechecked(session: Session) -> None:
    """Begin the transaction if the work never did, so the credential is re-checked."""
    if REQUEST_STATE in session.info:
        session.connection()


UnitOfWork = Annotated[Session, Depends(unit_of_work, scope="function")]
"""The request's session: use this alias everywhere so it is shared, not repeated."""
StreamedUnitOfWork = Annotated[Session, Depends(unit_of_work, scope="request")]
"""A session that stays open until a streamed response has been sent, then commits (a GET's
export read a page at a time as it goes out). ``UnitOfWork`` closes before the response
starts, so a ``StreamingResponse`` must not read through it. A separate session from the
request's ``UnitOfWork`` (FastAPI keys the two scopes apart), re-checking the credential too."""


async def read_side(request: Request, primary: UnitOfWork) -> AsyncIterator[Session]:
    """A session for pages that only read: on the replica when there is one.

    Writes always go through ``UnitOfWork`` to the primary; the replica
    session's work is rolled back at the end, so nothing is ever sent to a
    replica to commit. Without a replica it is the request's own session (a
    second session on SQLite would wait on the first one's lock).

    Read-your-writes: a browser that wrote reads the primary until the
    replica has replayed past that write (its WAL position, noted after the
    commit), then the replica again; other users never wait for it.
    """
    replica = platform_of(request.app).replica
    if replica is None:
        yield primary
        return
    wrote_at = request.session.get(WROTE_AT) if "session" in request.scope else None
    if wrote_at is not None:
        if not await run_in_threadpool(replica.replayed, str(wrote_at)):
            yield primary
            return
        del request.session[WROTE_AT]
    with replica.unit_of_work(read_only=True) as session:
        try:
            yield session
        finally:
            await run_in_threadpool(session.rollback)


ReadSide = Annotated[Session, Depends(read_side, scope="function")]
"""A read-only session on the replica (or the primary without one, or for a browser whose
last write the replica has not replayed yet): reports, analysts' pages, the office's lists."""


class Transaction:
    """Runs a request's work and its commit in one threadpool hop."""

    def __init__(self, request: Request) -> None:
        self._database = database_of(request.app)
        self._state = request.state
        self._read_only = reads_only(request)
        waits_in_line = not self._read_only and self._database.engine.dialect.name == "sqlite"
        self._executor = _sqlite_writes if waits_in_line else _transactions

    async def __call__(self, work: Callable[[Session], T]) -> T:
        """``work(session)`` in a unit of work, committed before this returns."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, self._run, work)

    def _run(self, work: Callable[[Session], T]) -> T:
        with self._database.unit_of_work(read_only=self._read_only) as session:
            session.info[REQUEST_STATE] = self._state
            result = work(session)
            _ensure_rechecked(session)
            return result


async def transaction(request: Request) -> Transaction:
    """The request's ``Transaction``."""
    return Transaction(request)


Transact = Annotated[Transaction, Depends(transaction)]
"""``await transact(work)``: the work and its commit in one hop (async endpoints)."""
