"""The applications' read side: what the pages and the API show, as frozen views.

Every page and API read of an application, its budget and its documents goes
through these functions (``reind.web`` never imports ``store``). Whoever asks
for one application by id is checked by ``access.get_application``; the
functions that take an ``ApplicationView`` trust that it was read that way.
The hot path (``web.hot_path``) selects exactly these views' fields.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from reind.core import paging
from reind.core.errors import ForbiddenError, InvalidInputError
from reind.core.money import Money
from reind.core.paging import capped_count
from reind.programme.actors import Actor
from reind.programme.applications.access import get_application
from reind.programme.applications.lists import ApplicationFilters, application_conditions
from reind.programme.applications.services import facts_of
from reind.programme.applications.store import ApplicationRow, CostLineRow, DocumentRow
from reind.programme.permissions import Action, ensure
from reind.programme.views import view_of
from reind.rules.decision import StoredDecision
from reind.rules.store import load_decision
from reind.schemes.intake import TOTALS

logger = logging.getLogger(__name__)

APPLICATION_COLUMNS = tuple(column.name for column in ApplicationRow.__table__.columns)
"""The applications table's columns, for writers that bypass the ORM (``web.hot_path``)."""
COST_LINE_COLUMNS = tuple(column.name for column in CostLineRow.__table__.columns)
"""The budget lines table's columns, likewise."""


@dataclass(frozen=True, slots=True)
class ApplicationView:
    """An application as it is shown (every column but the idempotency bookkeeping)."""

    id: str
    reference: str
    scheme: str
    enterprise_id: str
    title: str
    state: str
    received: date | None
    amount_requested_cents: int
    facts: str
    screening_decision_id: str | None
    created_at: datetime
    version: int
    assigned_officer: str | None

    @property
    def requested(self) -> Money:
        """The amount requested."""
        return Money(self.amount_requested_cents)

    def answers(self) -> dict[str, Any]:
        """The scheme-specific answers stored with the application."""
        return facts_of(self)


@dataclass(frozen=True, slots=True)
class CostLineView:
    """One budget line."""

    id: int
    category: str
    description: str
    amount_cents: int


@dataclass(frozen=True, slots=True)
class DocumentView:
    """A supporting document's particulars (not its content)."""

    id: str
    application_id: str
    filename: str
    media_type: str
    size: int
    sha256: str
    uploaded_at: datetime


@dataclass(frozen=True, slots=True)
class DocumentFile:
    """A supporting document's content, for download."""

    filename: str
    media_type: str
    content: bytes


def application_view(row: object) -> ApplicationView:
    """The view of an application just written by a service."""
    return view_of(ApplicationView, row)


def cost_line_view(row: object) -> CostLineView:
    """The view of a budget line just written by a service."""
    return view_of(CostLineView, row)


def document_view(row: object) -> DocumentView:
    """The view of a document just attached."""
    return view_of(DocumentView, row)


def application(session: Session, application_id: str, actor: Actor) -> ApplicationView:
    """One application, if ``actor`` may see it (NotFoundError, ForbiddenError)."""
    return application_view(get_application(session, application_id, actor))


def references_of(session: Session, application_ids: set[str]) -> dict[str, str]:
    """The reference of each of ``application_ids`` (the audit log names a case by it)."""
    if not application_ids:
        return {}
    rows = session.execute(
        select(ApplicationRow.id, ApplicationRow.reference).where(
            ApplicationRow.id.in_(application_ids)
        )
    ).all()
    return {row.id: row.reference for row in rows}


def id_of_reference(session: Session, reference: str) -> str | None:
    """The id of the application with ``reference`` (the auditor searches by it), or None."""
    return session.execute(
        select(ApplicationRow.id).where(ApplicationRow.reference == reference.strip().upper())
    ).scalar_one_or_none()


def cost_lines(session: Session, app: ApplicationView) -> list[CostLineView]:
    """The application's budget lines in the order they were entered."""
    rows = session.execute(
        select(CostLineRow).where(CostLineRow.application_id == app.id).order_by(CostLineRow.id)
    ).scalars()
    return [cost_line_view(row) for row in rows]


