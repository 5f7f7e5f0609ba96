"""Committee pages: meetings and agendas, the scoring form, the committee's decisions.

A member sees the meetings of the committees they sit on and, on each
agenda, only the applications they have no declared conflict with
(``committee.services.agenda_for``). Opening a conflicted application by its id is
refused by ``get_application``, so hiding it is not the only protection.
The scoring form is made from the scheme's weighted criteria (0 to 5 and a
comment each); the approver records the committee's decision with reasons
in both languages, which moves the application on.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from sqlalchemy.orm import Session
from starlette.responses import Response

from reind.core.clock import hk_today
from reind.core.errors import ConflictError
from reind.programme.actors import Actor
from reind.programme.applications import views as applications
from reind.programme.applications.workflow import workflow_for
from reind.programme.audit import views as audit_views
from reind.programme.committee import views
from reind.programme.committee.agenda import declared_conflicts
from reind.programme.committee.criteria import MAX_SCORE, criteria_for
from reind.programme.committee.governance import full_scorers
from reind.programme.committee.services import decide, score_application, scores_of
from reind.programme.enterprises import views as register
from reind.programme.permissions import Action, may
from reind.web.auth import CurrentUser, needs
from reind.web.deps import ReadSide, RulesEngine, UnitOfWork, engine_of
from reind.web.i18n import negotiate
from reind.web.views.pages import Form, PageRoute, attempt, back_to, need, page, read_form
from reind.web.views.portal_case import parse_day
from reind.web.views.words import case_history, category_label, words_for

router = APIRouter(route_class=PageRoute, include_in_schema=False)


@router.get("/committee", dependencies=[Depends(needs(Action.READ_AGENDAS))])
def meetings(request: Request, user: CurrentUser, session: ReadSide) -> Response:
    """The meetings of the committees the user sits on (all, for the approver)."""
    actor = need(user, Action.READ_AGENDAS)
    return page(
        request, "committee/meetings.html", user, meetings=views.meetings_for(session, actor)
    )


def _meeting_page(
    request: Request,
    user: Any,
    session: Session,
    actor: Actor,
    meeting_id: str,
    form: Form | None = None,
    status_code: int = 200,
) -> Response:
    meeting, committee = views.meeting(session, meeting_id)
    agenda = views.agenda(session, meeting_id, actor)
    enterprises = register.by_ids(session, (app.enterprise_id for app in agenda))
    items = []
    for app in agenda:
        criteria = criteria_for(app.scheme)
        weighted = criteria.weighted(scores_of(session, app.id))
        open_ = app.state == "vetting_committee"
        # blind scoring: a member sees the others' scores only once they have scored
        # (or the item is no longer open); the chair and the officer always see them
        blind = (
            may(actor, Action.SCORE)
            and open_
            and not views.my_scores(session, actor, committee.id, app.id)
        )
        items.append(
            {
                "blind": blind,
                "app": app,
                "enterprise": enterprises.get(app.enterprise_id),
                "state": workflow_for(app.scheme).label(app.state, "staff", negotiate(request)),
                "weighted": float(weighted),
                "pass_mark": criteria.pass_mark,
                "decision": views.decision(session, app.id),
                "scorers": full_scorers(session, app.id, app.scheme),
                "quorum": committee.quorum,
                "voided": views.voided_scores(session, app.id),
                "open": app.state == "vetting_committee",
            }
        )
    form = form or Form()
    return page(
        request,
        "committee/meeting.html",
        user,
        status_code=status_code,
        meeting=meeting,
        committee=committee,
        items=items,
        may_score=may(actor, Action.SCORE),
        may_decide=may(actor, Action.DECIDE),
        conflicts=(
            declared_conflicts(session, meeting_id, actor)
            if may(actor, Action.DECIDE) or may(actor, Action.RUN_COMMITTEES)
            else []
        ),
        today=hk_today(),
        values=form.values,
        errors=form.errors,
    )


@router.get("/committee/meetings/{meeting_id}", dependencies=[Depends(needs(Action.READ_AGENDAS))])
def meeting_page(
    request: Request, meeting_id: str, user: CurrentUser, session: UnitOfWork
) -> Response:
    """A meeting's agenda (conflicted applications left out for a member)."""
    actor = need(user, Action.READ_AGENDAS)
    return _meeting_page(request, user, session, actor, meeting_id)


