"""Credentials resolved without a threadpool hop, and re-checked inside the request's work.

The role gates of the API need the caller's ``Actor`` before the endpoint
runs. Reading it from the database there would cost every request a trip to
the threadpool and back, so each worker keeps the holders of recently seen
API tokens and browser sessions in memory (``HolderCache``, a minute at
most). A cached holder is never trusted alone: the request's unit of work
reads the credential again with one indexed query as its first statement
(a SQLAlchemy ``after_begin`` listener), inside the same transaction as the
work, so a revoked or expired token, a deactivated account or an ended
session is refused on the next request (ADR 0061) and nothing is read or
written for it. A holder whose role or enterprise changed meanwhile is
refused too (409, send the request again).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, event
from sqlalchemy.orm import Session, SessionTransaction

from reind.core.errors import ConflictError
from reind.programme.accounts.sessions import session_holder
from reind.programme.accounts.tokens import Holder, token_holder
from reind.programme.accounts.users import NotAuthenticatedError

CREDENTIAL = "reind_credential"
"""Attribute of ``request.state`` holding the request's ``Credential``."""
REQUEST_STATE = "reind.web.request_state"
"""Key in ``Session.info`` of the request state whose credential the session re-checks."""
TTL_SECONDS = 60.0
MAX_ENTRIES = 10_000


class AccountChangedError(ConflictError):
    """The account's role or enterprise changed while the request was being checked."""

    code = "account_changed"


@dataclass(frozen=True, slots=True)
class Credential:
    """A token's or a browser session's digest, and whom it stood for when checked."""

    key: tuple[str, ...]
    holder: Holder

    def look_up(self, connection: Session | Connection) -> Holder | None:
        """Who the credential stands for now, read from the database."""
        return look_up(connection, self.key)


def token_key(digest: str) -> tuple[str, ...]:
    """The cache key of an API token (by the SHA-256 of its secret)."""
    return ("token", digest)


def session_key(digest: str) -> tuple[str, ...]:
    """The cache key of a browser session (by the SHA-256 of its secret)."""
    return ("session", digest)


def look_up(connection: Session | Connection, key: tuple[str, ...]) -> Holder | None:
    """Who the credential ``key`` stands for now, or None."""
    if key[0] == "token":
        return token_holder(connection, key[1])
    return session_holder(connection, key[1])


class HolderCache:
    """Holders of recently seen credentials, each kept for ``ttl`` seconds."""

    def __init__(self, ttl: float = TTL_SECONDS, size: int = MAX_ENTRIES) -> None:
        self._ttl = ttl
        self._size = size
        self._entries: dict[tuple[str, ...], tuple[float, Holder]] = {}
        self._lock = threading.Lock()

    def get(self, key: tuple[str, ...]) -> Holder | None:
        """The cached holder, if it was seen less than ``ttl`` seconds ago."""
        entry = self._entries.get(key)
        if entry is None or entry[0] < time.monotonic():
            return None
        return entry[1]

    def put(self, key: tuple[str, ...], holder: Holder) -> None:
        """Remember ``holder`` for ``key``."""
        with self._lock:
            if len(self._entries) >= self._size:
                self._entries.clear()  # rare: many distinct credentials in a minute
            self._entries[key] = (time.monotonic() + self._ttl, holder)

    def drop(self, key: tuple[str, ...]) -> None:
        """Forget ``key`` (its credential failed the re-check)."""
        with self._lock:
            self._entries.pop(key, None)


holders = HolderCache()
"""This worker's cache."""


@event.listens_for(Session, "after_begin")
def _recheck(session: Session, _transaction: SessionTransaction, connection: Connection) -> None:
    state: Any = session.info.pop(REQUEST_STATE, None)
    if state is None:
        return
    credential: Credential | None = getattr(state, CREDENTIAL, None)
    if credential is None:
        return
    now = credential.look_up(connection)
    if now == credential.holder:
        return
    holders.drop(credential.key)
    if now is None:
        raise NotAuthenticatedError("the credentials are no longer valid: sign in again")
    raise AccountChangedError("your account changed while this request was checked: send it again")
