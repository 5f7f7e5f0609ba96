"""Agreements, milestones, reports, claims, disbursements and the ledger.

Claims carry an ``Idempotency-Key`` so a retried submission never makes a
second claim; approvals take ``If-Match`` so nobody approves a claim that
changed after they read it.
"""

from __future__ import annotations

from datetime import date
from typing import ClassVar, Literal

from fastapi import APIRouter, Depends, Response, status
from pydantic import Field

from reind.programme.money import agreements, claims, payment_conditions, views
from reind.programme.permissions import Action
from reind.web.api.common import (
    Amount,
    IdempotencyKey,
    IfMatch,
    RowId,
    RowIdPath,
    Schema,
    expect_version,
    money,
    set_etag,
    shown,
)
from reind.web.auth import CurrentActor, require
from reind.web.deps import RulesEngine, UnitOfWork

router = APIRouter(prefix="/api/v1", tags=["agreements and claims"])


class MilestoneCreate(Schema):
    """A milestone of an agreement."""

    title: str = Field(max_length=300)
    due_on: date


class AgreementCreate(Schema):
    """The funding agreement: the grant it commits and its dates."""

    grant: Amount
    signed_on: date
    starts_on: date
    ends_on: date
    milestones: list[MilestoneCreate] = Field(default_factory=list, max_length=100)


class AgreementPublic(Schema):
    """A signed agreement."""

    id: str
    application_id: str
    grant: str
    signed_on: date
    starts_on: date
    ends_on: date
    version: int


class MilestoneAchieved(Schema):
    """When a milestone was achieved."""

    achieved_on: date


class ReportCreate(Schema):
    """A progress, final or post-completion report."""

    kind: Literal["progress", "final", "post_completion"]
    period_end: date
    submitted_on: date
    summary: str = Field(max_length=20000)


class ClaimCreate(Schema):
    """A claim (payment request); RTTP claims name the trainee's enrolment.

    The server dates it (``submitted_on`` is today in Hong Kong).
    """

    amount: Amount
    enrolment_id: RowId | None = None

    system_owned: ClassVar[dict[str, tuple[str, str]]] = {
        "submitted_on": (
            "a claim is dated by the server on the day it is submitted",
            "申索於提交當日由伺服器記錄日期",
        )
    }


class ClaimPublic(Schema):
    """A claim and where it stands."""

    id: str
    application_id: str
    amount: str
    state: str
    submitted_on: date
    enrolment_id: int | None
    reason: str
    version: int


class ClaimRejection(Schema):
    """Why a claim is rejected."""

    reason: str = Field(max_length=4000)


class DisbursementCreate(Schema):
    """When the money was paid."""

    paid_on: date


class DisbursementPublic(Schema):
    """A payment."""

    id: str
    claim_id: str
    application_id: str
    amount: str
    paid_on: date


class LedgerPublic(Schema):
    """The money position of a project (HK$ as decimal text)."""

    application_id: str
    applied: str
    approved: str
    committed: str
    claimed: str
    claims_approved: str
    disbursed: str
    available: str
    payable: str


def _agreement(row: views.AgreementView) -> AgreementPublic:
    return AgreementPublic(
        id=row.id,
        application_id=row.application_id,
        grant=shown(row.grant_cents),
        signed_on=row.signed_on,
        starts_on=row.starts_on,
        ends_on=row.ends_on,
        version=row.version,
    )


def _claim(row: views.ClaimView, response: Response | None = None) -> ClaimPublic:
    if response is not None:
        set_etag(response, row.version)
    return ClaimPublic(
        id=row.id,
        application_id=row.application_id,
        amount=shown(row.amount_cents),
        state=row.state,
        submitted_on=row.submitted_on,
        enrolment_id=row.enrolment_id,
        reason=row.reason,
        version=row.version,
    )


@router.post(
    "/applications/{application_id}/agreement",
    response_model=AgreementPublic,
    status_code=status.HTTP_201_CREATED,
    dependencies=[Depends(require(Action.SIGN_AGREEMENTS))],
)
def sign_agreement(
    application_id: str,
    body: AgreementCreate,
    actor: CurrentActor,
    session: UnitOfWork,
    engine: RulesEngine,
) -> AgreementPublic:
    """Sign the agreement: commit the grant within the caps (officers)."""
    row = agreements.sign_agreement(
        session,
        application_id,
        actor,
        grant=money(body.grant),
        signed_on=body.signed_on,
        starts_on=body.starts_on,
        ends_on=body.ends_on,
        milestones=tuple((m.title, m.due_on) for m in body.milestones),
        engine=engine,
    )
    return _agreement(views.agreement_view(row))


@router.get(
    "/applications/{application_id}/agreement",
    response_model=AgreementPublic,
    dependencies=[Depends(require(Action.READ_CASES))],
)
def get_agreement(application_id: str, actor: CurrentActor, session: UnitOfWork) -> AgreementPublic:
    """The application's agreement."""
    return _agreement(views.agreement_of(session, application_id, actor))


@router.post(
    "/milestones/{milestone_id}/achievement",
    dependencies=[Depends(require(Action.CONFIRM_MILESTONES))],
)
def achieve_milestone(
    milestone_id: RowIdPath, body: MilestoneAchieved, actor: CurrentActor, session: UnitOfWork
) -> dict[str, object]:
    """Confirm a milestone achieved (officers)."""
    row = agreements.achieve_milestone(session, milestone_id, body.achieved_on, actor)
    return {"id": row.id, "title": row.title, "achieved_on": row.achieved_on}


