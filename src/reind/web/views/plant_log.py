"""``/plant/{line}/commands``: the plant's command log for one line, newest first.

Read from the database, so it opens with or without a plant connected: the
plant engineer checks what was done on the line, an auditor reads it
(``Action.READ_PLANT_LOG``). The chain is verified on every view.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from reind.core.clock import HONG_KONG
from reind.factory.commands import command_log, verify_command_log
from reind.programme.actors import Actor
from reind.programme.permissions import Action, ensure
from reind.web.auth import current_actor
from reind.web.deps import UnitOfWork, platform_of
from reind.web.i18n import negotiate
from reind.web.templating import render
from reind.web.views.pages import PageRoute

router = APIRouter(prefix="/plant", route_class=PageRoute)


def log_reader(actor: Annotated[Actor, Depends(current_actor)]) -> Actor:
    """The plant engineer and auditors read the command log."""
    ensure(actor, Action.READ_PLANT_LOG)
    return actor


log_reader.reind_action = Action.READ_PLANT_LOG  # type: ignore[attr-defined]  # route census


@router.get("/{line_id}/commands")
def commands(
    request: Request,
    line_id: str,
    session: UnitOfWork,
    _reader: Annotated[Actor, Depends(log_reader)],
) -> Response:
    """Who did what on the line, when, and the value before and after."""
    return render(
        request,
        "plant/commands.html",
        line_id=line_id,
        line_title=_title(request, line_id),
        entries=command_log(session, line_id),
        broken_at=verify_command_log(session),
        hk=HONG_KONG,
    )


def _title(request: Request, line_id: str) -> str:
    """The line's name in the reader's language; its id when no plant is connected."""
    link = platform_of(request.app).plant
    if link is None or line_id not in link.lines:
        return line_id
    return link.lines[line_id].title(negotiate(request))
