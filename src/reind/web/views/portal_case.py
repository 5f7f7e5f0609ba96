"""Applicant portal, part two: one application, from draft to claims.

The applicant follows the status by its public label (the workflow's
``applicant`` label, never the office's internal one), attaches documents,
submits, answers a request for information (the officer's note is shown;
sending the answer resubmits the application), and once an agreement is
signed files milestone reports and claims.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from fastapi import APIRouter, Depends, Request
from sqlalchemy.orm import Session
from starlette.responses import Response

from reind.core.clock import hk_today
from reind.core.errors import InvalidInputError
from reind.core.periods import parse_date
from reind.programme.actors import Actor
from reind.programme.applications import views
from reind.programme.applications.contents import attach_document
from reind.programme.applications.drafts import estimate_grant
from reind.programme.applications.transitions import transition_application
from reind.programme.applications.workflow import workflow_for
from reind.programme.audit import views as audit_views
from reind.programme.money import views as money_views
from reind.programme.money.agreements import REPORT_KINDS, submit_report
from reind.programme.money.claims import CLAIMABLE, submit_claim
from reind.programme.permissions import Action
from reind.web.auth import CurrentUser, needs
from reind.web.deps import RulesEngine, UnitOfWork, engine_of
from reind.web.i18n import negotiate
from reind.web.views.pages import Form, PageRoute, attempt, back_to, need, page, read_form
from reind.web.views.portal import parse_money
from reind.web.views.words import category_label, words_for

router = APIRouter(route_class=PageRoute, include_in_schema=False)

EDITABLE = {"draft", "returned_for_information"}
"""States in which the applicant may still add documents."""

_CHECKING = (
    "The programme office is checking your application against the scheme's rules. "
    "If anything is missing we will ask you here."
)
_ASSESSING = (
    "Your application is being assessed and goes to the vetting committee. "
    "The decision will be shown here."
)
_RUNNING = "Carry out the project, file a report for each milestone and claim under the agreement."
NEXT_STEPS = {
    "draft": (
        "Check the budget and your answers, add your documents, then submit. "
        "The programme office then screens the application against the scheme's rules."
    ),
    "submitted": _CHECKING,
    "screening": _CHECKING,
    "assessment": _ASSESSING,
    "vetting_committee": _ASSESSING,
    "supported_in_principle": (
        "The project is supported. The programme office will send you the funding "
        "agreement to sign."
    ),
    "approved": (
        "The project is approved. The programme office will send you the funding agreement to sign."
    ),
    "agreement_signed": _RUNNING,
    "in_progress": _RUNNING,
    "completed": "File your final report; reports after completion are due as the agreement says.",
    "post_completion_monitoring": "File your reports after completion as the agreement says.",
}
"""What the applicant does or waits for next, by state (msgids)."""
FINAL_REPORT_IN = (
    "Your final report is in. Claim the grant under the agreement; "
    "reports after completion are due as the agreement says."
)
"""The next step of a completed project once its final report is filed (msgid)."""


def next_step(state: str, reports: list[money_views.ReportView]) -> str | None:
    """What the applicant does next (not the final report again once it is filed)."""
    if state == "completed" and any(r.kind == "final" for r in reports):
        return FINAL_REPORT_IN
    return NEXT_STEPS.get(state)


def information_requested(session: Session, app: views.ApplicationView) -> str | None:
    """The officer's note when the application was last returned for information."""
    note = None
    for event in audit_views.events_for(session, "application", app.id):
        if event.kind == "application.transitioned":
            payload = json.loads(event.payload)
            if payload.get("action") == "return_for_information":
                note = str(payload.get("note", ""))
    return note


def parse_day(form: Form, name: str) -> date | None:
    """A date field (YYYY-MM-DD); an error is noted when it is missing or wrong."""
    text = form.values.get(name, "").strip()
    if not text:
        form.fail(name, "Please fill this in.")
        return None
    try:
        return parse_date(text)
    except (InvalidInputError, ValueError):
        form.fail(name, "Enter a date like 2025-03-31.")
        return None


def _case_page(
    request: Request,
    user: Any,
    session: Session,
    actor: Actor,
    application_id: str,
    form: Form | None = None,
    status_code: int = 200,
) -> Response:
    app = views.application(session, application_id, actor)
    engine = engine_of(request)
    agreement = money_views.agreement(session, app.id)
    milestones: list[money_views.MilestoneView] = []
    reports: list[money_views.ReportView] = []
    if agreement is not None:
        milestones = money_views.milestones(session, agreement)
        reports = money_views.reports(session, agreement)
    lines = views.cost_lines(session, app)
    estimate = None
    if app.state == "draft":
        estimate = estimate_grant(session, app.id, actor, engine=engine)
    form = form or Form()
    return page(
        request,
        "portal/application.html",
        user,
        status_code=status_code,
        app=app,
        scheme=engine.scheme(app.scheme),
        workflow=workflow_for(app.scheme),
        lines=[(line, category_label(line.category)) for line in lines],
        total=views.budget_total(app, lines),
        requested=app.requested,
        facts=app.answers(),
        estimate=estimate,
        next_steps=next_step(app.state, reports),
        documents=views.documents(session, app),
        note=information_requested(session, app),
        agreement=agreement,
        milestones=milestones,
        reports=reports,
        claims=money_views.claims_of(session, app.id),
        claimable=app.state in CLAIMABLE,
        editable=app.state in EDITABLE,
        report_kinds=sorted(REPORT_KINDS),
        values=form.values,
        errors=form.errors,
        today=hk_today(),
        **words_for(engine, negotiate(request)),
    )


