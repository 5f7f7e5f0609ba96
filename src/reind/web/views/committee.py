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

from fastapi import APIRouter, Request
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.responses import Response

from reind.core.clock import hk_today
from reind.core.errors import ConflictError, NotFoundError
from reind.core.money import Money
from reind.programme.actors import Actor, Role
from reind.programme.applications.access import get_application
from reind.programme.applications.contents import cost_lines, total_cost
from reind.programme.applications.workflow import workflow_for
from reind.programme.committee.criteria import MAX_SCORE, criteria_for
from reind.programme.committee.services import agenda_for, decide, score_application, scores_of
from reind.programme.committee.store import (
    AgendaItemRow,
    CommitteeDecisionRow,
    CommitteeRow,
    MeetingRow,
    MemberRow,
    ScoreRow,
)
from reind.programme.enterprises.store import EnterpriseRow
from reind.rules.store import load_decision
from reind.web.auth import CurrentUser
from reind.web.deps import RulesEngine, UnitOfWork, engine_of
from reind.web.i18n import negotiate
from reind.web.views.pages import Form, PageRoute, attempt, back_to, need, page, read_form
from reind.web.views.portal import category_label
from reind.web.views.portal_case import parse_day

router = APIRouter(route_class=PageRoute, include_in_schema=False)

READERS = (Role.COMMITTEE_MEMBER, Role.ASSESSOR, Role.APPROVER, Role.OFFICER)
MEMBERS = {Role.COMMITTEE_MEMBER, Role.ASSESSOR}


def _meetings(session: Session, actor: Actor) -> list[Any]:
    query = (
        select(MeetingRow, CommitteeRow)
        .join(CommitteeRow, CommitteeRow.id == MeetingRow.committee_id)
        .order_by(MeetingRow.held_on.desc())
    )
    if actor.role in MEMBERS:
        query = query.join(MemberRow, MemberRow.committee_id == CommitteeRow.id).where(
            MemberRow.person_id == actor.id
        )
    return list(session.execute(query).all())


@router.get("/committee")
def meetings(request: Request, user: CurrentUser, session: UnitOfWork) -> Response:
    """The meetings of the committees the user sits on (all, for the approver)."""
    actor = need(user, *READERS)
    return page(request, "committee/meetings.html", user, meetings=_meetings(session, actor))


def _meeting(session: Session, meeting_id: str) -> tuple[MeetingRow, CommitteeRow]:
    found = session.execute(
        select(MeetingRow, CommitteeRow)
        .join(CommitteeRow, CommitteeRow.id == MeetingRow.committee_id)
        .where(MeetingRow.id == meeting_id)
    ).first()
    if found is None:
        raise NotFoundError(f"no meeting {meeting_id}")
    return found[0], found[1]


def _meeting_page(
    request: Request,
    user: Any,
    session: Session,
    actor: Actor,
    meeting_id: str,
    form: Form | None = None,
    status_code: int = 200,
) -> Response:
    meeting, committee = _meeting(session, meeting_id)
    agenda = agenda_for(session, meeting_id, actor)
    items = []
    for app in agenda:
        criteria = criteria_for(app.scheme)
        weighted = criteria.weighted(scores_of(session, app.id))
        decision = session.execute(
            select(CommitteeDecisionRow).where(CommitteeDecisionRow.application_id == app.id)
        ).scalar_one_or_none()
        items.append(
            {
                "app": app,
                "enterprise": session.get(EnterpriseRow, app.enterprise_id),
                "state": workflow_for(app.scheme).label(app.state, "staff", negotiate(request)),
                "weighted": float(weighted),
                "pass_mark": criteria.pass_mark,
                "decision": decision,
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
        may_score=actor.role is Role.COMMITTEE_MEMBER,
        may_decide=actor.role is Role.APPROVER,
        today=hk_today(),
        values=form.values,
        errors=form.errors,
    )


@router.get("/committee/meetings/{meeting_id}")
def meeting_page(
    request: Request, meeting_id: str, user: CurrentUser, session: UnitOfWork
) -> Response:
    """A meeting's agenda (conflicted applications left out for a member)."""
    actor = need(user, *READERS)
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
    meeting, committee = _meeting(session, meeting_id)
    app = get_application(session, application_id, actor)  # refuses a conflicted member
    on_agenda = session.execute(
        select(AgendaItemRow.id)
        .where(AgendaItemRow.meeting_id == meeting_id)
        .where(AgendaItemRow.application_id == app.id)
    ).first()
    if on_agenda is None:
        raise ConflictError(f"{app.reference} is not on the agenda of this meeting")
    mine = {
        row.criterion: row
        for row in session.execute(
            select(ScoreRow)
            .join(MemberRow, MemberRow.id == ScoreRow.member_id)
            .where(MemberRow.person_id == actor.id)
            .where(MemberRow.committee_id == committee.id)
            .where(ScoreRow.application_id == app.id)
        ).scalars()
    }
    if form is None:
        form = Form()
        for code, row in mine.items():
            form.values[f"score_{code}"] = str(row.score)
            form.values[f"comment_{code}"] = row.comment
    decision = (
        load_decision(session, app.screening_decision_id) if app.screening_decision_id else None
    )
    return page(
        request,
        "committee/score.html",
        user,
        status_code=status_code,
        meeting=meeting,
        committee=committee,
        app=app,
        enterprise=session.get(EnterpriseRow, app.enterprise_id),
        scheme=engine_of(request).scheme(app.scheme),
        criteria=criteria_for(app.scheme),
        max_score=MAX_SCORE,
        lines=[(line, category_label(line.category)) for line in cost_lines(session, app.id)],
        total=total_cost(session, app.id),
        decision=decision,
        may_score=actor.role is Role.COMMITTEE_MEMBER and app.state == "vetting_committee",
        scored=bool(mine),
        values=form.values,
        errors=form.errors,
        Money=Money,
    )


@router.get("/committee/meetings/{meeting_id}/applications/{application_id}")
def score_form(
    request: Request,
    meeting_id: str,
    application_id: str,
    user: CurrentUser,
    session: UnitOfWork,
) -> Response:
    """An application on the agenda, with the scoring form (refused if conflicted)."""
    actor = need(user, *READERS)
    return _score_page(request, user, session, actor, meeting_id, application_id)


@router.post("/committee/meetings/{meeting_id}/applications/{application_id}")
async def save_scores(
    request: Request,
    meeting_id: str,
    application_id: str,
    user: CurrentUser,
    session: UnitOfWork,
) -> Response:
    """Save the member's scores (0 to 5) and comments, one per criterion."""
    actor = need(user, Role.COMMITTEE_MEMBER)
    form = await read_form(request)
    app = get_application(session, application_id, actor)
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


@router.post("/committee/meetings/{meeting_id}/applications/{application_id}/decision")
async def record_decision(
    request: Request,
    meeting_id: str,
    application_id: str,
    user: CurrentUser,
    session: UnitOfWork,
    engine: RulesEngine,
) -> Response:
    """Record the committee's decision (the approver), with reasons in both languages."""
    actor = need(user, Role.APPROVER)
    form = await read_form(request)
    outcome = form.text(f"outcome_{application_id}")
    reasons_en = form.text(f"reasons_en_{application_id}")
    reasons_zh = form.text(f"reasons_zh_{application_id}")
    decided_on = parse_day(form, f"decided_on_{application_id}")
    if outcome and outcome not in {"supported", "not_supported"}:
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
