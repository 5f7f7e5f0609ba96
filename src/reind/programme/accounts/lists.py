"""The administrator's list of accounts: a page at a time, searched and filtered.

The register of users is small next to the applications (hundreds, not
hundreds of thousands), but it is read the way every office list is: one
keyset page on ``(email, id)`` (``reind.core.paging``), with a count, so
the page costs the same however many accounts there are. The search finds
a piece of the e-mail address or the display name, in any case.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from reind.core.paging import Page, after, clamp_limit, decode_cursor, like_pattern, page_of
from reind.programme.accounts import staff
from reind.programme.accounts.store import UserRow
from reind.programme.actors import Actor
from reind.programme.permissions import Action, ensure


@dataclass(frozen=True, slots=True)
class UserFilters:
    """What a list of accounts is narrowed to (None: not narrowed)."""

    q: str | None = None
    role: str | None = None
    active: bool | None = None


@dataclass(frozen=True, slots=True)
class UserItem:
    """One line of the list of accounts (never the password hash)."""

    id: str
    email: str
    display_name: str
    role: str
    enterprise_id: str | None
    active: bool
    created_at: datetime


def list_users(
    session: Session,
    actor: Actor,
    filters: UserFilters,
    *,
    cursor: str | None = None,
    limit: int | None = None,
) -> Page[UserItem]:
    """One page of the accounts matching ``filters``, by e-mail address (administrators)."""
    ensure(actor, Action.MANAGE_ACCOUNTS)
    size = clamp_limit(limit)
    where: list[Any] = []
    if filters.q and filters.q.strip():
        pattern = like_pattern(filters.q.strip().lower())
        where.append(
            func.lower(UserRow.email).like(pattern, escape="\\")
            | func.lower(UserRow.display_name).like(pattern, escape="\\")
        )
    if filters.role:
        where.append(UserRow.role == filters.role)
    if filters.active is not None:
        where.append(UserRow.active.is_(filters.active))
    total = session.execute(select(func.count()).select_from(UserRow).where(*where)).scalar_one()
    start = decode_cursor(cursor, 2)
    if start is not None:
        where.append(after([UserRow.email, UserRow.id], start))
    rows = session.execute(
        select(
            UserRow.id,
            UserRow.email,
            UserRow.display_name,
            UserRow.role,
            UserRow.enterprise_id,
            UserRow.active,
            UserRow.created_at,
        )
        .where(*where)
        .order_by(UserRow.email, UserRow.id)
        .limit(size + 1)
    ).all()
    return page_of(
        [UserItem(*cast(Any, r)) for r in rows], size, int(total), lambda u: [u.email, u.id]
    )


def names_of(session: Session, actor: Actor, actor_ids: set[str]) -> dict[str, str]:
    """The display names of the accounts acting under ``actor_ids``, for an administrator.

    The look-up is ``accounts.staff.names_of``; this adds the duty check.
    """
    ensure(actor, Action.MANAGE_ACCOUNTS)
    return staff.names_of(session, actor_ids)
