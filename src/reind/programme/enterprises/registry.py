"""Services for the enterprise register: register, connect, contacts.

Connected enterprises (common ownership or control, as the applicant
declares them) form a group; cumulative caps count the whole group.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

from sqlalchemy import Table, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from reind.core.bulk import insert_rows
from reind.core.clock import Clock, SystemClock
from reind.core.errors import ConflictError, ForbiddenError, InvalidInputError, NotFoundError
from reind.core.integrity import problem_for
from reind.programme import audit
from reind.programme.actors import Actor
from reind.programme.applications.access import sees_enterprise
from reind.programme.enterprises.profile import EnterpriseProfile, normalise_br_number
from reind.programme.enterprises.store import ContactRow, EnterpriseLinkRow, EnterpriseRow
from reind.programme.ids import new_id
from reind.programme.permissions import Action, ensure
from reind.programme.uow import flush

_CHUNK = 500


def register_enterprise(
    session: Session, profile: EnterpriseProfile, actor: Actor, clock: Clock | None = None
) -> EnterpriseRow:
    """Add an enterprise to the register (one per BR number; officers and administrators)."""
    ensure(actor, Action.REGISTER_ENTERPRISES)
    (registered,) = register_enterprises(session, [profile], actor, clock)
    return session.get_one(EnterpriseRow, registered)


def register_enterprises(
    session: Session,
    profiles: Sequence[EnterpriseProfile],
    actor: Actor,
    clock: Clock | None = None,
) -> list[str]:
    """Register several enterprises at once (bulk imports): the same rules; their new ids.

    The rows go in with one Core insert (no ORM objects), so an import of
    20,000 enterprises holds none of them in memory.
    """
    ensure(actor, Action.REGISTER_ENTERPRISES)
    numbers = [p.br_number for p in profiles]
    taken: dict[str, str] = {}
    for start in range(0, len(numbers), _CHUNK):
        found = session.execute(
            select(EnterpriseRow.br_number, EnterpriseRow.id).where(
                EnterpriseRow.br_number.in_(numbers[start : start + _CHUNK])
            )
        )
        taken.update((br, id_) for br, id_ in found)
    now = (clock or SystemClock()).now()
    rows: list[dict[str, object]] = []
    for profile in profiles:
        if profile.br_number in taken:
            raise ConflictError(
                "an enterprise with BR number {br_number} is already registered",
                br_number=profile.br_number,
                enterprise_id=taken[profile.br_number],
            )
        row: dict[str, object] = {
            "id": new_id(),
            "br_number": profile.br_number,
            "name_en": profile.name_en.strip(),
            "name_zh": profile.name_zh.strip(),
            "incorporation": profile.incorporation.value,
            "listed": profile.listed,
            "employees": profile.employees,
            "manufacturing": profile.manufacturing,
            "industry": profile.industry.value,
            "created_at": now,
            "version": 1,  # the ORM's optimistic-locking counter starts at 1
        }
        taken[profile.br_number] = str(row["id"])
        rows.append(row)
    if not rows:
        return []
    try:
        insert_rows(session, cast(Table, EnterpriseRow.__table__), rows)
    except IntegrityError as exc:
        raise problem_for(exc, "the enterprise") from exc
    for written, profile in zip(rows, profiles, strict=True):
        audit.record_at_commit(
            session,
            actor,
            "enterprise.registered",
            "enterprise",
            str(written["id"]),
            {"br_number": written["br_number"], "name_en": written["name_en"], "sme": profile.sme},
            clock,
        )
    return [str(row["id"]) for row in rows]


def find_enterprise(session: Session, br_number: str) -> EnterpriseRow | None:
    """The enterprise with this BR number, if registered."""
    br = normalise_br_number(br_number)
    return session.execute(
        select(EnterpriseRow).where(EnterpriseRow.br_number == br)
    ).scalar_one_or_none()


def get_enterprise(session: Session, enterprise_id: str, actor: Actor) -> EnterpriseRow:
    """An enterprise by id; an applicant only sees its own."""
    ensure(actor, Action.READ_CASES)
    row = session.get(EnterpriseRow, enterprise_id)
    if row is None:
        raise NotFoundError("no enterprise {enterprise_id}", enterprise_id=enterprise_id)
    if not sees_enterprise(actor, row.id):
        raise ForbiddenError("you may only see your own enterprise")
    return row


def connect_enterprises(
    session: Session, enterprise_id: str, connected_id: str, relation: str, actor: Actor
) -> None:
    """Record that two enterprises are connected (counted together for caps)."""
    ensure(actor, Action.REGISTER_ENTERPRISES)
    if enterprise_id == connected_id:
        raise InvalidInputError("an enterprise cannot be connected to itself")
    for eid in (enterprise_id, connected_id):
        if session.get(EnterpriseRow, eid) is None:
            raise NotFoundError("no enterprise {eid}", eid=eid)
    first, second = sorted((enterprise_id, connected_id))
    session.add(EnterpriseLinkRow(enterprise_id=first, connected_id=second, relation=relation))
    flush(session, "the link")
    audit.record_at_commit(
        session,
        actor,
        "enterprise.connected",
        "enterprise",
        first,
        {"connected_id": second, "relation": relation},
    )


def connected_group(session: Session, enterprise_id: str) -> set[str]:
    """The enterprise and every enterprise connected to it, directly or not."""
    group = {enterprise_id}
    frontier = {enterprise_id}
    while frontier:
        links = session.execute(
            select(EnterpriseLinkRow).where(
                or_(
                    EnterpriseLinkRow.enterprise_id.in_(frontier),
                    EnterpriseLinkRow.connected_id.in_(frontier),
                )
            )
        ).scalars()
        found = {eid for link in links for eid in (link.enterprise_id, link.connected_id)}
        frontier = found - group
        group |= found
    return group


def add_contact(
    session: Session,
    enterprise_id: str,
    actor: Actor,
    *,
    name: str,
    position: str = "",
    email: str = "",
    phone: str = "",
) -> ContactRow:
    """Add a contact person to an enterprise (the applicant its own, or the office)."""
    ensure(actor, Action.EDIT_CONTACTS)
    get_enterprise(session, enterprise_id, actor)
    if not name.strip():
        raise InvalidInputError("a contact needs a name")
    if email and "@" not in email:
        raise InvalidInputError("not an e-mail address: “{email}”", email=email)
    row = ContactRow(
        enterprise_id=enterprise_id, name=name.strip(), position=position, email=email, phone=phone
    )
    session.add(row)
    flush(session, "the contact")
    audit.record_at_commit(
        session, actor, "enterprise.contact_added", "enterprise", enterprise_id, {"name": row.name}
    )
    return row


def contacts(session: Session, enterprise_id: str, actor: Actor) -> list[ContactRow]:
    """The enterprise's contacts."""
    ensure(actor, Action.READ_CASES)
    get_enterprise(session, enterprise_id, actor)
    return list(
        session.execute(
            select(ContactRow)
            .where(ContactRow.enterprise_id == enterprise_id)
            .order_by(ContactRow.id)
        ).scalars()
    )