@router.post(
    "/applications/{application_id}/reports",
    status_code=status.HTTP_201_CREATED,
    dependencies=[Depends(require(Action.FILE_REPORTS))],
)
def submit_report(
    application_id: str, body: ReportCreate, actor: CurrentActor, session: UnitOfWork
) -> dict[str, object]:
    """File a progress, final or post-completion report."""
    row = agreements.submit_report(session, application_id, actor, **body.model_dump())
    return {"id": row.id, "kind": row.kind, "period_end": row.period_end}


class ReportAccepted(Schema):
    """The day an officer accepted a report (default: today in Hong Kong)."""

    accepted_on: date | None = None


@router.post(
    "/reports/{report_id}/acceptance", dependencies=[Depends(require(Action.ACCEPT_REPORTS))]
)
def accept_report(
    report_id: RowIdPath, body: ReportAccepted, actor: CurrentActor, session: UnitOfWork
) -> dict[str, object]:
    """Accept a report (an officer other than who filed it); RFS pays once the final one is."""
    row = payment_conditions.accept_report(session, report_id, actor, accepted_on=body.accepted_on)
    return {"id": row.id, "kind": row.kind, "accepted_on": row.accepted_on}


@router.post(
    "/applications/{application_id}/claims",
    response_model=ClaimPublic,
    status_code=status.HTTP_201_CREATED,
    dependencies=[Depends(require(Action.SUBMIT_CLAIMS))],
)
def submit_claim(
    application_id: str,
    body: ClaimCreate,
    actor: CurrentActor,
    session: UnitOfWork,
    engine: RulesEngine,
    response: Response,
    idempotency_key: IdempotencyKey = None,
) -> ClaimPublic:
    """Submit a claim; retrying with the same ``Idempotency-Key`` returns the same claim."""
    row = claims.submit_claim(
        session,
        application_id,
        money(body.amount),
        actor,
        idempotency_key=idempotency_key,
        enrolment_id=body.enrolment_id,
        engine=engine,
    )
    response.headers["Location"] = f"/api/v1/claims/{row.id}"
    return _claim(views.claim_view(row), response)


@router.get(
    "/claims/{claim_id}",
    response_model=ClaimPublic,
    dependencies=[Depends(require(Action.READ_CASES))],
)
def get_claim(
    claim_id: str, actor: CurrentActor, session: UnitOfWork, response: Response
) -> ClaimPublic:
    """A claim, if you may see its application."""
    return _claim(views.claim(session, claim_id, actor), response)


@router.post(
    "/claims/{claim_id}/officer-approval",
    response_model=ClaimPublic,
    dependencies=[Depends(require(Action.APPROVE_CLAIMS))],
)
def officer_approval(
    claim_id: str,
    actor: CurrentActor,
    session: UnitOfWork,
    response: Response,
    if_match: IfMatch = None,
) -> ClaimPublic:
    """First approval (an officer)."""
    expect_version(views.claim(session, claim_id, actor).version, if_match, f"claim {claim_id}")
    return _claim(
        views.claim_view(claims.approve_claim_as_officer(session, claim_id, actor)), response
    )


@router.post(
    "/claims/{claim_id}/finance-approval",
    response_model=ClaimPublic,
    dependencies=[Depends(require(Action.APPROVE_PAYMENTS))],
)
def finance_approval(
    claim_id: str,
    actor: CurrentActor,
    session: UnitOfWork,
    response: Response,
    if_match: IfMatch = None,
) -> ClaimPublic:
    """Second approval (finance, not the officer who approved first)."""
    expect_version(views.claim(session, claim_id, actor).version, if_match, f"claim {claim_id}")
    return _claim(
        views.claim_view(claims.approve_claim_as_finance(session, claim_id, actor)), response
    )


@router.post(
    "/claims/{claim_id}/rejection",
    response_model=ClaimPublic,
    dependencies=[Depends(require(Action.REJECT_CLAIMS))],
)
def reject(
    claim_id: str,
    body: ClaimRejection,
    actor: CurrentActor,
    session: UnitOfWork,
    response: Response,
    if_match: IfMatch = None,
) -> ClaimPublic:
    """Reject a claim at either stage, with the reason."""
    expect_version(views.claim(session, claim_id, actor).version, if_match, f"claim {claim_id}")
    return _claim(
        views.claim_view(claims.reject_claim(session, claim_id, actor, body.reason)), response
    )


@router.post(
    "/claims/{claim_id}/disbursement",
    response_model=DisbursementPublic,
    status_code=status.HTTP_201_CREATED,
    dependencies=[Depends(require(Action.DISBURSE))],
)
def disburse(
    claim_id: str,
    body: DisbursementCreate,
    actor: CurrentActor,
    session: UnitOfWork,
    engine: RulesEngine,
    if_match: IfMatch = None,
) -> DisbursementPublic:
    """Pay an approved claim (finance)."""
    expect_version(views.claim(session, claim_id, actor).version, if_match, f"claim {claim_id}")
    row = views.disbursement_view(
        claims.disburse(session, claim_id, actor, paid_on=body.paid_on, engine=engine)
    )
    return DisbursementPublic(
        id=row.id,
        claim_id=row.claim_id,
        application_id=row.application_id,
        amount=shown(row.amount_cents),
        paid_on=row.paid_on,
    )


@router.get(
    "/applications/{application_id}/ledger",
    response_model=LedgerPublic,
    dependencies=[Depends(require(Action.READ_CASES))],
)
def ledger(application_id: str, actor: CurrentActor, session: UnitOfWork) -> LedgerPublic:
    """Applied, approved, committed, claimed, approved claims, disbursed and available."""
    position = claims.ledger_of(session, application_id, actor)
    return LedgerPublic(
        application_id=application_id,
        **{
            name: str(getattr(position, name).amount)
            for name in (
                "applied",
                "approved",
                "committed",
                "claimed",
                "claims_approved",
                "disbursed",
                "available",
                "payable",
            )
        },
    )
