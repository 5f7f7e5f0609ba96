"""Who acts in the programme office: the roles and the Actor that carries one.

Plain values (standard library and ``core.errors`` only), imported by every service; no database.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from reind.core.errors import Words


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

    @property
    def as_words(self) -> Words:
        """The role in words of both languages, for a message's field."""
        return Words(self.value, self.words, _ROLE_ZH.get(self.value))


_ROLE_ZH = {
    "applicant": "申請者",
    "officer": "計劃人員",
    "assessor": "評審員",
    "committee_member": "委員會委員",
    "approver": "審批人員",
    "finance": "財務人員",
    "analyst": "分析員",
    "auditor": "審計人員",
    "administrator": "系統管理員",
    "plant_engineer": "廠房工程師",
    "system": "系統",
}


@dataclass(frozen=True, slots=True)
class Actor:
    """Who is acting, and in which role; ``enterprise_id`` for applicants."""

    id: str
    role: Role
    enterprise_id: str | None = None


SYSTEM = Actor("system", Role.SYSTEM)
"""The actor of imports and other batch work started by the system itself."""
