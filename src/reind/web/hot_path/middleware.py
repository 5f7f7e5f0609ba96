"""The five busiest API requests, served before FastAPI when they can be (ADR 0091).

An ASGI layer in front of the application, on PostgreSQL only. It serves
reading an application, its cost lines and an enterprise, creating a draft
application and recording an enquiry, each with one statement over asyncpg
(``web.hot_path.sql``), and hands every other request - and every one of
these it cannot finish - to the FastAPI application unchanged.

It answers only the ordinary success: a bearer token whose holder may do
this, a well-formed JSON body, a record that exists and may be seen. Anything
else (no token or a cookie session, a token no longer valid, a holder that
changed, an applicant asking for another enterprise's record, a committee
member or assessor (conflicts of interest), an invalid body, a reused
idempotency key, any error from the database) goes to the ORM path, which
gives the answer it always gives. Nothing is written before that hand-on:
each write is one statement that writes everything or nothing. The checks
and values come from the same functions the ORM path uses, and the
responses from the same response models, so both paths answer alike; the
parity tests hold them to it.

The asyncpg pool is opened when the server starts (the ASGI lifespan) in
the loop that serves requests, and closed when it stops; without a lifespan
(a test client used outside ``with``) every request takes the ORM path.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import asyncpg
from pydantic import BaseModel, TypeAdapter, ValidationError
from sqlalchemy.engine import make_url
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from reind.core.errors import ReindError
from reind.programme.accounts.tokens import Holder, token_digest
from reind.programme.applications.access import CONFLICT_ROLES, Sight, sees_enterprise, sight
from reind.programme.applications.services import prepare_application
from reind.programme.audit.chain import event_fields
from reind.programme.desk.services import prepare_enquiry
from reind.rules.engine import Engine
from reind.web.api.application_schemas import (
    ApplicationCreate,
    CostLinePublic,
    application_public,
    cost_line_public,
    draft_of,
    enterprise_public,
)
from reind.web.api.common import etag
from reind.web.api.desk import EnquiryCreate, EnquiryPublic
from reind.web.credentials import holders, token_key
from reind.web.hot_path import sql as fast_sql
from reind.web.problems import problem_of

logger = logging.getLogger(__name__)
T = TypeVar("T")

API = "/api/v1/"
MAX_BODY_BYTES = 64 * 1024
"""Bodies larger than this (a draft with hundreds of cost lines) take the ORM path."""
POOL_SIZE = 10
"""Connections per worker: writes wait on the audit head, reads need few."""
JSON = b"application/json"
_COST_LINES = TypeAdapter(list[CostLinePublic])


@dataclass
class HotPathCounts:
    """How many requests each path answered (kept on ``app.state.hot_path``)."""

    served: int = 0
    handed_on: int = 0


@dataclass(frozen=True, slots=True)
class _Answer:
    status: int
    body: bytes
    headers: tuple[tuple[bytes, bytes], ...] = ()


@dataclass(frozen=True, slots=True)
class _Request:
    path: tuple[str, ...]
    digest: str
    holder: Holder
    body: bytes
    idempotency_key: str | None


class WriteUncertainError(ReindError):
    """The database connection failed during a write, which may or may not have been stored."""

    code = "write_uncertain"
    status = 503
    title = "Try again"


_Handler = Callable[["HotPath", fast_sql.Pool, _Request], Awaitable[_Answer | None]]


def asyncpg_dsn(url: str) -> str | None:
    """The asyncpg DSN of a SQLAlchemy PostgreSQL URL; None for any other database."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        return None
    return parsed.set(drivername="postgresql").render_as_string(hide_password=False)


