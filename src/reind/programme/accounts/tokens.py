"""API tokens of systems, and who holds a request (a token or a signed-in session).

Tokens are kept only as their SHA-256 digest; the secret is shown once, at issue.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Exists,
    Select,
    exists,
    func,
    literal_column,
    or_,
    select,
)
from sqlalchemy.orm import Session

from reind.core.clock import Clock, SystemClock
from reind.core.errors import (
    ConflictError,
    ForbiddenError,
    InvalidInputError,
    NotFoundError,
)
from reind.programme import audit
from reind.programme.accounts.store import ApiTokenRow, UserRow
from reind.programme.accounts.users import NotAuthenticatedError, actor_of, get_user
from reind.programme.actors import Actor, Role
from reind.programme.permissions import Action, may
from reind.programme.uow import flush

TOKEN_PREFIX = "reind_"  # noqa: S105 - a public marker, not a secret
"""Every API token starts with this, so secret scanners can recognise a leaked one."""


def token_digest(secret: str) -> str:
    """SHA-256 (hex) of an API token's secret: what the database keeps."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def issue_token(
    session: Session,
    user_id: str,
    name: str,
    actor: Actor,
    *,
    expires_at: datetime | None = None,
    clock: Clock | None = None,
) -> tuple[ApiTokenRow, str]:
    """A new API token for a user, and its secret (shown this once, never stored)."""
    user = get_user(session, user_id)
    if not may(actor, Action.MANAGE_ACCOUNTS) and actor != actor_of(user):
        raise ForbiddenError("only the user or an administrator may issue a token")
    if not user.active:
        raise ConflictError("the account is not active")
    if not name.strip():
        raise InvalidInputError("a token needs a name saying what uses it")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiTokenRow(
        user_id=user.id,
        name=name.strip(),
        prefix=secret[: len(TOKEN_PREFIX) + 6],
        secret_sha256=token_digest(secret),
        created_at=(clock or SystemClock()).now(),
        expires_at=expires_at,
    )
    session.add(row)
    flush(session, "the token")
    audit.record_at_commit(
        session,
        actor,
        "account.token_issued",
        "user",
        user.id,
        {"token_id": row.id, "name": row.name, "prefix": row.prefix},
        clock,
    )
    return row, secret


def user_for_token(session: Session, secret: str, clock: Clock | None = None) -> UserRow:
    """The active user an API token belongs to, or NotAuthenticatedError."""
    found = session.execute(
        select(ApiTokenRow, UserRow)
        .join(UserRow, UserRow.id == ApiTokenRow.user_id)
        .where(ApiTokenRow.secret_sha256 == token_digest(secret))
    ).first()
    if found is None:
        raise NotAuthenticatedError("the API token is not valid")
    token, user = found
    now = (clock or SystemClock()).now()
    expires = token.expires_at
    if expires is not None and expires.tzinfo is None:
        expires = expires.replace(tzinfo=now.tzinfo)  # SQLite drops the zone
    if token.revoked_at is not None or (expires is not None and expires <= now):
        raise NotAuthenticatedError("the API token is not valid")
    if not user.active:
        raise NotAuthenticatedError("the API token is not valid")
    return user


@dataclass(frozen=True, slots=True)
class Holder:
    """Who a credential (API token or browser session) stands for, read without the ORM."""

    user_id: str
    actor: Actor


_ACTOR_ID: ColumnElement[str] = func.coalesce(
    func.nullif(UserRow.person_id, literal_column("''")), UserRow.id
)
"""The id a user acts under: its person's, or its own."""


def holder_query(digest: Any, now: Any) -> Select[str, str, str, str | None]:
    """(user id, role, actor id, enterprise id) of the valid API token with SHA-256 ``digest``.

    The one token check: the ORM path runs it with values, the API's
    single-statement path (``web.hot_path``) compiles it with placeholders.
    A token is valid while it is not revoked, its user is active and it has
    not expired by ``now``.
    """
    return (
        select(UserRow.id, UserRow.role, _ACTOR_ID, UserRow.enterprise_id)
        .select_from(ApiTokenRow)
        .join(UserRow, UserRow.id == ApiTokenRow.user_id)
        .where(ApiTokenRow.secret_sha256 == digest)
        .where(ApiTokenRow.revoked_at.is_(None))
        .where(UserRow.active.is_(True))
        .where(or_(ApiTokenRow.expires_at.is_(None), ApiTokenRow.expires_at > now))
    )


def holder_guard(
    digest: Any, now: Any, user_id: Any, role: Any, actor_id: Any, enterprise_id: Any
) -> Exists:
    """True while the token ``digest`` is valid and still stands for that same holder.

    The single-statement writes and reads put it in the statement that does
    the work, so a revoked token or a changed account is refused at once.
    """
    return exists(
        holder_query(digest, now)
        .where(UserRow.id == user_id)
        .where(UserRow.role == role)
        .where(_ACTOR_ID == actor_id)
        .where(UserRow.enterprise_id.is_not_distinct_from(enterprise_id))
    )


def token_holder(
    session: Session | Connection, digest: str, clock: Clock | None = None
) -> Holder | None:
    """The holder of the API token with SHA-256 ``digest``, or None if it is not valid now.

    One indexed query returning plain columns (no identity map), cheap enough
    to repeat on every request: revocation, expiry and deactivation take
    effect on the next request.
    """
    now = (clock or SystemClock()).now()
    found = session.execute(holder_query(digest, now)).first()
    if found is None:
        return None
    user_id, role, actor_id, enterprise_id = found
    return Holder(user_id, Actor(actor_id, Role(role), enterprise_id))


def revoke_token(
    session: Session, token_id: str, actor: Actor, clock: Clock | None = None
) -> ApiTokenRow:
    """Revoke a token at once (the user or an administrator)."""
    token = session.get(ApiTokenRow, token_id)
    if token is None:
        raise NotFoundError("no token {token_id}", token_id=token_id)
    user = get_user(session, token.user_id)
    if not may(actor, Action.MANAGE_ACCOUNTS) and actor != actor_of(user):
        raise ForbiddenError("only the user or an administrator may revoke a token")
    if token.revoked_at is None:
        token.revoked_at = (clock or SystemClock()).now()
        flush(session, "the token")
        audit.record_at_commit(
            session, actor, "account.token_revoked", "user", user.id, {"token_id": token.id}, clock
        )
    return token


def tokens_of(session: Session, user_id: str, actor: Actor) -> list[ApiTokenRow]:
    """Every API token of a user, newest first (the user or an administrator)."""
    user = get_user(session, user_id)
    if not may(actor, Action.MANAGE_ACCOUNTS) and actor != actor_of(user):
        raise ForbiddenError("only the user or an administrator may list tokens")
    return list(
        session.scalars(
            select(ApiTokenRow)
            .where(ApiTokenRow.user_id == user_id)
            .order_by(ApiTokenRow.created_at.desc())
        )
    )
