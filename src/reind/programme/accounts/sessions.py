"""Browser sessions held on the server, so that signing out really ends them.

A cookie that only carried the user's id was as good after sign-out as
before: a copied cookie kept working. Now the cookie carries a random
secret and the server keeps its SHA-256 in ``browser_sessions``; signing
out, an administrator's revocation, a password change or deactivation end
the row, and a session also ends after ``IDLE`` without a request or
``ABSOLUTE`` after sign-in, whichever comes first (ADR 0130).
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from reind.core.clock import Clock, SystemClock
from reind.core.db import is_busy
from reind.core.errors import ForbiddenError, NotFoundError
from reind.programme import audit
from reind.programme.accounts.store import BrowserSessionRow, UserRow
from reind.programme.accounts.tokens import Holder
from reind.programme.accounts.users import actor_of, get_user
from reind.programme.actors import Actor, Role
from reind.programme.permissions import Action, may

logger = logging.getLogger(__name__)

IDLE = timedelta(minutes=30)
"""A session not used for this long has ended."""
ABSOLUTE = timedelta(hours=12)
"""No session outlives this, however busy."""
TOUCH_EVERY = timedelta(minutes=1)
"""``last_seen_at`` is moved at most this often, so reads do not all become writes."""


def session_digest(secret: str) -> str:
    """The SHA-256 (hex) of a session secret: what the table keeps."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _aware(moment: datetime, now: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=now.tzinfo)


def start_browser_session(session: Session, user_id: str, clock: Clock | None = None) -> str:
    """A new session of the user; returns the secret for the cookie (kept nowhere else)."""
    user = get_user(session, user_id)
    secret = secrets.token_urlsafe(32)
    now = (clock or SystemClock()).now()
    session.add(
        BrowserSessionRow(
            user_id=user.id,
            secret_sha256=session_digest(secret),
            epoch=user.session_epoch,
            created_at=now,
            last_seen_at=now,
        )
    )
    session.flush()
    return secret


def end_browser_session(session: Session, digest: str, clock: Clock | None = None) -> None:
    """End the session whose secret has SHA-256 ``digest`` (signing out); no-op if unknown."""
    session.execute(
        update(BrowserSessionRow)
        .where(BrowserSessionRow.secret_sha256 == digest)
        .where(BrowserSessionRow.ended_at.is_(None))
        .values(ended_at=(clock or SystemClock()).now())
    )


def _find(
    connection: Session | Connection, digest: str, now: datetime
) -> tuple[Holder, datetime] | None:
    found = connection.execute(
        select(
            UserRow.id,
            UserRow.role,
            UserRow.person_id,
            UserRow.enterprise_id,
            BrowserSessionRow.created_at,
            BrowserSessionRow.last_seen_at,
        )
        .join(UserRow, UserRow.id == BrowserSessionRow.user_id)
        .where(BrowserSessionRow.secret_sha256 == digest)
        .where(BrowserSessionRow.ended_at.is_(None))
        .where(BrowserSessionRow.epoch == UserRow.session_epoch)
        .where(UserRow.active.is_(True))
    ).first()
    if found is None:
        return None
    user_id, role, person_id, enterprise_id, created, seen = found
    seen = _aware(seen, now)
    if _aware(created, now) + ABSOLUTE <= now or seen + IDLE <= now:
        return None
    return Holder(user_id, Actor(person_id or user_id, Role(role), enterprise_id)), seen


def session_holder(
    connection: Session | Connection, digest: str, clock: Clock | None = None
) -> Holder | None:
    """The holder of the browser session with SHA-256 ``digest``, or None if it has ended.

    One indexed query, read only (cheap enough to repeat as the first
    statement of every request): ended, idle, too old, an older epoch or an
    inactive account all give None.
    """
    found = _find(connection, digest, (clock or SystemClock()).now())
    return found[0] if found is not None else None