@router.get(
    "/portal/applications/{application_id}", dependencies=[Depends(needs(Action.USE_PORTAL))]
)
def application_page(
    request: Request, application_id: str, user: CurrentUser, session: UnitOfWork
) -> Response:
    """One application: status, budget, documents, and what can be done next."""
    actor = need(user, Action.USE_PORTAL)
    return _case_page(request, user, session, actor, application_id)


@router.post(
    "/portal/applications/{application_id}/documents",
    dependencies=[Depends(needs(Action.USE_PORTAL))],
)
async def upload(
    request: Request, application_id: str, user: CurrentUser, session: UnitOfWork
) -> Response:
    """Attach a supporting document (PDF, image, spreadsheet ...)."""
    actor = need(user, Action.USE_PORTAL)
    form = await read_form(request)
    upload = form.files.get("document")
    if upload is None or not upload.filename:
        form.fail("document", "Choose a file to upload.")
    else:
        content = await upload.read()
        with attempt(session, form, "document"):
            app = views.application(session, application_id, actor)
            if app.state not in EDITABLE:
                form.fail("document", "Documents can only be added before you submit.")
            else:
                attach_document(
                    session,
                    app.id,
                    actor,
                    filename=upload.filename,
                    media_type=upload.content_type or "application/octet-stream",
                    content=content,
                )
    if form.ok:
        return back_to(f"/portal/applications/{application_id}?uploaded=1#documents")
    return _case_page(request, user, session, actor, application_id, form, 400)


@router.post(
    "/portal/applications/{application_id}/submission",
    dependencies=[Depends(needs(Action.USE_PORTAL))],
)
async def submit(
    request: Request, application_id: str, user: CurrentUser, session: UnitOfWork
) -> Response:
    """Submit a draft, or send the information asked for (resubmit)."""
    actor = need(user, Action.USE_PORTAL)
    form = await read_form(request)
    app = views.application(session, application_id, actor)
    action = "resubmit" if app.state == "returned_for_information" else "submit"
    answer = form.text("answer", required=action == "resubmit")
    if form.ok:
        with attempt(session, form):
            transition_application(session, app.id, action, actor, note=answer)
    if form.ok:
        return back_to(f"/portal/applications/{application_id}?sent=1")
    return _case_page(request, user, session, actor, application_id, form, 400)


@router.post(
    "/portal/applications/{application_id}/claims", dependencies=[Depends(needs(Action.USE_PORTAL))]
)
async def claim(
    request: Request,
    application_id: str,
    user: CurrentUser,
    session: UnitOfWork,
    engine: RulesEngine,
) -> Response:
    """Claim money under the signed agreement."""
    actor = need(user, Action.USE_PORTAL)
    form = await read_form(request)
    amount = parse_money(form, "claim_amount")
    if amount is not None and amount.cents == 0:
        form.fail("claim_amount", "The amount must be more than HK$0.")
    if form.ok and amount is not None:
        with attempt(session, form, "claim_amount"):
            submit_claim(session, application_id, amount, actor, engine=engine)
    if form.ok:
        return back_to(f"/portal/applications/{application_id}?claimed=1#claims")
    return _case_page(request, user, session, actor, application_id, form, 400)


@router.post(
    "/portal/applications/{application_id}/reports",
    dependencies=[Depends(needs(Action.USE_PORTAL))],
)
async def report(
    request: Request, application_id: str, user: CurrentUser, session: UnitOfWork
) -> Response:
    """File a milestone (progress), final or post-completion report."""
    actor = need(user, Action.USE_PORTAL)
    form = await read_form(request)
    kind = form.text("kind")
    period_end = parse_day(form, "period_end")
    summary = form.text("summary")
    if form.ok and period_end is not None:
        with attempt(session, form, "summary"):
            submit_report(
                session,
                application_id,
                actor,
                kind=kind,
                period_end=period_end,
                submitted_on=hk_today(),
                summary=summary,
            )
    if form.ok:
        return back_to(f"/portal/applications/{application_id}?reported=1#reports")
    return _case_page(request, user, session, actor, application_id, form, 400)
