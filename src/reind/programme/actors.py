"""Who acts in the programme office: the roles and the Actor that carries one.

Plain values (standard library and ``core.errors`` only), imported by every service; no database.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


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
