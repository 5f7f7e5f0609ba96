"""Moving applications through their workflow, and screening them.

``transition_application`` is the one way an application changes state: it
checks the workflow (role allowed, conditions met), applies the change and
appends the audit event in the same transaction. ``screen_application``
runs the scheme's eligibility and grant formula and keeps the Decision.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from reind.core.clock import Clock, hk_today
from reind.core.errors import ConflictError, InvalidInputError, NotFoundError
from reind.core.money import Money
from reind.programme import audit
from reind.programme.actors import Actor
from reind.programme.applications.access import get_application
from reind.programme.applications.contents import total_cost
from reind.programme.applications.services import facts_of
from reind.programme.applications.store import ApplicationRow
from reind.programme.applications.workflow import (
    Transition,
    action_words,
    state_words,
    workflow_for,
)
from reind.programme.committee.store import CommitteeDecisionRow
from reind.programme.enterprises.registry import connected_group
from reind.programme.enterprises.store import EnterpriseRow
from reind.programme.money.ledgers import open_ledger
from reind.programme.money.store import AgreementRow, LedgerRow, MilestoneRow
from reind.programme.notices.outbox import notice_for_action, notify_applicants
from reind.programme.permissions import Action, ensure
from reind.programme.uow import flush
from reind.rules.decision import Decision, Outcome
from reind.rules.engine import Engine
from reind.rules.store import save_decision


def transition_application(
    session: Session,
    application_id: str,
    action: str,
    actor: Actor,
    *,
    note: str = "",
    clock: Clock | None = None,
) -> ApplicationRow:
    """Take ``action`` on an application if the workflow allows ``actor`` to.

    Submitting dates the application: ``received`` is the day in Hong Kong on
    ``clock`` (the server's), never a date the caller chose, because it
    decides which rules apply; ``correct_received_date`` is the one way to
    change it afterwards.
    """
    ensure(actor, Action.MOVE_CASES)  # the system takes none: transitions are people's
    app = get_application(session, application_id, actor)
    step = workflow_for(app.scheme).transition(app.state, action, actor.role)
    _check_guards(session, app, step)
    before = app.state
    app.state = step.target
    if step.action == "submit":
        app.received = app.received or hk_today(clock)
        open_ledger(session, app)
    flush(session, f"application {app.reference}")
    audit.record_at_commit(
        session,
        actor,
        "application.transitioned",
        "application",
        app.id,
        {"action": action, "from": before, "to": step.target, "note": note},
        clock,
    )
    _tell_applicant(session, app, action, note, clock)
    return app


def _tell_applicant(
    session: Session, app: ApplicationRow, action: str, note: str, clock: Clock | None
) -> None:
    """Queue the notice this step sends the applicant (in this transaction), if any."""
    kind = notice_for_action(action)
    if kind is None:
        return
    workflow = workflow_for(app.scheme)
    values = {
        "reference": app.reference,
        "title": app.title,
        "day": (app.received or hk_today(clock)).isoformat(),
        "note": note or "-",
        "state_en": workflow.label(app.state, "applicant", "en"),
        "state_zh": workflow.label(app.state, "applicant", "zh-Hant"),
    }
    notify_applicants(session, kind, app.enterprise_id, ("application", app.id), values, clock)


CORRECTABLE = frozenset({"submitted", "screening"})
"""States in which a received date may still be corrected: before screening has passed."""


def correct_received_date(
    session: Session,
    application_id: str,
    received: date,
    reason: str,
    actor: Actor,
    *,
    clock: Clock | None = None,
) -> ApplicationRow:
    """An officer corrects a submitted application's received date, giving the reason.

    The date decides which rules apply, so it is corrected only by staff,
    only before screening has passed, never into the future, and a stored
    screening decision (made on the old date) is set aside so the case is
    screened again. The event keeps the old date, the new one and the reason.
    """
    ensure(actor, Action.CORRECT_RECEIVED_DATES)
    if not reason.strip():
        raise InvalidInputError(
            "a correction of the received date needs a reason", zh="更正收件日期須說明理由"
        )
    if received > hk_today(clock):
        raise InvalidInputError(
            f"a received date cannot be in the future ({received.isoformat()})",
            zh=f"收件日期不可是未來日期（{received.isoformat()}）",
        )
    app = get_application(session, application_id, actor)
    if app.received is None or app.state not in CORRECTABLE:
        raise ConflictError(
            "the received date of {reference} can be corrected only after submission "
            "and before screening passes; it is {state}",
            reference=app.reference,
            state=state_words(app.scheme, app.state),
        )
    before = app.received
    set_aside = app.screening_decision_id
    app.received = received
    app.screening_decision_id = None
    flush(session, f"application {app.reference}")
    audit.record_at_commit(
        session,
        actor,
        "application.received_corrected",
        "application",
        app.id,
        {
            "from": before.isoformat(),
            "to": received.isoformat(),
            "reason": reason.strip(),
            "screening_set_aside": set_aside,
        },
        clock,
    )
    return app


def _check_guards(session: Session, app: ApplicationRow, step: Transition) -> None:
    for guard in sorted(step.requires):
        if guard == "screening_decision" and app.screening_decision_id is None:
            raise ConflictError(
                "“{action}”: screen the application first", action=action_words(step.action)
            )
        if guard == "committee_decision" and _committee_outcome(session, app.id) is None:
            raise ConflictError(
                "“{action}”: the committee has not decided yet", action=action_words(step.action)
            )
        if (
            guard == "agreement"
            and session.execute(
                select(AgreementRow.id).where(AgreementRow.application_id == app.id)
            ).first()
            is None
        ):
            raise ConflictError(
                "“{action}”: there is no signed agreement yet", action=action_words(step.action)
            )
        if guard == "milestones_achieved":
            _check_milestones(session, app, step)


def _check_milestones(session: Session, app: ApplicationRow, step: Transition) -> None:
    """A project is completed only once every milestone of its agreement is achieved."""
    open_ones = session.execute(
        select(MilestoneRow.title)
        .join(AgreementRow, AgreementRow.id == MilestoneRow.agreement_id)
        .where(AgreementRow.application_id == app.id)
        .where(MilestoneRow.achieved_on.is_(None))
        .order_by(MilestoneRow.due_on)
    ).scalars()
    titles = list(open_ones)
    if titles:
        raise ConflictError(
            f"{step.action}: milestones not yet achieved: {', '.join(titles)}",
            zh=f"尚有里程碑未達成，項目未能完成：{'、'.join(titles)}",
            milestones=titles,
        )


def _committee_outcome(session: Session, application_id: str) -> str | None:
    return session.execute(
        select(CommitteeDecisionRow.outcome).where(
            CommitteeDecisionRow.application_id == application_id
        )
    ).scalar_one_or_none()


def case_inputs(
    session: Session, app: ApplicationRow, engine: Engine, *, as_at: date | None = None
) -> dict[str, Any]:
    """The scheme formula's inputs, from the application, its enterprise and its group.

    ``as_at`` stands in for the received date of a draft (an estimate before submitting).
    """
    scheme = engine.scheme(app.scheme)
    enterprise = session.get(EnterpriseRow, app.enterprise_id)
    if enterprise is None:
        raise NotFoundError("no enterprise {enterprise_id}", enterprise_id=app.enterprise_id)
    received = app.received or as_at
    if received is None:
        raise ConflictError(
            "application {reference} has no received date yet", reference=app.reference
        )
    known: dict[str, Any] = {
        "received": received.isoformat(),
        "total_cost": str(total_cost(session, app.id).amount),
        "amount_requested": str(Money(app.amount_requested_cents).amount),
        "incorporated_under": enterprise.incorporation,
        "business_registration": bool(enterprise.br_number),
        "employees": enterprise.employees,
        "employees_in_hk": enterprise.employees,
        "manufacturing": enterprise.manufacturing,
        "listed": enterprise.listed,
        "prior_approvals": prior_approvals(session, app),
    }
    fields = scheme.inputs.model_fields
    inputs = {name: value for name, value in known.items() if name in fields}
    inputs.update(facts_of(app))
    return inputs


def screening_case(session: Session, application_id: str, engine: Engine) -> dict[str, Any]:
    """The inputs screening would give the scheme for this application (``case_inputs``).

    For readers outside the aggregate (the portfolio what-if), which hold an
    id, not a row.
    """
    app = session.get(ApplicationRow, application_id)
    if app is None:
        raise NotFoundError("no application {application_id}", application_id=application_id)
    return case_inputs(session, app, engine)


def prior_approvals(session: Session, app: ApplicationRow) -> list[dict[str, Any]]:
    """Grants approved to the enterprise's group under the same scheme, other projects."""
    group = connected_group(session, app.enterprise_id)
    rows = session.execute(
        select(LedgerRow, ApplicationRow)
        .join(ApplicationRow, ApplicationRow.id == LedgerRow.application_id)
        .where(LedgerRow.enterprise_id.in_(group))
        .where(LedgerRow.scheme == app.scheme)
        .where(LedgerRow.application_id != app.id)
        .where(LedgerRow.approved_cents > 0)
        .order_by(ApplicationRow.received)
    ).all()
    workflow = workflow_for(app.scheme)
    return [
        {
            "amount": str(Money(ledger.approved_cents).amount),
            "approved_on": (other.received or app.received or date.min).isoformat(),
            "ongoing": workflow.is_open(other.state) and other.state != "completed",
        }
        for ledger, other in rows
    ]


def screen_application(
    session: Session,
    application_id: str,
    actor: Actor,
    *,
    engine: Engine,
    clock: Clock | None = None,
) -> Decision:
    """Run the scheme's formula on an application in screening and keep the Decision."""
    ensure(actor, Action.SCREEN)
    app = get_application(session, application_id, actor)
    if app.state != "screening":
        raise ConflictError(
            "only an application in screening can be screened (this application: {state})",
            state=state_words(app.scheme, app.state),
        )
    try:
        decision = engine.decide(app.scheme, case_inputs(session, app, engine))
    except InvalidInputError as exc:
        raise InvalidInputError(
            "{reference} cannot be screened yet: {problem}", reference=app.reference, problem=exc
        ) from None
    decision_id = save_decision(session, decision)
    app.screening_decision_id = decision_id
    flush(session, f"application {app.reference}")
    audit.record_at_commit(
        session,
        actor,
        "application.screened",
        "application",
        app.id,
        {
            "decision_id": decision_id,
            "outcome": decision.outcome.value,
            "amount": str(decision.amount.amount),
            "rules_version": decision.rules_version,
            "as_at": decision.as_at.isoformat(),
        },
        clock,
    )
    return decision


def screening_passed(decision_outcome: str) -> bool:
    """True when a screening outcome lets the application go on to assessment."""
    return decision_outcome in {Outcome.ELIGIBLE.value, Outcome.TENTATIVE.value}
