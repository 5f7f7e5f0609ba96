"""Claims and money: the officer's check, finance's approval and payment, project ledgers.

A claim is approved twice: first by an officer (``/workbench/claims``), then
by finance (``/finance``), and the service refuses the second approval from
the person who gave the first. Finance then pays it; every movement is a
line in the project's ledger (``/finance/projects/{id}``), beside the
balances that may never cross (disbursed <= approved claims <= claimed <=
committed <= approved grant).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from sqlalchemy.orm import Session
from starlette.responses import Response

from reind.core.clock import hk_today
from reind.programme.actors import Actor
from reind.programme.applications import views as applications
from reind.programme.applications.workflow import workflow_for
from reind.programme.funded_lines.services import funded_line_of
from reind.programme.money import views
from reind.programme.money.claims import (
    approve_claim_as_finance,
    approve_claim_as_officer,
    disburse,
    ledger_of,
    reject_claim,
)
from reind.programme.money.lists import list_claims, list_ledgers
from reind.programme.permissions import Action, may
from reind.web.auth import CurrentUser, needs
from reind.web.deps import ReadSide, RulesEngine, UnitOfWork
from reind.web.views.lists import application_filters, base_url, quick, sort_of
from reind.web.views.pages import Form, PageRoute, attempt, back_to, need, page, read_form

router = APIRouter(route_class=PageRoute, include_in_schema=False)

MOVEMENTS = {
    "applied": "Application started",
    "approved": "Grant approved",
    "committed": "Grant committed by agreement",
    "claimed": "Claim submitted",
    "claim_approved": "Claim approved",
    "claim_rejected": "Claim not approved",
    "disbursed": "Paid",
}
"""Ledger movements in plain words."""

CLAIM_SORT_LABELS = {
    "submitted": "Submitted, oldest first",
    "-submitted": "Submitted, newest first",
    "amount": "Amount claimed, smallest first",
    "-amount": "Amount claimed, largest first",
}
"""The claims' orderings (``money.lists.CLAIM_SORTS``) in words (msgids of their translations)."""

LEDGER_SORT_LABELS = {
    "reference": "Reference",
    "-reference": "Reference, last first",
    "approved": "Grant approved, smallest first",
    "-approved": "Grant approved, largest first",
}
"""The ledgers' orderings (``money.lists.LEDGER_SORTS``) in words (msgids of their translations)."""


def _claims_page(
    request: Request,
    user: Any,
    session: Session,
    actor: Actor,
    form: Form | None = None,
    status_code: int = 200,
) -> Response:
    form = form or Form()
    filters = application_filters(request)
    params = request.query_params
    sort = sort_of(request, "submitted")
    first = "officer_approved" if may(actor, Action.APPROVE_PAYMENTS) else "submitted"
    waiting = list_claims(
        session, (first,), filters, sort=sort, cursor=params.get("cursor"), quick=quick(request)
    )
    payable = None
    if may(actor, Action.APPROVE_PAYMENTS):
        payable = list_claims(
            session,
            ("approved",),
            filters,
            sort=sort,
            cursor=params.get("paying"),
            quick=quick(request),
        )
    return page(
        request,
        "finance/claims.html",
        user,
        status_code=status_code,
        waiting=waiting,
        payable=payable,
        stage="finance" if may(actor, Action.APPROVE_PAYMENTS) else "officer",
        filters=filters,
        sort=sort,
        sorts=CLAIM_SORT_LABELS,
        base=base_url(request),
        today=hk_today(),
        values=form.values,
        errors=form.errors,
        row_errors={k: v for k, v in form.errors.items() if not k.startswith("pay_")},
    )


@router.get("/workbench/claims", dependencies=[Depends(needs(Action.APPROVE_CLAIMS))])
def officer_claims(request: Request, user: CurrentUser, session: ReadSide) -> Response:
    """Claims waiting for an officer's check."""
    actor = need(user, Action.APPROVE_CLAIMS)
    return _claims_page(request, user, session, actor)