class HotPath:
    """ASGI middleware: the busiest requests in one statement each, the rest to ``app``."""

    def __init__(self, app: ASGIApp, dsn: str, counts: HotPathCounts, engine: Engine) -> None:
        self.app = app
        self.dsn = dsn
        self.engine = engine
        self.counts = counts
        self._pool: fast_sql.Pool | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve the request here if it is one of the five and all is ordinary."""
        if scope["type"] == "lifespan":
            await self.app(scope, self._watch_lifespan(receive), send)
            return
        route = _route(scope) if scope["type"] == "http" else None
        pool = self._pool
        if route is None or pool is None or asyncio.get_running_loop() is not self._loop:
            await self.app(scope, receive, send)
            return
        handler, path = route
        request, receive = await self._request(scope, receive, pool, path)
        answer = None
        if request is not None:
            try:
                answer = await handler(self, pool, request)
            except WriteUncertainError as exc:
                answer = _problem(exc, scope)
        if answer is None:
            self.counts.handed_on += 1
            await self.app(scope, receive, send)
            return
        self.counts.served += 1
        headers = [
            (b"content-length", str(len(answer.body)).encode()),
            (b"content-type", JSON if answer.status < 400 else b"application/problem+json"),
            *answer.headers,
        ]
        await send({"type": "http.response.start", "status": answer.status, "headers": headers})
        await send({"type": "http.response.body", "body": answer.body})

    def _watch_lifespan(self, receive: Receive) -> Receive:
        async def watched() -> Message:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await self._open()
            elif message["type"] == "lifespan.shutdown":
                await self._close()
            return message

        return watched

    async def _open(self) -> None:
        # min_size=0: nothing connects until the first request, so a server starting before
        # its database does not fail; the pool lives in the loop serving requests.
        self._pool = await asyncpg.create_pool(
            self.dsn, min_size=0, max_size=POOL_SIZE, max_inactive_connection_lifetime=60
        )
        self._loop = asyncio.get_running_loop()

    async def _close(self) -> None:
        pool, self._pool, self._loop = self._pool, None, None
        if pool is not None:
            await pool.close()

    async def _request(
        self, scope: Scope, receive: Receive, pool: fast_sql.Pool, path: tuple[str, ...]
    ) -> tuple[_Request | None, Receive]:
        """The request if it qualifies (token, holder, body read), and the receive to pass on."""
        headers = dict(scope["headers"])
        authorization = headers.get(b"authorization", b"")
        scheme, _, secret = authorization.partition(b" ")
        if scheme.lower() != b"bearer" or not secret.strip():
            return None, receive
        body = b""
        if scope["method"] == "POST":
            length = headers.get(b"content-length", b"")
            media = headers.get(b"content-type", b"").split(b";")[0].strip()
            if media != JSON or not length.isdigit() or int(length) > MAX_BODY_BYTES:
                return None, receive
            body, receive = await _read_body(receive)
        digest = token_digest(secret.strip().decode("latin-1"))
        key = token_key(digest)
        holder = holders.get(key)
        if holder is None:
            try:
                holder = await fast_sql.token_holder(pool, digest)
            except (asyncpg.PostgresError, OSError, asyncpg.InterfaceError) as exc:
                logger.warning("hot path: token look-up failed (%s); using the ORM path", exc)
                return None, receive
            if holder is None:
                return None, receive  # the ORM path answers 401
            holders.put(key, holder)
        key_header = headers.get(b"idempotency-key")
        idempotency_key = None if key_header is None else key_header.decode("latin-1")
        return _Request(path, digest, holder, body, idempotency_key), receive

    async def read(self, work: Awaitable[T]) -> T | None:
        """Await a read; None (take the ORM path) if the database fails."""
        try:
            return await work
        except (asyncpg.PostgresError, OSError, asyncpg.InterfaceError) as exc:
            logger.warning("hot path: read failed (%s); using the ORM path", exc)
            return None

    async def write(self, work: Awaitable[int | None]) -> int | None:
        """Await a write statement: its event's seq, None if nothing was written.

        A server error rolled the statement back, so the ORM path may try; a
        lost connection leaves it unknown whether the commit happened, so the
        client is told to send it again (idempotency keys make that safe).
        """
        try:
            return await work
        except asyncpg.PostgresError as exc:
            logger.warning("hot path: write refused (%s); using the ORM path", exc)
            return None
        except (OSError, asyncpg.InterfaceError) as exc:
            logger.error("hot path: connection lost during a write (%s)", exc)
            raise WriteUncertainError(
                "the connection to the database was lost while this was being stored, so it "
                "may or may not have been: send it again with the same Idempotency-Key (a "
                "request without one may then be stored twice: look for it first)"
            ) from exc


async def _read_body(receive: Receive) -> tuple[bytes, Receive]:
    """Read the whole body; a receive that replays it for the application."""
    chunks: list[bytes] = []
    more = True
    while more:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        more = message.get("more_body", False)
    body = b"".join(chunks)
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return body, replay


def _route(scope: Scope) -> tuple[_Handler, tuple[str, ...]] | None:
    """The handler of one of the five requests, with the path's parts after ``/api/v1/``."""
    path: str = scope["path"]
    if not path.startswith(API):
        return None
    parts = tuple(path[len(API) :].split("/"))
    method = scope["method"]
    handler: _Handler | None = None
    if method == "GET" and len(parts) == 2 and parts[1]:
        handler = {"applications": _get_application, "enterprises": _get_enterprise}.get(parts[0])
    elif method == "GET" and len(parts) == 3 and parts[0] == "applications" and parts[1]:
        handler = _get_cost_lines if parts[2] == "cost-lines" else None
    elif method == "POST" and len(parts) == 1:
        handler = {"applications": _create_application, "enquiries": _record_enquiry}.get(parts[0])
    return None if handler is None else (handler, parts)


