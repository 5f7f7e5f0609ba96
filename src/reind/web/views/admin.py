"""The administrator's screens: the notices outbox, the scheme parameters in force.

The demo keeps its mail in the outbox (no ``REIND_SMTP_URL``), so this page
is where the e-mails a change wrote can be read; on a server with a mail
server it shows what is waiting, what was sent and what failed, and why.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from reind.core.clock import hk_today
from reind.programme.notices import outbox_page
from reind.programme.permissions import Action
from reind.web.auth import CurrentUser, needs
from reind.web.deps import UnitOfWork, engine_of
from reind.web.i18n import negotiate
from reind.web.views.lists import day
from reind.web.views.pages import PageRoute, need, page
from reind.web.views.words import words_for

router = APIRouter(route_class=PageRoute, include_in_schema=False)

OUTBOX_STATES = {"pending": "Waiting to be sent", "sent": "Sent", "failed": "Given up"}
"""Each outbox state in words (msgids)."""


@router.get("/admin/outbox", dependencies=[Depends(needs(Action.ADMINISTER_SYSTEM))])
def outbox(request: Request, user: CurrentUser, session: UnitOfWork) -> Response:
    """The newest 100 notices, optionally only those in one state."""
    need(user, Action.ADMINISTER_SYSTEM)
    state = request.query_params.get("state") or None
    return page(
        request,
        "admin/outbox.html",
        user,
        items=outbox_page(session, state if state in OUTBOX_STATES else None),
        states=OUTBOX_STATES,
        state=state,
    )


@router.get("/admin/parameters", dependencies=[Depends(needs(Action.ADMINISTER_SYSTEM))])
def parameters(request: Request, user: CurrentUser) -> Response:
    """Every scheme's parameters in force on a day, with their full sources (read-only).

    Unlike the public scheme pages, this shows every source as recorded, the
    unofficial ones and the notes included: it is the list of what to confirm.
    """
    need(user, Action.ADMINISTER_SYSTEM)
    engine = engine_of(request)
    on = day(request, "as_of") or hk_today()
    schemes = [(scheme, engine.in_force(scheme.code, on)) for scheme in engine.schemes]
    return page(
        request,
        "admin/parameters.html",
        user,
        status_code=200,
        schemes=schemes,
        day=on,
        rules_version=engine.rules_version,
        **words_for(engine, negotiate(request)),
    )
