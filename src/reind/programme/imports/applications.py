"""Bulk import of historical applications, their enterprises and ledgers (ADR 0034).

Every row is read and checked first, as the service would check it (lengths,
allowed values, dates not in the future, state against money, award against
the amount applied for, an existing enterprise against the row); only a
clean file is written (``application_writes``). The file's ``reference`` is
the natural key: a row already stored unchanged is left alone, a changed one
is an update, audited as such.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from sqlalchemy.orm import Session

from reind.core.clock import hk_today
from reind.core.errors import ReindError
from reind.core.money import Money
from reind.programme.actors import Actor
from reind.programme.applications.store import ApplicationRow
from reind.programme.applications.workflow import workflow_for
from reind.programme.enterprises.profile import Incorporation, Industry
from reind.programme.enterprises.store import EnterpriseRow
from reind.programme.imports import cells
from reind.programme.imports.application_writes import (
    ApplicationWriter,
    StoredApplication,
    revised_ledger,
    stored_applications,
)
from reind.programme.imports.cells import RowCheck
from reind.programme.imports.consistency import money_states
from reind.programme.imports.enterprise_match import (
    EnterpriseFacts,
    EnterprisePlan,
    EnterprisePlans,
    Matching,
)
from reind.programme.imports.problems import ImportRejectedError
from reind.programme.imports.reading import Table
from reind.programme.imports.rows import ImportReport
from reind.programme.money.ledger import Ledger
from reind.programme.permissions import Action, ensure
from reind.rules.engine import Engine

CHUNK = 500
"""Rows checked, looked up and written at a time."""
_REFERENCE = cells.column_text(ApplicationRow.reference)
_STATE = cells.column_text(ApplicationRow.state)
_NAME = cells.column_text(EnterpriseRow.name_en)
_TITLE = cells.column_text(ApplicationRow.title)
_REPEATS = 4096
"""Distinct values of a column remembered parsed (see ``_Cells``)."""


@dataclass(frozen=True, slots=True)
class _Cells:
    """The parser of each column, made once per import.

    The columns whose values repeat down a file (scheme, state, dates, amounts,
    closed lists) remember what each distinct text parsed to, so 100,000 rows
    do not parse the same few hundred dates and amounts again and again
    (issue 19: the checks took 5.7 s of CPU). The parsers are pure, so a
    remembered value is the value; a text that fails is not remembered
    (``lru_cache`` keeps results, never exceptions) and fails, with its
    problem, on every row that has it.
    """

    scheme: Callable[[str], str]
    state: Callable[[str], str]
    incorporation: Callable[[str], Incorporation]
    employees: Callable[[str], int]
    yes_no: Callable[[str], bool]
    industry: Callable[[str], Industry]
    day: Callable[[str], date]
    money: Callable[[str], Money]

    @classmethod
    def of(cls, engine: Engine, latest: date) -> _Cells:
        """The parsers for one import: schemes from ``engine``, no date after ``latest``."""

        def remembered(parse: Callable[[str], Any]) -> Any:
            return lru_cache(maxsize=_REPEATS)(parse)

        return cls(
            remembered(lambda text: _scheme(engine, text)),
            remembered(_STATE),
            remembered(cells.choice(Incorporation)),
            remembered(cells.count),
            remembered(cells.yes_no),
            remembered(cells.choice(Industry)),
            remembered(cells.day(latest)),
            remembered(cells.money),
        )


@dataclass(slots=True)
class ApplicationRecord:
    """One checked row of an applications file."""

    number: int
    reference: str
    scheme: str
    enterprise: EnterpriseFacts
    title: str
    received: date
    state: str
    requested: Money
    approved: Money
    committed: Money
    approved_on: date | None
    ledger: Ledger | None = None
    """The new ledger the row implies, as checked (kept so writing need not build it again)."""


def import_applications(
    session: Session,
    table: Table,
    actor: Actor,
    source: str = "applications",
    *,
    engine: Engine,
    enterprises: Matching = "refuse",
    today: date | None = None,
) -> ImportReport:
    """Check then write historical applications (and their enterprises and ledgers).

    The file is streamed in chunks of ``CHUNK`` rows. Each chunk is checked
    against the file's earlier rows and the database and, as long as the file
    has shown no problem, written at once with its audit events chained, so
    memory holds one chunk, not the file (issue 19). It all happens inside a
    savepoint: after the first problem nothing more is written but every row
    is still checked, so the refusal names every problem, and the savepoint
    is rolled back, so a refused file changes nothing, audit log included.
    """
    ensure(actor, Action.IMPORT_RECORDS)
    check = RowCheck(table.problems)
    parsers = _Cells.of(engine, today or hk_today())
    plans = EnterprisePlans(enterprises)
    writer = ApplicationWriter(session, actor, source)
    seen: dict[str, int] = {}
    with session.begin_nested():
        chunk: list[ApplicationRecord] = []
        for number, row in table.rows(check):
            record = _record(check, parsers, number, row)
            if record is None:
                continue
            earlier = seen.setdefault(record.reference, number)
            if earlier != number:
                check.add(
                    number,
                    "reference",
                    f"{record.reference} is also on row {earlier}",
                    f"{record.reference} 亦見於第 {earlier} 行",
                    record.reference,
                )
                continue
            chunk.append(record)
            if len(chunk) == CHUNK:
                _settle(session, check, chunk, plans, writer)
                chunk = []
        _settle(session, check, chunk, plans, writer)
        if check.problems:
            raise ImportRejectedError(source, check.problems)
    return writer.report()


def _settle(
    session: Session,
    check: RowCheck,
    chunk: list[ApplicationRecord],
    plans: EnterprisePlans,
    writer: ApplicationWriter,
) -> None:
    """Check a chunk against the database; write it if the file is clean so far."""
    if not chunk:
        return
    stored = stored_applications(session, [r.reference for r in chunk])
    companies = plans.match(session, [(r.number, r.enterprise) for r in chunk], check)
    for record in chunk:
        _check_stored(check, record, stored.get(record.reference), companies)
    if not check.problems:
        writer.write(chunk, stored, companies)


def _record(
    check: RowCheck, parse: _Cells, number: int, row: dict[str, str]
) -> ApplicationRecord | None:
    before = len(check.problems)
    get = check.get
    reference = get(row, number, "reference", _REFERENCE)
    scheme = get(row, number, "scheme", parse.scheme)
    state = get(row, number, "state", parse.state)
    if scheme and state and state not in workflow_for(scheme).states:
        known = ", ".join(workflow_for(scheme).states)
        check.add(
            number,
            "state",
            f"{scheme} has no state {state!r} (its states: {known})",
            f"{scheme} 沒有 {state!r} 這個狀態（可用狀態：{known}）",
            state,
        )
    facts = EnterpriseFacts(
        get(row, number, "br_number", cells.br_number),
        get(row, number, "enterprise_name", _NAME),
        get(row, number, "incorporation", parse.incorporation),
        get(row, number, "employees", parse.employees),
        get(row, number, "manufacturing", parse.yes_no),
        get(row, number, "industry", parse.industry),
    )
    title = get(row, number, "title", _TITLE)
    received = get(row, number, "received", parse.day)
    requested = get(row, number, "amount_requested", parse.money)
    approved = get(row, number, "approved_grant", parse.money, optional=True) or Money(0)
    committed = get(row, number, "committed", parse.money, optional=True) or Money(0)
    approved_on = get(row, number, "approved_on", parse.day, optional=True)
    record = ApplicationRecord(
        number,
        reference,
        scheme,
        facts,
        title,
        received,
        state,
        requested,
        approved,
        committed,
        approved_on,
    )
    _check_money(check, record, row)  # on what could be read, even if other cells could not
    return record if len(check.problems) == before else None


def _scheme(engine: Engine, text: str) -> str:
    try:
        return engine.scheme(text).code
    except ReindError:
        known = ", ".join(s.code for s in engine.schemes)
        raise cells.CellError(
            f"is not a scheme: {text!r} (schemes: {known})",
            f"不是資助計劃：{text!r}（計劃：{known}）",
        ) from None


def _check_money(check: RowCheck, record: ApplicationRecord, row: dict[str, str]) -> None:
    """The ledger's rules and the state's, each reported under the column it concerns."""
    n = record.number
    if record.requested is None:
        return
    if record.approved > record.requested:
        check.add(
            n,
            "approved_grant",
            f"the approved grant {record.approved} is more than the {record.requested} applied for",
            f"批出資助 {record.approved} 多於申請金額 {record.requested}",
            row.get("approved_grant", ""),
        )
    if record.committed > record.approved:
        check.add(
            n,
            "committed",
            f"the commitment {record.committed} is more than the approved grant {record.approved}",
            f"承擔額 {record.committed} 多於批出資助 {record.approved}",
            row.get("committed", ""),
        )
    try:
        # what apply, approve and commit would build, checked once (the cells are not negative)
        record.ledger = Ledger(record.requested, record.approved, record.committed).check()
    except ReindError as exc:  # anything the ledger refuses that the checks above do not name
        check.add(n, "committed", str(exc), f"帳目不一致：{exc}", row.get("committed", ""))
    if record.received and record.approved_on and record.approved_on < record.received:
        check.add(
            n,
            "approved_on",
            f"{record.approved_on} is before the application was received ({record.received})",
            f"{record.approved_on} 早於收到申請的日期（{record.received}）",
            row.get("approved_on", ""),
        )
    if record.approved.cents and record.approved_on is None:
        check.add(
            n,
            "approved_on",
            "give the date the grant was approved (it dates the award in reports and open data)",
            "須填寫批出資助的日期（報告及開放數據以此為批出日期）",
        )
    if not record.scheme or not record.state:
        return
    rules = money_states(record.scheme)
    grant = rules.grant_expected(record.state)
    if grant is False and record.approved.cents:
        check.add(
            n,
            "approved_grant",
            f"an application that is {record.state} has no approved grant",
            f"狀態為 {record.state} 的申請不會有批出資助",
            row.get("approved_grant", ""),
        )
    elif grant and not record.approved.cents:
        check.add(
            n,
            "approved_grant",
            f"an application that is {record.state} needs its approved grant",
            f"狀態為 {record.state} 的申請須填寫批出資助",
        )
    commitment = rules.commitment_expected(record.state)
    if commitment is False and record.committed.cents:
        check.add(
            n,
            "committed",
            f"an application that is {record.state} has no signed agreement, so no commitment",
            f"狀態為 {record.state} 的申請未簽協議，不會有承擔額",
            row.get("committed", ""),
        )
    elif commitment and not record.committed.cents:
        check.add(
            n,
            "committed",
            f"an application that is {record.state} has signed its agreement: "
            "give the committed grant",
            f"狀態為 {record.state} 的申請已簽協議：須填寫承擔額",
        )


def _check_stored(
    check: RowCheck,
    record: ApplicationRecord,
    stored: StoredApplication | None,
    companies: dict[str, EnterprisePlan],
) -> None:
    """A stored application keeps its scheme and enterprise; its ledger must stay whole."""
    if stored is None:
        return
    try:
        revised_ledger(record, stored.ledger)
    except ReindError as exc:
        check.add(
            record.number,
            "committed",
            f"cannot update {record.reference}: {exc}",
            f"無法更新 {record.reference}：帳目不一致（{exc}）",
        )
    if stored.scheme != record.scheme:
        check.add(
            record.number,
            "scheme",
            f"{record.reference} is stored as a {stored.scheme} application; "
            "its scheme cannot change",
            f"{record.reference} 已儲存為 {stored.scheme} 申請；不可更改計劃",
            record.scheme,
        )
    company = companies.get(record.enterprise.br_number)
    if company is not None and company.id is not None and company.id != stored.enterprise_id:
        check.add(
            record.number,
            "br_number",
            f"{record.reference} is stored for another enterprise; its enterprise cannot change",
            f"{record.reference} 已儲存於另一企業名下；不可更改企業",
            record.enterprise.br_number,
        )
