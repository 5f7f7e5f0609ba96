"""Officer workbench: queues by state, one case with its screening trace, allowed actions.

An officer sees every application in a queue per workflow state (the
office's own labels), opens one, runs the scheme's rules on it (the stored
decision shows the reasons and every parameter used, with its date and
source: "why this amount"), and moves it on. Only the transitions the
workflow allows the officer's role *from the current state* are offered;
a forged post of any other is refused by the same workflow check.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from fastapi import APIRouter, Depends, Request
from sqlalchemy.orm import Session
from starlette.responses import Response

from reind.core.errors import ForbiddenError
from reind.programme.accounts.staff import names_of, staff_in
from reind.programme.actors import Actor, Role
from reind.programme.applications import views
from reind.programme.applications.assignment import assignment_of
from reind.programme.applications.lists import list_applications
from reind.programme.applications.transitions import screen_application, transition_application
from reind.programme.applications.workflow import (
    ACTION_WORDS,
    action_words,
    all_workflows,
    workflow_for,
)
from reind.programme.audit import views as audit_views
from reind.programme.enterprises import views as register
from reind.programme.money.agreements import sign_agreement
from reind.programme.permissions import Action, may
from reind.web.auth import CurrentUser, needs
from reind.web.deps import ReadSide, RulesEngine, UnitOfWork, engine_of
from reind.web.i18n import negotiate
from reind.web.views.bulk import bulk_steps
from reind.web.views.lists import INDUSTRY_LABELS, application_filters, base_url, quick
from reind.web.views.pages import Form, PageRoute, attempt, back_to, need, page, read_form
from reind.web.views.portal import parse_money
from reind.web.views.portal_case import parse_day
from reind.web.views.words import case_history, category_label, words_for

router = APIRouter(route_class=PageRoute, include_in_schema=False)

QUEUE_ORDER = (
    "submitted",
    "screening",
    "returned_for_information",
    "assessment",
    "vetting_committee",
    "supported_in_principle",
    "agreement_signed",
    "in_progress",
    "completed",
    "post_completion_monitoring",
    "draft",
    "not_supported",
    "closed",
    "withdrawn",
)
"""Queues in the order the office works them; states not listed come last."""

ACTION_LABELS = ACTION_WORDS
"""Button text for each workflow action (msgids of their translations)."""

SPECIAL = {"sign_agreement", "support", "not_support"}
"""Actions taken through their own forms (agreement; committee decision), not a button."""


@router.get("/workbench", dependencies=[Depends(needs(Action.SCREEN))])
def queues(
    request: Request,
    user: CurrentUser,
    session: ReadSide,
    state: str | None = None,
    sort: str = "reference",
    cursor: str | None = None,
) -> Response:
    """The queues by state, and one page of the applications in the chosen one.

    The chosen queue is read a page at a time (``applications.views``),
    narrowed by scheme, industry, dates received and a search.
    """
    need(user, Action.SCREEN)
    filters = application_filters(request, me=user.actor().id)
    counts = views.queue_counts(session, filters.assigned_officer)
    states = sorted(counts, key=lambda s: (QUEUE_ORDER.index(s) if s in QUEUE_ORDER else 99, s))
    chosen = state if state in counts else next(iter(states), None)
    filters = replace(filters, state=chosen)
    rows = None
    if chosen is not None:
        rows = list_applications(session, filters, sort=sort, cursor=cursor, quick=quick(request))
    return page(
        request,
        "workbench/queues.html",
        user,
        states=states,
        counts=counts,
        chosen=chosen,
        rows=rows,
        filters=filters,
        sort=sort,
        sorts=SORT_LABELS,
        schemes=sorted((s.label, s.code) for s in engine_of(request).schemes),
        industries=INDUSTRY_LABELS,
        officers=staff_in(session, Role.OFFICER),
        steps=bulk_steps(chosen) if chosen else (),
        base=base_url(request),
        officer=request.query_params.get("officer") or None,
        labels=staff_labels(states, negotiate(request)),
        engine=engine_of(request),
    )


SORT_LABELS = {
    "reference": "Reference",
    "-reference": "Reference, last first",
    "amount": "Funding asked for, smallest first",
    "-amount": "Funding asked for, largest first",
}
"""The orderings a queue offers (msgids of their translations)."""


def staff_labels(states: list[str], lang: str) -> dict[str, str]:
    """The office's label of each state (from the first workflow that has it)."""
    labels = {}
    for state in states:
        for workflow in all_workflows():
            if state in workflow.states:
                labels[state] = workflow.label(state, "staff", lang)
                break
        else:
            labels[state] = state
    return labels