@router.get("/finance", dependencies=[Depends(needs(Action.APPROVE_PAYMENTS))])
def finance_claims(request: Request, user: CurrentUser, session: ReadSide) -> Response:
    """Claims checked by an officer and waiting for finance, and approved claims to pay."""
    actor = need(user, Action.APPROVE_PAYMENTS)
    return _claims_page(request, user, session, actor)


@router.post("/claims/{claim_id}/decision", dependencies=[Depends(needs(Action.REJECT_CLAIMS))])
async def decide_claim(
    request: Request, claim_id: str, user: CurrentUser, session: UnitOfWork
) -> Response:
    """Approve or reject a claim at the user's stage (officer first, finance second)."""
    actor = need(user, Action.REJECT_CLAIMS)
    form = await read_form(request)
    verdict = form.text("verdict")
    reason = form.values.get(f"reason_{claim_id}", "").strip()
    if verdict == "reject" and not reason:
        form.fail(f"reason_{claim_id}", "Give the reason the claim is not approved.")
    if form.ok:
        with attempt(session, form, f"reason_{claim_id}"):
            if verdict == "reject":
                reject_claim(session, claim_id, actor, reason)
            elif may(actor, Action.APPROVE_PAYMENTS):
                approve_claim_as_finance(session, claim_id, actor)
            else:
                approve_claim_as_officer(session, claim_id, actor)
    home = "/finance" if may(actor, Action.APPROVE_PAYMENTS) else "/workbench/claims"
    if form.ok:
        return back_to(f"{home}?done={verdict}")
    return _claims_page(request, user, session, actor, form, 400)


@router.post("/claims/{claim_id}/payment", dependencies=[Depends(needs(Action.DISBURSE))])
async def pay_claim(
    request: Request, claim_id: str, user: CurrentUser, session: UnitOfWork, engine: RulesEngine
) -> Response:
    """Pay an approved claim in full today."""
    actor = need(user, Action.DISBURSE)
    form = await read_form(request)
    with attempt(session, form, f"pay_{claim_id}"):
        disburse(session, claim_id, actor, paid_on=hk_today(), engine=engine)
    if form.ok:
        return back_to("/finance?done=paid")
    return _claims_page(request, user, session, actor, form, 400)


@router.get("/finance/projects", dependencies=[Depends(needs(Action.LIST_CASES))])
def projects(
    request: Request, user: CurrentUser, session: ReadSide, cursor: str | None = None
) -> Response:
    """One page of the projects with a grant approved, and their balances; searchable."""
    need(user, Action.LIST_CASES)
    filters = application_filters(request)
    sort = sort_of(request, "reference")
    rows = list_ledgers(session, filters, sort=sort, cursor=cursor, quick=quick(request))
    return page(
        request,
        "finance/projects.html",
        user,
        rows=rows,
        filters=filters,
        sort=sort,
        sorts=LEDGER_SORT_LABELS,
        base=base_url(request),
    )


@router.get("/finance/projects/{application_id}", dependencies=[Depends(needs(Action.LIST_CASES))])
def project_ledger(
    request: Request, application_id: str, user: CurrentUser, session: ReadSide
) -> Response:
    """The ledger of one project: balances and every movement."""
    actor = need(user, Action.LIST_CASES)
    ledger = ledger_of(session, application_id, actor)
    app = applications.application(session, application_id, actor)
    entries = views.ledger_entries(session, application_id)
    # an analyst or officer reaches the funded line's outcomes from the project
    outcomes = may(actor, Action.READ_OUTCOMES) and (
        funded_line_of(session, app.id, actor) is not None
    )
    return page(
        request,
        "finance/ledger.html",
        user,
        app=app,
        workflow=workflow_for(app.scheme),
        ledger=ledger,
        entries=list(entries),
        movements=MOVEMENTS,
        outcomes=outcomes,
    )
