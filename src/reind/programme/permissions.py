"""Who may do what in the programme office: one table of role x action, deny by default.

A programme office that pays public money separates duties: applicants act on
their own enterprise only, officers run cases, committee members see the
cases they are not conflicted on, finance sees money, auditors read and change
nothing, the plant engineer operates lines and reads nothing of the
programme, administrators manage accounts. The object rules (own enterprise,
not conflicted) are applied by the services on top of this table
(``applications.access``). ``docs/roles.md`` is generated from this table
(``role_guide``) and a test keeps it equal.

Plain values: imports only ``actors`` and ``core``.
"""

from __future__ import annotations

from enum import StrEnum

from reind.core.errors import ForbiddenError
from reind.programme.actors import NO_PROGRAMME_ROLES, Actor, Role


class Action(StrEnum):
    """Something a role may be allowed to do."""

    READ_CASES = "read_cases"
    EDIT_CONTACTS = "edit_contacts"
    FILE_REPORTS = "file_reports"
    READ_DOCUMENTS = "read_documents"
    OPERATE_PLANT = "operate_plant"
    WATCH_PLANT = "watch_plant"


ACTION_WORDS = {
    Action.READ_CASES: "read applications, screening, letters, agreements, ledgers, claims, "
    "enterprises and their contacts",
    Action.EDIT_CONTACTS: "add a contact person to an enterprise",
    Action.FILE_REPORTS: "file a progress, final or post-completion report under an agreement",
    Action.READ_DOCUMENTS: "open an applicant's supporting documents",
    Action.OPERATE_PLANT: "command a line's units, change its setpoints, act on its alarms "
    "(each recorded in the audit chain)",
    Action.WATCH_PLANT: "see the plant dashboard and its telemetry",
}
"""Each action in words, for the role guide."""

_CASE_READERS = frozenset(set(Role) - NO_PROGRAMME_ROLES)

PERMISSIONS: dict[Action, frozenset[Role]] = {
    Action.READ_CASES: _CASE_READERS,
    Action.EDIT_CONTACTS: frozenset(
        {Role.APPLICANT, Role.OFFICER, Role.ADMINISTRATOR, Role.SYSTEM}
    ),
    Action.FILE_REPORTS: frozenset({Role.APPLICANT, Role.OFFICER, Role.SYSTEM}),
    Action.READ_DOCUMENTS: frozenset(
        {
            Role.APPLICANT,
            Role.OFFICER,
            Role.ASSESSOR,
            Role.COMMITTEE_MEMBER,
            Role.APPROVER,
            Role.AUDITOR,
            Role.ADMINISTRATOR,
            Role.SYSTEM,
        }
    ),
    Action.OPERATE_PLANT: frozenset({Role.PLANT_ENGINEER}),
    Action.WATCH_PLANT: frozenset(
        {Role.PLANT_ENGINEER, Role.OFFICER, Role.ANALYST, Role.ADMINISTRATOR}
    ),
}
"""The table: each action and the roles allowed it. An action not listed is allowed to nobody."""

_REFUSALS = {
    Action.READ_CASES: ("your role does not read programme cases", "您的職能不可查閱計劃個案。"),
    Action.EDIT_CONTACTS: (
        "your role may not change an enterprise's contacts",
        "您的職能不可更改企業的聯絡人。",
    ),
    Action.FILE_REPORTS: (
        "your role may not file a project's reports",
        "您的職能不可提交項目報告。",
    ),
    Action.READ_DOCUMENTS: (
        "your role may not open applicants' documents",
        "您的職能不可開啟申請人的文件。",
    ),
    Action.OPERATE_PLANT: (
        "only a plant engineer may operate the line",
        "只有廠房工程師可操作生產線。",
    ),
    Action.WATCH_PLANT: (
        "your role may not use the plant dashboard",
        "您的職能不可使用廠房儀表板。",
    ),
}


def may(actor: Actor, action: Action) -> bool:
    """Whether ``actor``'s role is allowed ``action`` (before any object rule)."""
    return actor.role in PERMISSIONS.get(action, frozenset())


def ensure(actor: Actor, action: Action) -> None:
    """ForbiddenError unless ``actor``'s role is allowed ``action``; names no internal role."""
    if not may(actor, action):
        english, chinese = _REFUSALS[action]
        raise ForbiddenError(english, zh=chinese)


ROLE_WORDS = {
    Role.APPLICANT: "Applicant (own enterprise only)",
    Role.OFFICER: "Programme officer",
    Role.ASSESSOR: "Assessor (not where conflicted)",
    Role.COMMITTEE_MEMBER: "Committee member (not where conflicted)",
    Role.APPROVER: "Approver (committee chair)",
    Role.FINANCE: "Finance",
    Role.ANALYST: "Analyst",
    Role.AUDITOR: "Auditor",
    Role.ADMINISTRATOR: "Administrator",
    Role.PLANT_ENGINEER: "Plant engineer",
}


def role_guide() -> str:
    """``docs/roles.md``: the table above in words, one row per role."""
    actions = list(Action)
    head = "| role | " + " | ".join(a.value.replace("_", " ") for a in actions) + " |"
    rule = "|---" * (len(actions) + 1) + "|"
    rows = [
        f"| {words} | "
        + " | ".join("yes" if role in PERMISSIONS[a] else "—" for a in actions)
        + " |"
        for role, words in ROLE_WORDS.items()
    ]
    lines = [
        "# Roles and their duties",
        "",
        "Generated from `src/reind/programme/permissions.py` (`role_guide`); a test keeps",
        "this page equal to the table. Deny by default: an action not listed is allowed to",
        "nobody. On top of the table, the object rules: an applicant acts on its own",
        "enterprise only; an assessor or committee member does not see an application it",
        "declared a conflict with, nor that enterprise and its contacts.",
        "",
        *(f"- **{a.value.replace('_', ' ')}**: {ACTION_WORDS[a]}" for a in actions),
        "",
        head,
        rule,
        *rows,
        "",
    ]
    return "\n".join(lines)