def _json(content: BaseModel | list[CostLinePublic], status: int = 200, **headers: str) -> _Answer:
    """JSON as FastAPI renders a response model: by pydantic's own serialiser."""
    if isinstance(content, BaseModel):
        body = content.model_dump_json().encode()
    else:
        body = _COST_LINES.dump_json(content)
    pairs = tuple((k.lower().encode(), v.encode()) for k, v in headers.items())
    return _Answer(status, body, pairs)


def _problem(exc: ReindError, scope: Scope) -> _Answer:
    """The ORM path's own problem body (the reader's language, both given) for ``exc``."""
    return _Answer(exc.status, bytes(problem_of(Request(scope), exc).body))


async def _get_application(hot: HotPath, pool: fast_sql.Pool, request: _Request) -> _Answer | None:
    actor = request.holder.actor
    view = await hot.read(
        fast_sql.read_application(pool, request.digest, request.holder, request.path[1])
    )
    if view is None or sight(actor, view.enterprise_id) is not Sight.SEEN:
        return None  # conflicts of interest and refusals: the ORM path decides
    return _json(application_public(view, actor), ETag=etag(view.version))


async def _get_cost_lines(hot: HotPath, pool: fast_sql.Pool, request: _Request) -> _Answer | None:
    actor = request.holder.actor
    found = await hot.read(
        fast_sql.read_cost_lines(pool, request.digest, request.holder, request.path[1])
    )
    if found is None:
        return None
    enterprise_id, lines = found
    if sight(actor, enterprise_id) is not Sight.SEEN:
        return None
    return _json([cost_line_public(line) for line in lines])


async def _get_enterprise(hot: HotPath, pool: fast_sql.Pool, request: _Request) -> _Answer | None:
    enterprise_id = request.path[1]
    actor = request.holder.actor
    if not sees_enterprise(actor, enterprise_id) or actor.role in CONFLICT_ROLES:
        return None  # refusals and conflicts of interest: the ORM path decides
    view = await hot.read(
        fast_sql.read_enterprise(pool, request.digest, request.holder, enterprise_id)
    )
    if view is None:
        return None
    return _json(enterprise_public(view), ETag=etag(view.version))


def _parsed(model: type[BaseModel], body: bytes) -> Any:
    """The body validated as the ORM path's endpoint would (JSON, then the model); or None."""
    try:
        return model.model_validate(json.loads(body))
    except (ValueError, ValidationError, ReindError):
        return None  # the ORM path gives the full answer (a system-owned field's 422 among them)


async def _create_application(
    hot: HotPath, pool: fast_sql.Pool, request: _Request
) -> _Answer | None:
    key = request.idempotency_key
    if key is not None and not 8 <= len(key) <= 100:
        return None
    body = _parsed(ApplicationCreate, request.body)
    if not isinstance(body, ApplicationCreate):
        return None
    actor = request.holder.actor
    try:
        new = prepare_application(draft_of(body), actor, idempotency_key=key, engine=hot.engine)
    except ReindError:
        return None
    event = event_fields(actor, "application.created", "application", new.id, new.audit_payload)
    stored = await hot.write(
        fast_sql.insert_application(pool, request.digest, request.holder, new, event)
    )
    if stored is None:
        return None
    return _json(
        application_public(new, actor),
        201,
        Location=f"/api/v1/applications/{new.id}",
        ETag=etag(new.version),
    )


async def _record_enquiry(hot: HotPath, pool: fast_sql.Pool, request: _Request) -> _Answer | None:
    body = _parsed(EnquiryCreate, request.body)
    if not isinstance(body, EnquiryCreate):
        return None
    actor = request.holder.actor
    try:
        new = prepare_enquiry(actor, **body.model_dump())
    except ReindError:
        return None
    event = event_fields(actor, "enquiry.recorded", "enquiry", new.id, new.audit_payload)
    stored = await hot.write(
        fast_sql.insert_enquiry(pool, request.digest, request.holder, new, event)
    )
    if stored is None:
        return None
    return _json(EnquiryPublic.model_validate(new), 201, ETag=etag(new.version))
