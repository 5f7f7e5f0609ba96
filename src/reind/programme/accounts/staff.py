"""The office's people a case can be given to: active officers and assessors, by actor id.

A case is assigned to the actor id a person acts as (``users.actor_of``: the
person id if the account has one, else the account's id), since that is what
the object rules compare with the signed-in actor. Other aggregates ask here
rather than reading the users table (``accounts.store`` is this package's).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from reind.programme.accounts.store import UserRow
from reind.programme.actors import Role


@dataclass(frozen=True, slots=True)
class StaffMember:
    """One active member of staff as a case's assignee: who they act as, and their name."""

    actor_id: str
    name: str
    role: Role


def _member(row: UserRow) -> StaffMember:
    return StaffMember(row.person_id or row.id, row.display_name, Role(row.role))


def staff_in(session: Session, role: Role) -> list[StaffMember]:
    """The active people holding ``role``, by name: whom a case can be assigned to."""
    rows = session.execute(
        select(UserRow)
        .where(UserRow.role == role.value)
        .where(UserRow.active.is_(True))
        .order_by(func.lower(UserRow.display_name), UserRow.id)
    ).scalars()
    return [_member(row) for row in rows]


def staff_member(session: Session, actor_id: str) -> StaffMember | None:
    """The active person acting as ``actor_id`` (a person id or an account id), if any."""
    row = session.execute(
        select(UserRow)
        .where(or_(UserRow.person_id == actor_id, UserRow.id == actor_id))
        .where(UserRow.active.is_(True))
        .limit(1)
    ).scalar_one_or_none()
    return None if row is None else _member(row)


def names_of(session: Session, actor_ids: set[str]) -> dict[str, str]:
    """The display name of each of ``actor_ids`` held by an account (active or not), keyed by
    the id asked: the person an account acts as, or the account itself (the log records
    people as actors and accounts as the subjects of their own events)."""
    if not actor_ids:
        return {}
    rows = session.execute(
        select(UserRow.id, UserRow.person_id, UserRow.display_name).where(
            or_(UserRow.person_id.in_(actor_ids), UserRow.id.in_(actor_ids))
        )
    ).all()
    return {key: name for user, person, name in rows for key in (user, person) if key in actor_ids}


def actor_ids_named(session: Session, text: str) -> tuple[str, ...]:
    """The actor ids of the accounts (active or not) ``text`` names: by e-mail address (in
    any case), by exact display name (two people may share one), or by account or person id.
    The auditor knows a person by name, the log by the id they act as."""
    wanted = text.strip()
    rows = session.execute(
        select(UserRow.id, UserRow.person_id)
        .where(
            or_(
                func.lower(UserRow.email) == wanted.lower(),
                UserRow.display_name == wanted,
                UserRow.id == wanted,
                UserRow.person_id == wanted,
            )
        )
        .order_by(UserRow.id)
    ).all()
    return tuple(person or user for user, person in rows)
