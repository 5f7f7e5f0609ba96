"""The register's read side: enterprises and contacts as frozen views.

Pages and the API read the register only through these functions
(``reind.web`` never imports ``store``); an applicant sees only its own
enterprise, by the same check as ``registry.get_enterprise``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from reind.core.errors import NotFoundError
from reind.programme.actors import Actor
from reind.programme.enterprises import registry
from reind.programme.enterprises.store import EnterpriseRow
from reind.programme.permissions import Action, ensure
from reind.programme.views import view_of


@dataclass(frozen=True, slots=True)
class EnterpriseView:
    """An enterprise on the register."""

    id: str
    br_number: str
    name_en: str
    name_zh: str
    incorporation: str
    listed: bool
    employees: int
    manufacturing: bool
    industry: str
    created_at: datetime
    version: int


@dataclass(frozen=True, slots=True)
class ContactView:
    """A contact person."""

    id: int
    name: str
    position: str
    email: str
    phone: str


def enterprise_view(row: object) -> EnterpriseView:
    """The view of an enterprise just registered."""
    return view_of(EnterpriseView, row)


def contact_view(row: object) -> ContactView:
    """The view of a contact just added."""
    return view_of(ContactView, row)


def enterprise(session: Session, enterprise_id: str, actor: Actor) -> EnterpriseView:
    """An enterprise by id (NotFoundError; ForbiddenError for another's applicant)."""
    ensure(actor, Action.READ_CASES)
    return enterprise_view(registry.get_enterprise(session, enterprise_id, actor))


def own_enterprise(session: Session, actor: Actor) -> EnterpriseView:
    """The applicant's own enterprise (NotFoundError when the account has none)."""
    ensure(actor, Action.USE_PORTAL)
    row = session.get(EnterpriseRow, actor.enterprise_id) if actor.enterprise_id else None
    if row is None:
        raise NotFoundError("your account is not linked to an enterprise")
    return enterprise_view(row)


def contacts(session: Session, enterprise_id: str, actor: Actor) -> list[ContactView]:
    """The enterprise's contact people, if ``actor`` may see the enterprise."""
    ensure(actor, Action.READ_CASES)
    return [contact_view(row) for row in registry.contacts(session, enterprise_id, actor)]


def by_ids(session: Session, ids: Iterable[str]) -> dict[str, EnterpriseView]:
    """The enterprises with these ids, by id (for pages listing their applications)."""
    wanted = set(ids)
    if not wanted:
        return {}
    rows = session.execute(select(EnterpriseRow).where(EnterpriseRow.id.in_(wanted))).scalars()
    return {row.id: enterprise_view(row) for row in rows}


def id_of_br_number(session: Session, br_number: str) -> str | None:
    """The id of the enterprise with this BR number (the auditor searches by it), or None."""
    return session.execute(
        select(EnterpriseRow.id).where(EnterpriseRow.br_number == br_number.strip())
    ).scalar_one_or_none()
