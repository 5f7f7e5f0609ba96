"""Notice settings: which e-mails a person wants, one switch per kind of notice.

Every kind is sent unless the person turns it off (``notices.preferences``);
a notice turned off is never written to the outbox. Applicants keep theirs in
the portal; staff (a case assigned to them) on ``/account/notices``. Each is
offered only the kinds their role gets (``kinds_for``).
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from sqlalchemy.orm import Session
from starlette.responses import Response

from reind.programme.accounts.views import UserView
from reind.programme.notices.preferences import kinds_for, preferences_of, set_preferences
from reind.programme.permissions import Action
from reind.web.auth import CurrentUser, needs
from reind.web.deps import UnitOfWork
from reind.web.views.pages import PageRoute, back_to, need, page, read_form

router = APIRouter(route_class=PageRoute, include_in_schema=False)
STAFF_INTRO = (
    "We e-mail you, in English and Chinese, when a case is assigned to you. "
    "Untick what you do not want by e-mail; it is still shown on your pages."
)


def _settings(
    request: Request, user: UserView, session: Session, action: Action, at: str
) -> Response:
    actor = need(user, action)
    return page(
        request,
        "portal/notices.html",
        user,
        kinds=kinds_for(user.role),
        wanted=preferences_of(session, user.id, actor),
        saved=request.query_params.get("saved") == "1",
        post_to=at,
        intro=STAFF_INTRO if at.startswith("/account") else None,
    )


async def _save(
    request: Request, user: UserView, session: Session, action: Action, at: str
) -> Response:
    actor = need(user, action)
    form = await read_form(request)
    wanted = {k: form.values.get(k) == "on" for k in kinds_for(user.role)}
    set_preferences(session, user.id, wanted, actor)
    return back_to(f"{at}?saved=1")


@router.get("/portal/notices", dependencies=[Depends(needs(Action.USE_PORTAL))])
def notices(request: Request, user: CurrentUser, session: UnitOfWork) -> Response:
    """Each kind of notice, and whether it comes by e-mail."""
    return _settings(request, user, session, Action.USE_PORTAL, "/portal/notices")


@router.post("/portal/notices", dependencies=[Depends(needs(Action.USE_PORTAL))])
async def save(request: Request, user: CurrentUser, session: UnitOfWork) -> Response:
    """Keep the choices: a box left unticked turns that kind of notice off."""
    return await _save(request, user, session, Action.USE_PORTAL, "/portal/notices")


@router.get("/account/notices", dependencies=[Depends(needs(Action.OWN_SESSION))])
def staff_notices(request: Request, user: CurrentUser, session: UnitOfWork) -> Response:
    """A member of staff's notices (a case assigned to them), and whether each comes by e-mail."""
    return _settings(request, user, session, Action.OWN_SESSION, "/account/notices")


@router.post("/account/notices", dependencies=[Depends(needs(Action.OWN_SESSION))])
async def save_staff(request: Request, user: CurrentUser, session: UnitOfWork) -> Response:
    """Keep a member of staff's choices."""
    return await _save(request, user, session, Action.OWN_SESSION, "/account/notices")
