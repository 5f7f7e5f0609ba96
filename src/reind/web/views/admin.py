"""The administrator's screens: the notices outbox.

The demo keeps its mail in the outbox (no ``REIND_SMTP_URL``), so this page
is where the e-mails a change wrote can be read; on a server with a mail
server it shows what is waiting, what was sent and what failed, and why.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from reind.programme.actors import Role
from reind.programme.notices import outbox_page
from reind.web.auth import CurrentUser
from reind.web.deps import UnitOfWork
from reind.web.views.pages import PageRoute, need, page

router = APIRouter(route_class=PageRoute, include_in_schema=False)

OUTBOX_STATES = {"pending": "Waiting to be sent", "sent": "Sent", "failed": "Given up"}
"""Each outbox state in words (msgids)."""


@router.get("/admin/outbox")
def outbox(request: Request, user: CurrentUser, session: UnitOfWork) -> Response:
    """The newest 100 notices, optionally only those in one state."""
    need(user, Role.ADMINISTRATOR)
    state = request.query_params.get("state") or None
    return page(
        request,
        "admin/outbox.html",
        user,
        items=outbox_page(session, state if state in OUTBOX_STATES else None),
        states=OUTBOX_STATES,
        state=state,
    )