def use_browser_session(session: Session, digest: str, clock: Clock | None = None) -> Holder | None:
    """Like ``session_holder``, and note that the session was used now.

    ``last_seen_at`` moves at most once a ``TOUCH_EVERY``, so most requests
    only read; the idle timeout is counted from it.
    """
    now = (clock or SystemClock()).now()
    found = _find(session, digest, now)
    if found is None:
        return None
    holder, seen = found
    if seen + TOUCH_EVERY <= now:
        try:
            with session.begin_nested():
                session.execute(
                    update(BrowserSessionRow)
                    .where(BrowserSessionRow.secret_sha256 == digest)
                    .values(last_seen_at=now)
                )
        except OperationalError as busy:
            # A read-only unit of work on SQLite (a GET) may not take the write lock from a
            # writer; the mark waits for the next request rather than the reader for the writer.
            if not is_busy(busy):
                raise
            logger.debug("session last-seen mark skipped: a writer holds the database")
    return holder


@dataclass(frozen=True, slots=True)
class BrowserSessionView:
    """A session as an administrator sees it (never its secret or digest)."""

    id: str
    user_id: str
    created_at: datetime
    last_seen_at: datetime
    ended_at: datetime | None
    active: bool


def sessions_of(
    session: Session, user_id: str, actor: Actor, clock: Clock | None = None
) -> list[BrowserSessionView]:
    """Every session of a user, newest first (the user or an administrator)."""
    user = get_user(session, user_id)
    if not may(actor, Action.MANAGE_ACCOUNTS) and actor != actor_of(user):
        raise ForbiddenError("only the user or an administrator may list sessions")
    now = (clock or SystemClock()).now()
    rows = session.scalars(
        select(BrowserSessionRow)
        .where(BrowserSessionRow.user_id == user_id)
        .order_by(BrowserSessionRow.created_at.desc())
    ).all()
    views = []
    for row in rows:
        created, seen = _aware(row.created_at, now), _aware(row.last_seen_at, now)
        live = row.ended_at is None and user.active and row.epoch == user.session_epoch
        live = live and created + ABSOLUTE > now and seen + IDLE > now
        ended = _aware(row.ended_at, now) if row.ended_at is not None else None
        views.append(BrowserSessionView(row.id, row.user_id, created, seen, ended, live))
    return views


def revoke_browser_session(
    session: Session, session_id: str, actor: Actor, clock: Clock | None = None
) -> None:
    """End one session at once (the user or an administrator), recorded in the audit log."""
    row = session.get(BrowserSessionRow, session_id)
    if row is None:
        raise NotFoundError("no session {session_id}", session_id=session_id)
    user = get_user(session, row.user_id)
    if not may(actor, Action.MANAGE_ACCOUNTS) and actor != actor_of(user):
        raise ForbiddenError("only the user or an administrator may end a session")
    if row.ended_at is None:
        row.ended_at = (clock or SystemClock()).now()
        session.flush()
        audit.record_at_commit(
            session,
            actor,
            "account.session_revoked",
            "user",
            user.id,
            {"session_id": row.id},
            clock,
        )


def end_sessions_of(
    session: Session, user_id: str, actor: Actor, clock: Clock | None = None
) -> int:
    """End every live session of a user at once ("sign out everywhere"); how many ended.

    The user's epoch moves on too, so a session a worker still holds in its
    credential cache is refused on its next request, and the event is
    recorded in the audit log (by the user or an administrator).
    """
    user = get_user(session, user_id)
    if not may(actor, Action.MANAGE_ACCOUNTS) and actor != actor_of(user):
        raise ForbiddenError("only the user or an administrator may end a session")
    now = (clock or SystemClock()).now()
    live = (BrowserSessionRow.user_id == user.id) & BrowserSessionRow.ended_at.is_(None)
    ended = len(session.execute(select(BrowserSessionRow.id).where(live)).all())
    session.execute(update(BrowserSessionRow).where(live).values(ended_at=now))
    user.session_epoch += 1
    session.flush()
    audit.record_at_commit(
        session, actor, "account.sessions_ended", "user", user.id, {"ended": ended}, clock
    )
    return int(ended)
