"""A draft before it is submitted: edit it, and see what the rules would grant.

An applicant saves a draft, reads it back, and changes it as often as needed
until it is submitted; ``edit_draft`` replaces the title, the amount asked,
the answers and the whole budget in one audited step (checked as a new draft
is). ``estimate_grant`` runs the scheme's formula on the draft as it stands,
as screening would on the day it is asked, without keeping the decision:
the applicant sees the likely grant and its reasons before submitting.
"""

from __future__ import annotations

from sqlalchemy import delete
from sqlalchemy.orm import Session

from reind.core.clock import Clock, hk_today
from reind.core.errors import ConflictError, InvalidInputError
from reind.programme import audit
from reind.programme.actors import Actor
from reind.programme.applications.access import get_application
from reind.programme.applications.services import (
    ApplicationDraft,
    line_row,
    prepare_application,
)
from reind.programme.applications.store import ApplicationRow, CostLineRow
from reind.programme.applications.transitions import case_inputs
from reind.programme.applications.workflow import state_words
from reind.programme.permissions import Action, ensure
from reind.programme.uow import flush
from reind.rules.decision import Decision
from reind.rules.engine import Engine

EDITABLE = frozenset({"draft"})
"""States in which the applicant may still change the whole application."""


def edit_draft(
    session: Session,
    application_id: str,
    draft: ApplicationDraft,
    actor: Actor,
    *,
    engine: Engine,
    clock: Clock | None = None,
) -> ApplicationRow:
    """Replace a draft's title, amount asked, answers and budget (checked as a new draft)."""
    ensure(actor, Action.WRITE_DRAFTS)
    app = get_application(session, application_id, actor)
    if app.state not in EDITABLE:
        raise ConflictError(
            "only a draft can be changed, not an application that is {state}",
            state=state_words(app.scheme, app.state),
        )
    if draft.enterprise_id != app.enterprise_id or draft.scheme != app.scheme:
        raise InvalidInputError("a draft keeps its scheme and enterprise")
    checked = prepare_application(draft, actor, engine=engine, clock=clock)
    app.title = checked.title
    app.amount_requested_cents = checked.amount_requested_cents
    app.facts = checked.facts
    session.execute(delete(CostLineRow).where(CostLineRow.application_id == app.id))
    for line in checked.cost_lines:
        session.add(line_row(app.id, line))
    flush(session, f"application {app.reference}")
    audit.record_at_commit(
        session,
        actor,
        "application.updated",
        "application",
        app.id,
        {
            "title": checked.title,
            "amount_requested": checked.audit_payload["amount_requested"],
            "cost_lines": checked.audit_payload["cost_lines"],
        },
        clock,
    )
    return app


def estimate_grant(
    session: Session,
    application_id: str,
    actor: Actor,
    *,
    engine: Engine,
    clock: Clock | None = None,
) -> Decision | None:
    """What the scheme's formula gives the draft if it were received today (not kept).

    None when the rules cannot judge it yet (an answer is missing or malformed).
    """
    app = get_application(session, application_id, actor)
    inputs = case_inputs(session, app, engine, as_at=app.received or hk_today(clock))
    try:
        return engine.decide(app.scheme, inputs)
    except InvalidInputError:
        return None
