"""The applicant's notice settings: which e-mails they want, one switch per kind of notice.

Every kind is sent unless the person turns it off (``notices.preferences``);
a notice turned off is never written to the outbox.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from reind.programme.notices.preferences import KINDS, preferences_of, set_preferences
from reind.programme.permissions import Action
from reind.web.auth import CurrentUser, needs
from reind.web.deps import UnitOfWork
from reind.web.views.pages import PageRoute, back_to, need, page, read_form

router = APIRouter(route_class=PageRoute, include_in_schema=False)


@router.get("/portal/notices", dependencies=[Depends(needs(Action.USE_PORTAL))])
def notices(request: Request, user: CurrentUser, session: UnitOfWork) -> Response:
    """Each kind of notice, and whether it comes by e-mail."""
    actor = need(user, Action.USE_PORTAL)
    return page(
        request,
        "portal/notices.html",
        user,
        kinds=KINDS,
        wanted=preferences_of(session, user.id, actor),
        saved=request.query_params.get("saved") == "1",
    )


@router.post("/portal/notices", dependencies=[Depends(needs(Action.USE_PORTAL))])
async def save(request: Request, user: CurrentUser, session: UnitOfWork) -> Response:
    """Keep the choices: a box left unticked turns that kind of notice off."""
    actor = need(user, Action.USE_PORTAL)
    form = await read_form(request)
    set_preferences(session, user.id, {k: form.values.get(k) == "on" for k in KINDS}, actor)
    return back_to("/portal/notices?saved=1")
