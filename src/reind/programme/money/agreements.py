"""Services for agreements, milestones and reports: committing the money.

Signing the agreement commits its grant in the ledger, after checking it
against the approved grant and the scheme's cumulative cap across the
enterprise and its connected enterprises (parameter ``enterprise_total_cap``
in force on the received date).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from reind.core.clock import Clock
from reind.core.errors import ConflictError, InvalidInputError, NotFoundError, RuleError
from reind.core.money import Money
from reind.programme import audit
from reind.programme.actors import Actor
from reind.programme.applications.access import get_application
from reind.programme.applications.services import optional_parameter
from reind.programme.applications.store import ApplicationRow
from reind.programme.applications.transitions import transition_application
from reind.programme.enterprises.registry import connected_group
from reind.programme.enterprises.store import EnterpriseRow
from reind.programme.money.ledger import check_enterprise_cap
from reind.programme.money.ledgers import ledger_columns, ledger_from, lock_ledger
from reind.programme.money.store import AgreementRow, LedgerRow, MilestoneRow, ProgressReportRow
from reind.programme.permissions import Action, ensure
from reind.programme.uow import flush
from reind.rules.engine import Engine

REPORT_KINDS = {"progress", "final", "post_completion"}


def approve_grant(
    session: Session, application_id: str, grant: Money, actor: Actor, clock: Clock | None = None
) -> None:
    """Record the grant approved for an application (by the approver, on support)."""
    ensure(actor, Action.APPROVE_GRANTS)
    row = lock_ledger(session, application_id)
    held = ledger_from(row)
    if grant > held.applied:
        raise ConflictError(
            f"the approved grant {grant} is more than the {held.applied} applied for",
            zh=f"批出資助 {grant} 多於申請金額 {held.applied}",
            invariant="approved grant <= applied",
        )
    ledger = held.approve(grant)
    for name, value in ledger_columns(ledger).items():
        setattr(row, name, value)
    flush(session, "the project ledger")
    audit.record_at_commit(
        session,
        actor,
        "money.approved",
        "application",
        application_id,
        {"amount": str(grant.amount)},
        clock,
    )


def cumulative_cap(engine: Engine, app: ApplicationRow) -> Money | None:
    """The scheme's enterprise-wide cap in force on the received date, if it has one."""
    parameter = optional_parameter(engine, app.scheme, "enterprise_total_cap")
    if parameter is None or app.received is None:
        return None
    value = parameter.at(app.received)
    return value.value if value is not None and isinstance(value.value, Money) else None


def sign_agreement(
    session: Session,
    application_id: str,
    actor: Actor,
    *,
    grant: Money,
    signed_on: date,
    starts_on: date,
    ends_on: date,
    milestones: tuple[tuple[str, date], ...] = (),
    engine: Engine,
    clock: Clock | None = None,
) -> AgreementRow:
    """Sign the funding agreement: commit ``grant`` and move the application on."""
    ensure(actor, Action.SIGN_AGREEMENTS)
    if ends_on < starts_on:
        raise RuleError("an agreement cannot end before it starts")
    app = get_application(session, application_id, actor)
    group = sorted(connected_group(session, app.enterprise_id))
    # Lock the whole group (in id order, so two signings cannot deadlock) before summing it.
    session.execute(
        select(EnterpriseRow.id)
        .where(EnterpriseRow.id.in_(group))
        .order_by(EnterpriseRow.id)
        .with_for_update()
    ).all()
    ledger_row = lock_ledger(session, application_id)
    others = session.execute(
        select(func.coalesce(func.sum(LedgerRow.committed_cents), 0))
        .where(LedgerRow.enterprise_id.in_(group))
        .where(LedgerRow.scheme == app.scheme)
        .where(LedgerRow.application_id != app.id)
    ).scalar_one()
    check_enterprise_cap(Money(int(others)), grant, cumulative_cap(engine, app), app.scheme)
    ledger = ledger_from(ledger_row).commit(grant)
    for name, value in ledger_columns(ledger).items():
        setattr(ledger_row, name, value)
    agreement = AgreementRow(
        application_id=app.id,
        signed_on=signed_on,
        grant_cents=grant.cents,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    session.add(agreement)
    flush(session, "the agreement")
    for title, due in milestones:
        session.add(MilestoneRow(agreement_id=agreement.id, title=title, due_on=due))
    audit.record_at_commit(
        session,
        actor,
        "money.committed",
        "application",
        app.id,
        {"amount": str(grant.amount), "agreement_id": agreement.id},
        clock,
    )
    transition_application(session, app.id, "sign_agreement", actor, clock=clock)
    return agreement


def agreement_of(session: Session, application_id: str) -> AgreementRow:
    """The agreement of an application, or NotFoundError."""
    row = session.execute(
        select(AgreementRow).where(AgreementRow.application_id == application_id)
    ).scalar_one_or_none()
    if row is None:
        raise NotFoundError(
            "application {application_id} has no agreement", application_id=application_id
        )
    return row


def achieve_milestone(
    session: Session,
    milestone_id: int,
    achieved_on: date,
    actor: Actor,
    clock: Clock | None = None,
) -> MilestoneRow:
    """Mark a milestone achieved."""
    ensure(actor, Action.CONFIRM_MILESTONES)
    row = session.get(MilestoneRow, milestone_id)
    if row is None:
        raise NotFoundError("no milestone {milestone_id}", milestone_id=milestone_id)
    if row.achieved_on is not None:
        raise ConflictError(
            "milestone “{milestone}” was already achieved on {day}",
            milestone=row.title,
            day=str(row.achieved_on),
        )
    row.achieved_on = achieved_on
    agreement = session.get(AgreementRow, row.agreement_id)
    assert agreement is not None
    flush(session, "the milestone")
    audit.record_at_commit(
        session,
        actor,
        "agreement.milestone_achieved",
        "application",
        agreement.application_id,
        {"milestone": row.title, "on": achieved_on.isoformat()},
        clock,
    )
    return row


def submit_report(
    session: Session,
    application_id: str,
    actor: Actor,
    *,
    kind: str,
    period_end: date,
    submitted_on: date,
    summary: str,
    clock: Clock | None = None,
) -> ProgressReportRow:
    """File a progress, final or post-completion report under the agreement."""
    ensure(actor, Action.FILE_REPORTS)
    if kind not in REPORT_KINDS:
        raise InvalidInputError(
            "report kind must be one of {kinds}", kinds=", ".join(sorted(REPORT_KINDS))
        )
    get_application(session, application_id, actor)
    agreement = agreement_of(session, application_id)
    row = ProgressReportRow(
        agreement_id=agreement.id,
        kind=kind,
        period_end=period_end,
        submitted_on=submitted_on,
        summary=summary,
        submitted_by=actor.id,
    )
    session.add(row)
    flush(session, "the report")
    audit.record_at_commit(
        session,
        actor,
        "agreement.report_submitted",
        "application",
        application_id,
        {"kind": kind, "period_end": period_end.isoformat()},
        clock,
    )
    return row
