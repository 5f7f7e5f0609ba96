"""The committee secretariat's screen: referred cases put on a meeting's agenda, many at once.

A case referred to the vetting committee reaches a decision only once it is
on a meeting's agenda. The officer sees every referred case no agenda holds
yet (``committee.agenda.awaiting_agenda``), ticks the ones to take, chooses
a meeting of their scheme's committee on or after today, and puts them all
on it in one go (each through ``place_on_agenda``, with its audit event, in the loop every
bulk action shares: ``applications.bulk.each_case``).
A case that cannot go (another scheme's committee, no longer referred) is
named with the reason and nothing of that submission is kept.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from sqlalchemy.orm import Session
from starlette.responses import Response

from reind.core.clock import hk_today
from reind.programme.accounts.views import UserView
from reind.programme.applications.bulk import each_case
from reind.programme.committee import views as committee_views
from reind.programme.committee.agenda import awaiting_agenda, place_on_agenda
from reind.programme.permissions import Action
from reind.web.auth import CurrentUser, needs
from reind.web.deps import UnitOfWork
from reind.web.i18n import error_text
from reind.web.views.pages import Form, PageRoute, back_to, need, page, read_form

router = APIRouter(route_class=PageRoute, include_in_schema=False)


def _agenda_page(
    request: Request,
    user: UserView,
    session: Session,
    form: Form | None = None,
    status: int = 200,
    ticked: tuple[str, ...] = (),
) -> Response:
    actor = need(user, Action.RUN_COMMITTEES)
    today = hk_today()
    meetings = [
        (meeting, committee)
        for meeting, committee in committee_views.meetings_for(session, actor)
        if meeting.held_on >= today
    ]
    meetings.sort(key=lambda pair: pair[0].held_on)
    form = form or Form()
    return page(
        request,
        "workbench/agenda.html",
        user,
        status_code=status,
        cases=awaiting_agenda(session, actor),
        meetings=meetings,
        ticked=set(ticked),
        placed=request.query_params.get("placed"),
        values=form.values,
        errors=form.errors,
    )


@router.get("/workbench/agenda", dependencies=[Depends(needs(Action.RUN_COMMITTEES))])
def agenda(request: Request, user: CurrentUser, session: UnitOfWork) -> Response:
    """The referred cases waiting for an agenda, and the meetings they can go to."""
    return _agenda_page(request, user, session)


@router.post("/workbench/agenda", dependencies=[Depends(needs(Action.RUN_COMMITTEES))])
async def schedule(request: Request, user: CurrentUser, session: UnitOfWork) -> Response:
    """Put every ticked case on the chosen meeting's agenda, in the order listed: all or none."""
    actor = need(user, Action.RUN_COMMITTEES)
    data = await request.form()
    form = await read_form(request)
    ids = [str(v) for v in data.getlist("application_id")]
    meeting_id = form.text("meeting_id")
    if not ids:
        form.fail("application_id", "Tick at least one case.")
    if form.ok:
        batch = each_case(
            session, ids, lambda case: place_on_agenda(session, meeting_id, case, actor)
        )
        if batch.kept:
            return back_to(f"/workbench/agenda?placed={len(ids)}")
        failed = [error_text(r.refusal, form.lang) for r in batch.refused if r.refusal]
        form.fail("application_id", "; ".join(failed))
    return _agenda_page(request, user, session, form, 400, tuple(ids))
