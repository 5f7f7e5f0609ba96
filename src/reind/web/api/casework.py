"""``/api/v1/applications/{id}/assignment`` and ``/api/v1/applications/bulk``: casework.

Give a case to an officer or an assessor; take one step on many cases.

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
from reind.programme.applications.bulk import take_step_on_many
from reind.programme.permissions import Action
from reind.web.api.application_schemas import ApplicationPublic, application_public
from reind.web.api.common import Schema, set_etag
from reind.web.auth import CurrentActor, require
from reind.web.deps import RulesEngine, UnitOfWork
from reind.web.i18n import error_text

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


class BulkCreate(Schema):
    """One step taken on many cases."""

    application_ids: list[str] = Field(min_length=1, max_length=500)
    step: str = Field(
        pattern=r"^[a-z][a-z_]*$",
        description="`assign` (to officer `to`), `screen`, or a workflow action "
        "(`start_screening`, `pass_screening`, `refer_to_committee`, `withdraw` ...).",
        examples=["pass_screening"],
    )
    to: str = Field(default="", max_length=64, description="For `assign`: the officer's actor id.")
    note: str = Field(
        default="",
        max_length=2000,
        description="The reason (for `assign`) or the note for the file.",
    )
    all_or_none: bool = Field(
        default=True,
        description="True: one refusal keeps nothing. False: each case that can go is kept.",
    )


class BulkResult(Schema):
    """What became of one case."""

    application_id: str
    reference: str
    done: bool
    status: int | None = Field(default=None, description="The refusal's HTTP status.")
    detail: str | None = None
    detail_zh_hant: str | None = None


class BulkPublic(Schema):
    """Each case's result, and whether what was done was kept."""

    kept: bool
    done: int = Field(description="How many cases took the step and were kept.")
    results: list[BulkResult]


@router.post(
    "/applications/bulk",
    response_model=BulkPublic,
    dependencies=[Depends(require(Action.SCREEN))],
)
def bulk(
    body: BulkCreate, actor: CurrentActor, session: UnitOfWork, engine: RulesEngine
) -> BulkPublic:
    """Take one step on many cases: all or none (the default), or each case that can go."""
    batch = take_step_on_many(
        session,
        body.application_ids,
        body.step,
        actor,
        note=body.note,
        to=body.to,
        engine=engine,
        all_or_none=body.all_or_none,
    )
    results = [
        BulkResult(
            application_id=r.application_id,
            reference=r.reference,
            done=r.done and batch.kept,
            status=r.refusal.status if r.refusal else None,
            detail=r.refusal.localized("en") if r.refusal else None,
            detail_zh_hant=error_text(r.refusal, "zh-Hant") if r.refusal else None,
        )
        for r in batch.results
    ]
    return BulkPublic(kept=batch.kept, done=sum(r.done for r in results), results=results)
