"""Who acts in the programme office: the roles and the Actor that carries one.

Plain values (standard library and ``core.errors`` only), imported by every service; no database.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from reind.core.errors import ForbiddenError


class Role(StrEnum):
    """The roles people and systems act in."""

    APPLICANT = "applicant"
    OFFICER = "officer"
    ASSESSOR = "assessor"
    COMMITTEE_MEMBER = "committee_member"
    APPROVER = "approver"
    FINANCE = "finance"
    ANALYST = "analyst"
    AUDITOR = "auditor"
    ADMINISTRATOR = "administrator"
    PLANT_ENGINEER = "plant_engineer"
    SYSTEM = "system"

    @property
    def words(self) -> str:
        """The role as people say it ("committee member"): messages never show the internal id."""
        return self.value.replace("_", " ")


@dataclass(frozen=True, slots=True)
class Actor:
    """Who is acting, and in which role; ``enterprise_id`` for applicants."""

    id: str
    role: Role
    enterprise_id: str | None = None


SYSTEM = Actor("system", Role.SYSTEM)
"""The actor of imports and other batch work started by the system itself."""


NO_PROGRAMME_ROLES = frozenset({Role.PLANT_ENGINEER})
"""Roles that read nothing of the programme (the plant engineer operates lines only)."""


def sees_enterprise(actor: Actor, enterprise_id: str | None) -> bool:
    """Whether ``actor`` may see the records of ``enterprise_id``: applicants only their own.

    Roles in ``NO_PROGRAMME_ROLES`` see no enterprise at all (``programme.permissions``).
    """
    if actor.role in NO_PROGRAMME_ROLES:
        return False
    return actor.role is not Role.APPLICANT or actor.enterprise_id == enterprise_id


STAFF = {Role.OFFICER, Role.ADMINISTRATOR, Role.SYSTEM}
"""Who may record ITVF, TSSSU and RTTP records."""


def ensure_staff(actor: Actor) -> None:
    """ForbiddenError unless ``actor`` is programme-office staff."""
    if actor.role not in STAFF:
        raise ForbiddenError(f"the {actor.role.words} role may not record this")