def budget_total(app: ApplicationView, lines: Iterable[CostLineView]) -> Money:
    """The project's total cost as the budget table shows it.

    The sum of the budget lines where there are any; otherwise the total the
    case answered (``total_cost`` or its scheme's like: historic cases came
    in with the total among their answers and no lines, and showed HK$0.00).
    """
    summed = [Money(line.amount_cents) for line in lines]
    if summed:
        return sum(summed, Money.zero())
    answers = app.answers()
    for name in TOTALS:
        value = answers.get(name)
        if isinstance(value, str | int | float) and not isinstance(value, bool):
            try:
                return Money.of(str(value))
            except InvalidInputError:
                logger.warning("application %s: %s is not an amount: %r", app.id, name, value)
    return Money.zero()


def documents(session: Session, app: ApplicationView) -> list[DocumentView]:
    """The application's supporting documents, oldest first."""
    columns = [getattr(DocumentRow, name) for name in DocumentView.__dataclass_fields__]
    rows = session.execute(
        select(*columns)
        .where(DocumentRow.application_id == app.id)
        .order_by(DocumentRow.uploaded_at)
    ).all()
    return [DocumentView(*row) for row in rows]


def document_file(session: Session, document_id: str, actor: Actor) -> DocumentFile:
    """A document's content, for whoever may see its application (else ForbiddenError)."""
    ensure(actor, Action.READ_DOCUMENTS)
    row = session.get(DocumentRow, document_id)
    if row is None:
        raise ForbiddenError("no such document, or you may not see it")
    get_application(session, row.application_id, actor)
    return DocumentFile(row.filename, row.media_type, row.content)


def screening_decision(session: Session, app: ApplicationView) -> StoredDecision | None:
    """The stored screening decision, or None before the application is screened."""
    if app.screening_decision_id is None:
        return None
    return load_decision(session, app.screening_decision_id)


def queue_counts(
    session: Session, assigned_officer: str | None = None
) -> dict[str, tuple[int, bool]]:
    """How many applications are in each workflow state: (count up to the cap, whether more).

    A ``GROUP BY`` over every application read 1,000,000 rows on each visit
    to the workbench (issue 16). The states present are found by skipping
    through the state index (a recursive ``min``: one probe per state), and
    each is counted up to ``paging.COUNT_CAP`` (``capped_count``).

    ``assigned_officer``: only that officer's cases are counted, under the
    same terms as the list (``lists.application_conditions``), so a tab
    says what the list under "Assigned to" shows (a tab said 12 where the
    list held 3). They are read once by the officer's index and grouped by
    state: counted a state at a time, SQLite (no statistics) walked each
    state's index instead, 130 ms for the 112,000 closed cases.
    """
    states = [state for state in session.execute(_STATES).scalars().all() if state is not None]
    if assigned_officer is None:
        return {
            state: capped_count(
                session, select(ApplicationRow.id).where(ApplicationRow.state == state)
            )
            for state in states
        }
    where = application_conditions(ApplicationFilters(assigned_officer=assigned_officer))
    grouped = session.execute(
        select(ApplicationRow.state, func.count()).where(*where).group_by(ApplicationRow.state)
    ).all()
    found: dict[str, int] = dict(grouped)
    cap = paging.COUNT_CAP
    return {state: (min(found.get(state, 0), cap), found.get(state, 0) > cap) for state in states}


_STATES = text(
    "WITH RECURSIVE present(state) AS ("
    " SELECT min(state) FROM applications"
    " UNION ALL"
    " SELECT (SELECT min(a.state) FROM applications a WHERE a.state > present.state)"
    " FROM present WHERE present.state IS NOT NULL)"
    " SELECT state FROM present WHERE state IS NOT NULL"
)
"""Each state present once, by index probes (a loose index scan, which neither database does)."""


def of_enterprise(session: Session, enterprise_id: str) -> list[ApplicationView]:
    """An enterprise's applications, newest first."""
    rows = session.execute(
        select(ApplicationRow)
        .where(ApplicationRow.enterprise_id == enterprise_id)
        .order_by(ApplicationRow.created_at.desc())
    ).scalars()
    return [application_view(row) for row in rows]