def _score_page(
    request: Request,
    user: Any,
    session: Session,
    actor: Actor,
    meeting_id: str,
    application_id: str,
    form: Form | None = None,
    status_code: int = 200,
) -> Response:
    meeting, committee = views.meeting(session, meeting_id)
    app = applications.application(session, application_id, actor)  # refuses a conflicted member
    if not views.on_agenda(session, meeting_id, app.id):
        raise ConflictError(
            "{reference} is not on the agenda of this meeting", reference=app.reference
        )
    mine = views.my_scores(session, actor, committee.id, app.id)
    if form is None:
        form = Form()
        for code, row in mine.items():
            form.values[f"score_{code}"] = str(row.score)
            form.values[f"comment_{code}"] = row.comment
    decision = applications.screening_decision(session, app)
    lines = applications.cost_lines(session, app)
    lang = negotiate(request)
    events = audit_views.events_for(session, "application", app.id)
    notes = [line for line in case_history(events, workflow_for(app.scheme), lang) if line.note]
    return page(
        request,
        "committee/score.html",
        user,
        status_code=status_code,
        meeting=meeting,
        committee=committee,
        app=app,
        documents=applications.documents(session, app),
        history=notes,
        **words_for(engine_of(request), lang),
        enterprise=register.by_ids(session, [app.enterprise_id]).get(app.enterprise_id),
        scheme=engine_of(request).scheme(app.scheme),
        criteria=criteria_for(app.scheme),
        max_score=MAX_SCORE,
        lines=[(line, category_label(line.category)) for line in lines],
        total=applications.budget_total(app, lines),
        decision=decision,
        may_score=may(actor, Action.SCORE) and app.state == "vetting_committee",
        scored=bool(mine),
        values=form.values,
        errors=form.errors,
    )


@router.get(
    "/committee/meetings/{meeting_id}/applications/{application_id}",
    dependencies=[Depends(needs(Action.READ_AGENDAS))],
)
def score_form(
    request: Request,
    meeting_id: str,
    application_id: str,
    user: CurrentUser,
    session: UnitOfWork,
) -> Response:
    """An application on the agenda, with the scoring form (refused if conflicted)."""
    actor = need(user, Action.READ_AGENDAS)
    return _score_page(request, user, session, actor, meeting_id, application_id)


@router.post(
    "/committee/meetings/{meeting_id}/applications/{application_id}",
    dependencies=[Depends(needs(Action.SCORE))],
)
async def save_scores(
    request: Request,
    meeting_id: str,
    application_id: str,
    user: CurrentUser,
    session: UnitOfWork,
) -> Response:
    """Save the member's scores (0 to 5) and comments, one per criterion."""
    actor = need(user, Action.SCORE)
    form = await read_form(request)
    app = applications.application(session, application_id, actor)
    scores: dict[str, int] = {}
    for criterion in criteria_for(app.scheme).items:
        text = form.text(f"score_{criterion.code}")
        if text and not (text.isdigit() and 0 <= int(text) <= MAX_SCORE):
            form.fail(f"score_{criterion.code}", "Give a whole number from 0 to 5.")
        elif text:
            scores[criterion.code] = int(text)
    if form.ok:
        with attempt(session, form):
            for code, score in scores.items():
                score_application(
                    session,
                    meeting_id,
                    app.id,
                    actor,
                    criterion=code,
                    score=score,
                    comment=form.values.get(f"comment_{code}", "").strip(),
                )
    if form.ok:
        return back_to(f"/committee/meetings/{meeting_id}?scored={app.id}")
    return _score_page(request, user, session, actor, meeting_id, application_id, form, 400)


@router.post(
    "/committee/meetings/{meeting_id}/applications/{application_id}/decision",
    dependencies=[Depends(needs(Action.DECIDE))],
)
async def record_decision(
    request: Request,
    meeting_id: str,
    application_id: str,
    user: CurrentUser,
    session: UnitOfWork,
    engine: RulesEngine,
) -> Response:
    """Record the committee's decision (the approver), with reasons in both languages."""
    actor = need(user, Action.DECIDE)
    form = await read_form(request)
    outcome = form.text(f"outcome_{application_id}", required=False)  # said below if none
    reasons_en = form.text(f"reasons_en_{application_id}")
    reasons_zh = form.text(f"reasons_zh_{application_id}")
    decided_on = parse_day(form, f"decided_on_{application_id}")
    if outcome not in {"supported", "not_supported"}:  # none chosen is no decision
        form.fail(f"outcome_{application_id}", "Choose supported or not supported.")
    if form.ok and decided_on is not None:
        with attempt(session, form, f"outcome_{application_id}"):
            decide(
                session,
                meeting_id,
                application_id,
                actor,
                supported=outcome == "supported",
                reasons_en=reasons_en,
                reasons_zh=reasons_zh,
                decided_on=decided_on,
                engine=engine,
            )
    if form.ok:
        return back_to(f"/committee/meetings/{meeting_id}?decided={application_id}")
    return _meeting_page(request, user, session, actor, meeting_id, form, 400)
