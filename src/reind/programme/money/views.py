"""The money read side: agreements, milestones, reports, claims and ledgers as frozen views.

Pages and the API read money only through these functions (``reind.web``
never imports ``store``); what changes money stays in ``agreements`` and
``claims``, which lock the ledger. Reads about one application check who may
see it with ``applications.get_application`` first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from reind.core.errors import NotFoundError
from reind.programme.actors import Actor
from reind.programme.applications.access import get_application
from reind.programme.money.store import (
    AgreementRow,
    ClaimRow,
    LedgerEntryRow,
    MilestoneRow,
    ProgressReportRow,
)
from reind.programme.permissions import Action, ensure
from reind.programme.views import view_of


@dataclass(frozen=True, slots=True)
class AgreementView:
    """A signed funding agreement."""

    id: str
    application_id: str
    signed_on: date
    grant_cents: int
    starts_on: date
    ends_on: date
    version: int


@dataclass(frozen=True, slots=True)
class MilestoneView:
    """A milestone of an agreement."""

    id: int
    agreement_id: str
    title: str
    due_on: date
    achieved_on: date | None


@dataclass(frozen=True, slots=True)
class ReportView:
    """A progress, final or post-completion report."""

    id: int
    agreement_id: str
    kind: str
    period_end: date
    submitted_on: date
    summary: str


@dataclass(frozen=True, slots=True)
class ClaimView:
    """A claim and where it stands."""

    id: str
    application_id: str
    amount_cents: int
    state: str
    submitted_on: date
    enrolment_id: int | None
    officer_id: str | None
    finance_id: str | None
    reason: str
    version: int


@dataclass(frozen=True, slots=True)
class DisbursementView:
    """A payment of an approved claim."""

    id: str
    claim_id: str
    application_id: str
    amount_cents: int
    paid_on: date


@dataclass(frozen=True, slots=True)
class LedgerView:
    """A project's ledger balances in cents (``ledger.Ledger`` holds them as Money)."""

    application_id: str
    enterprise_id: str
    scheme: str
    applied_cents: int
    approved_cents: int
    committed_cents: int
    claimed_cents: int
    claims_approved_cents: int
    disbursed_cents: int
    version: int


@dataclass(frozen=True, slots=True)
class LedgerEntryView:
    """One movement in a project's ledger."""

    id: int
    application_id: str
    movement: str
    amount_cents: int
    claim_id: str | None
    recorded_at: datetime


def agreement_view(row: object) -> AgreementView:
    """The view of an agreement just signed."""
    return view_of(AgreementView, row)


def milestone_view(row: object) -> MilestoneView:
    """The view of a milestone just changed."""
    return view_of(MilestoneView, row)


def report_view(row: object) -> ReportView:
    """The view of a report just filed."""
    return view_of(ReportView, row)


def claim_view(row: object) -> ClaimView:
    """The view of a claim just written."""
    return view_of(ClaimView, row)


def disbursement_view(row: object) -> DisbursementView:
    """The view of a payment just made."""
    return view_of(DisbursementView, row)


def agreement(session: Session, application_id: str) -> AgreementView | None:
    """The application's agreement, or None before one is signed."""
    row = session.execute(
        select(AgreementRow).where(AgreementRow.application_id == application_id)
    ).scalar_one_or_none()
    return None if row is None else agreement_view(row)


def agreement_of(session: Session, application_id: str, actor: Actor) -> AgreementView:
    """The agreement of an application ``actor`` may see, or NotFoundError."""
    get_application(session, application_id, actor)
    found = agreement(session, application_id)
    if found is None:
        raise NotFoundError(
            "application {application_id} has no agreement", application_id=application_id
        )
    return found


def milestones(session: Session, agreement: AgreementView) -> list[MilestoneView]:
    """The agreement's milestones by due date."""
    rows = session.execute(
        select(MilestoneRow)
        .where(MilestoneRow.agreement_id == agreement.id)
        .order_by(MilestoneRow.due_on)
    ).scalars()
    return [milestone_view(row) for row in rows]


def reports(session: Session, agreement: AgreementView) -> list[ReportView]:
    """The reports filed under the agreement, in the order filed."""
    rows = session.execute(
        select(ProgressReportRow)
        .where(ProgressReportRow.agreement_id == agreement.id)
        .order_by(ProgressReportRow.id)
    ).scalars()
    return [report_view(row) for row in rows]


def claims_of(session: Session, application_id: str) -> list[ClaimView]:
    """An application's claims, in the order submitted (the caller has checked access)."""
    rows = session.execute(
        select(ClaimRow)
        .where(ClaimRow.application_id == application_id)
        .order_by(ClaimRow.submitted_on)
    ).scalars()
    return [claim_view(row) for row in rows]


def claim_ids_of(session: Session, application_id: str) -> list[str]:
    """The ids of an application's claims (the audit log finds a case's claims by them)."""
    query = select(ClaimRow.id).where(ClaimRow.application_id == application_id)
    return list(session.execute(query).scalars())


def applications_of_claims(session: Session, claim_ids: set[str]) -> dict[str, str]:
    """The application each of ``claim_ids`` is for, by claim id (a claim is named by its
    application's reference)."""
    if not claim_ids:
        return {}
    query = select(ClaimRow.id, ClaimRow.application_id).where(ClaimRow.id.in_(claim_ids))
    return {row.id: row.application_id for row in session.execute(query)}


def claim(session: Session, claim_id: str, actor: Actor) -> ClaimView:
    """A claim, if ``actor`` may see its application (NotFoundError, ForbiddenError)."""
    ensure(actor, Action.READ_CASES)
    row = session.get(ClaimRow, claim_id)
    if row is None:
        raise NotFoundError("no claim {claim_id}", claim_id=claim_id)
    get_application(session, row.application_id, actor)
    return claim_view(row)


def ledger_entries(session: Session, application_id: str) -> list[LedgerEntryView]:
    """Every movement in the project's ledger, in order (the caller has checked access)."""
    rows = session.execute(
        select(LedgerEntryRow)
        .where(LedgerEntryRow.application_id == application_id)
        .order_by(LedgerEntryRow.id)
    ).scalars()
    return [view_of(LedgerEntryView, row) for row in rows]
