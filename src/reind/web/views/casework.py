"""The officer's own cases: assigning a case (to an officer or an assessor) and "My cases".

A case is given to an officer, with a reason, on its page (``assign_case``
records the event and tells the person by e-mail); "My cases" lists, a page
at a time, every case assigned to the signed-in officer whatever its state.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from reind.programme.applications.assignment import assign_case
from reind.programme.applications.lists import ApplicationFilters, list_applications
from reind.programme.permissions import Action
from reind.web.auth import CurrentUser, needs
from reind.web.deps import ReadSide, UnitOfWork
from reind.web.i18n import negotiate
from reind.web.views.lists import base_url, quick
from reind.web.views.pages import PageRoute, attempt, back_to, need, page, read_form
from reind.web.views.workbench import QUEUE_ORDER, SORT_LABELS, render_case, staff_labels

router = APIRouter(route_class=PageRoute, include_in_schema=False)


@router.get("/workbench/mine", dependencies=[Depends(needs(Action.SCREEN))])
def my_cases(
    request: Request,
    user: CurrentUser,
    session: ReadSide,
    sort: str = "reference",
    cursor: str | None = None,
) -> Response:
    """Every case assigned to the signed-in officer, a page at a time, in every state."""
    actor = need(user, Action.SCREEN)
    q = (request.query_params.get("q") or "").strip() or None
    filters = ApplicationFilters(assigned_officer=actor.id, q=q)
    rows = list_applications(session, filters, sort=sort, cursor=cursor, quick=quick(request))
    return page(
        request,
        "workbench/mine.html",
        user,
        rows=rows,
        filters=filters,
        sort=sort,
        sorts=SORT_LABELS,
        base=base_url(request),
        labels=staff_labels(list(QUEUE_ORDER), negotiate(request)),
    )


@router.post(
    "/workbench/applications/{application_id}/assignment",
    dependencies=[Depends(needs(Action.ASSIGN_CASES))],
)
async def assign(
    request: Request, application_id: str, user: CurrentUser, session: UnitOfWork
) -> Response:
    """Give the case to the chosen officer (or add an assessor), with the reason."""
    actor = need(user, Action.ASSIGN_CASES)
    form = await read_form(request)
    duty = form.values.get("duty", "officer")
    field, why = ("assessor", "assessor_reason") if duty == "assessor" else ("officer", "reason")
    to = form.text(field)
    reason = form.text(why)
    if form.ok:
        with attempt(session, form, why):
            assign_case(session, application_id, to, actor, reason=reason, duty=duty)
    if form.ok:
        return back_to(f"/workbench/applications/{application_id}?assigned={duty}#assignment")
    return render_case(request, user, session, actor, application_id, form, 400)
