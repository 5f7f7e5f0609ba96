"""``/api/v1/applications/{id}/assignment``: give a case to an officer or an assessor.

Each handler is one service call (``applications.assignment``); the service
checks who may assign (``ASSIGN_CASES``), whom (an active officer or
assessor) and records why in the audit chain.
"""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, Response
from pydantic import Field

from reind.programme.applications import views
from reind.programme.applications.assignment import assign_case
from reind.programme.permissions import Action
from reind.web.api.application_schemas import ApplicationPublic, application_public
from reind.web.api.common import Schema, set_etag
from reind.web.auth import CurrentActor, require
from reind.web.deps import UnitOfWork

router = APIRouter(prefix="/api/v1", tags=["applications"])


class AssignmentCreate(Schema):
    """Whom a case is given to, in which duty, and why."""

    to: str = Field(
        min_length=1, max_length=64, description="The actor id of an active officer or assessor."
    )
    duty: Literal["officer", "assessor"] = Field(
        default="officer",
        description="`officer` replaces the case's officer; `assessor` adds one more assessor.",
    )
    reason: str = Field(min_length=1, max_length=2000, description="Why: kept in the audit chain.")


@router.post(
    "/applications/{application_id}/assignment",
    response_model=ApplicationPublic,
    dependencies=[Depends(require(Action.ASSIGN_CASES))],
)
def assign(
    application_id: str,
    body: AssignmentCreate,
    actor: CurrentActor,
    session: UnitOfWork,
    response: Response,
) -> ApplicationPublic:
    """Assign (or reassign) a case to an officer, or add an assessor to it, saying why."""
    row = assign_case(session, application_id, body.to, actor, reason=body.reason, duty=body.duty)
    set_etag(response, row.version)
    return application_public(views.application_view(row), actor)
