"""Matching a file's enterprises to the register by BR number, never silently.

A BR number already registered with the same facts is simply linked. If the
file gives a different name, incorporation, size or industry, the import
shows every difference and refuses, unless it was told to ``update`` the
stored record (audited as ``enterprise.updated``) or to ``keep`` it. Rows of
one file that give the same BR number must agree with each other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from reind.programme.enterprises.profile import Incorporation, Industry
from reind.programme.enterprises.store import EnterpriseRow
from reind.programme.imports.cells import RowCheck

Matching = Literal["refuse", "update", "keep"]
MATCHING: tuple[Matching, ...] = ("refuse", "update", "keep")
CHUNK = 500


@dataclass(frozen=True, slots=True)
class EnterpriseFacts:
    """What a row says about its enterprise."""

    br_number: str
    name_en: str
    incorporation: Incorporation
    employees: int
    manufacturing: bool
    industry: Industry

    def columns(self) -> dict[str, object]:
        """The facts by the file's column names, in the stored form."""
        return {
            "enterprise_name": self.name_en.strip(),
            "incorporation": self.incorporation.value,
            "employees": self.employees,
            "manufacturing": self.manufacturing,
            "industry": self.industry.value,
        }


STORED = {
    "enterprise_name": "name_en",
    "incorporation": "incorporation",
    "employees": "employees",
    "manufacturing": "manufacturing",
    "industry": "industry",
}
"""The file's column -> the register's field."""


@dataclass(slots=True)
class EnterprisePlan:
    """What the import does with one BR number: link, register, or update the stored row.

    Only the stored id is kept (not the row), so a file of 20,000 enterprises
    holds no ORM objects; ``changes`` are the stored facts the file updates,
    emptied once written.
    """

    facts: EnterpriseFacts
    id: str | None
    changes: dict[str, tuple[object, object]] = field(default_factory=dict)


def differences(facts: EnterpriseFacts, row: EnterpriseRow) -> dict[str, tuple[object, object]]:
    """column -> (stored, file) for each fact the file gives differently."""
    found: dict[str, tuple[object, object]] = {}
    for column, value in facts.columns().items():
        stored = getattr(row, STORED[column])
        if stored != value:
            found[column] = (stored, value)
    return found


def update_enterprise(session: Session, plan: EnterprisePlan) -> str:
    """Apply ``plan.changes`` to the stored enterprise; its id."""
    stored = session.get_one(EnterpriseRow, plan.id)
    for column, (_, value) in plan.changes.items():
        setattr(stored, STORED[column], value)
    return stored.id


class EnterprisePlans:
    """The plan of every BR number met so far in a file, built chunk by chunk."""

    def __init__(self, matching: Matching) -> None:
        self.matching = matching
        self.plans: dict[str, EnterprisePlan] = {}
        self._first: dict[str, int] = {}

    def match(
        self, session: Session, rows: list[tuple[int, EnterpriseFacts]], check: RowCheck
    ) -> dict[str, EnterprisePlan]:
        """Every plan so far by BR number, these rows' included; problems noted in ``check``."""
        plans = self.plans
        numbers = sorted({facts.br_number for _, facts in rows} - plans.keys())
        stored: dict[str, EnterpriseRow] = {}
        for start in range(0, len(numbers), CHUNK):
            part = numbers[start : start + CHUNK]
            found = session.execute(select(EnterpriseRow).where(EnterpriseRow.br_number.in_(part)))
            stored.update((row.br_number, row) for row in found.scalars())
        for number, facts in rows:
            plan = plans.get(facts.br_number)
            if plan is not None:
                if plan.facts != facts:
                    _disagree(check, number, self._first[facts.br_number], plan.facts, facts)
                continue
            self._first[facts.br_number] = number
            row = stored.get(facts.br_number)
            plan = EnterprisePlan(facts, row.id if row is not None else None)
            plans[facts.br_number] = plan
            if row is None:
                continue
            changes = differences(facts, row)
            if changes and self.matching == "update":
                plan.changes = changes
            elif changes and self.matching == "refuse":
                _refuse(check, number, facts.br_number, changes)
        return plans


def _listing(changes: dict[str, tuple[object, object]], zh: bool) -> str:
    if zh:
        return "；".join(f"{c}：已儲存 {s!r}，檔案 {f!r}" for c, (s, f) in changes.items())
    return "; ".join(f"{c}: stored {s!r}, file {f!r}" for c, (s, f) in changes.items())


def _refuse(
    check: RowCheck, number: int, br: str, changes: dict[str, tuple[object, object]]
) -> None:
    column = next(iter(changes))
    check.add(
        number,
        column,
        f"BR number {br} is registered with other details ({_listing(changes, False)}); "
        "import with --enterprises update to update the register, "
        "or --enterprises keep to keep the stored record",
        f"商業登記號碼 {br} 已登記，但資料不同（{_listing(changes, True)}）；"
        "如要更新登記資料，請以 --enterprises update 匯入；"
        "如要保留已儲存資料，請用 --enterprises keep",
        str(changes[column][1]),
    )


def _disagree(
    check: RowCheck, number: int, earlier: int, first: EnterpriseFacts, facts: EnterpriseFacts
) -> None:
    theirs = first.columns()
    changes = {c: (theirs[c], v) for c, v in facts.columns().items() if theirs[c] != v}
    column = next(iter(changes))
    en = "; ".join(f"{c}: {a!r} there, {b!r} here" for c, (a, b) in changes.items())
    zh = "；".join(f"{c}：該行為 {a!r}，此行為 {b!r}" for c, (a, b) in changes.items())
    check.add(
        number,
        column,
        f"BR number {facts.br_number} is given with other details on row {earlier} ({en})",
        f"商業登記號碼 {facts.br_number} 於第 {earlier} 行的資料不同（{zh}）",
        str(changes[column][1]),
    )