def render_case(
    request: Request,
    user: Any,
    session: Session,
    actor: Actor,
    application_id: str,
    form: Form | None = None,
    status_code: int = 200,
) -> Response:
    app = views.application(session, application_id, actor)
    workflow = workflow_for(app.scheme)
    decision = views.screening_decision(session, app)
    actions = [t for t in workflow.actions(app.state, actor.role) if t.action not in SPECIAL]
    lines = views.cost_lines(session, app)
    events = audit_views.events_for(session, "application", app.id)
    actors = {e.actor for e in events}
    form = form or Form()
    return page(
        request,
        "workbench/application.html",
        user,
        status_code=status_code,
        app=app,
        enterprise=register.by_ids(session, [app.enterprise_id]).get(app.enterprise_id),
        scheme=engine_of(request).scheme(app.scheme),
        workflow=workflow,
        lines=[(line, category_label(line.category)) for line in lines],
        total=views.budget_total(app, lines),
        requested=app.requested,
        facts=app.answers(),
        documents=views.documents(session, app),
        decision=decision,
        actions=actions,
        action_labels=ACTION_LABELS,
        may_sign=app.state == "supported_in_principle" and may(actor, Action.SIGN_AGREEMENTS),
        history=case_history(events, workflow, negotiate(request), names_of(session, actors)),
        gap=(decision.amount - app.requested) if decision is not None else None,
        assignment=assignment_of(session, app),
        may_assign=may(actor, Action.ASSIGN_CASES),
        officers=staff_in(session, Role.OFFICER),
        assessors=staff_in(session, Role.ASSESSOR),
        **words_for(engine_of(request), negotiate(request)),
        values=form.values,
        errors=form.errors,
    )


@router.get(
    "/workbench/applications/{application_id}", dependencies=[Depends(needs(Action.SCREEN))]
)
def case_page(
    request: Request, application_id: str, user: CurrentUser, session: UnitOfWork
) -> Response:
    """One application as the office sees it."""
    actor = need(user, Action.SCREEN)
    return render_case(request, user, session, actor, application_id)


@router.post(
    "/workbench/applications/{application_id}/screening",
    dependencies=[Depends(needs(Action.SCREEN))],
)
async def screen(
    request: Request,
    application_id: str,
    user: CurrentUser,
    session: UnitOfWork,
    engine: RulesEngine,
) -> Response:
    """Run the scheme's rules on the application and keep the decision."""
    actor = need(user, Action.SCREEN)
    form = await read_form(request)
    with attempt(session, form):
        screen_application(session, application_id, actor, engine=engine)
    if form.ok:
        return back_to(f"/workbench/applications/{application_id}#screening")
    return render_case(request, user, session, actor, application_id, form, 400)


@router.post(
    "/workbench/applications/{application_id}/transitions",
    dependencies=[Depends(needs(Action.SCREEN))],
)
async def transition(
    request: Request, application_id: str, user: CurrentUser, session: UnitOfWork
) -> Response:
    """Take one of the offered actions (with an optional note to the file)."""
    actor = need(user, Action.SCREEN)
    form = await read_form(request)
    action = form.text("action")
    note = form.values.get("note", "").strip()
    app = views.application(session, application_id, actor)
    allowed = {t.action for t in workflow_for(app.scheme).actions(app.state, actor.role)}
    if action not in allowed - SPECIAL:
        raise ForbiddenError(
            "the step “{action}” is not open to you on this application now",
            action=action_words(action),
        )
    if action == "return_for_information" and not note:
        form.fail("note", "Say what information the applicant should send.")
    if form.ok:
        with attempt(session, form, "note"):
            transition_application(session, app.id, action, actor, note=note)
    if form.ok:
        return back_to(f"/workbench/applications/{application_id}?done={action}")
    return render_case(request, user, session, actor, application_id, form, 400)


@router.post(
    "/workbench/applications/{application_id}/agreement",
    dependencies=[Depends(needs(Action.SIGN_AGREEMENTS))],
)
async def agreement(
    request: Request,
    application_id: str,
    user: CurrentUser,
    session: UnitOfWork,
    engine: RulesEngine,
) -> Response:
    """Sign the funding agreement: commit the grant and move the application on."""
    actor = need(user, Action.SIGN_AGREEMENTS)
    form = await read_form(request)
    grant = parse_money(form, "grant")
    signed_on = parse_day(form, "signed_on")
    starts_on = parse_day(form, "starts_on")
    ends_on = parse_day(form, "ends_on")
    if form.ok and grant and signed_on and starts_on and ends_on:
        with attempt(session, form, "grant"):
            sign_agreement(
                session,
                application_id,
                actor,
                grant=grant,
                signed_on=signed_on,
                starts_on=starts_on,
                ends_on=ends_on,
                engine=engine,
            )
    if form.ok:
        return back_to(f"/workbench/applications/{application_id}?done=sign_agreement")
    return render_case(request, user, session, actor, application_id, form, 400)


@router.get("/documents/{document_id}", dependencies=[Depends(needs(Action.READ_DOCUMENTS))])
def document(document_id: str, user: CurrentUser, session: UnitOfWork) -> Response:
    """A supporting document, for whoever may see its application."""
    actor = need(user, Action.READ_DOCUMENTS)
    row = views.document_file(session, document_id, actor)
    safe = "".join(ch if ch.isalnum() or ch in "._-" else "_" for ch in row.filename)
    return Response(
        row.content,
        media_type=row.media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{safe}"',
            "X-Content-Type-Options": "nosniff",
        },
    )
