"""Payment conditions per scheme: what must hold before a claim is accepted or paid.

Issue 12: a claim on an RFS project was paid although RFS pays on
completion and no milestone was achieved. Schemes whose rules say they pay on
completion (the dated parameter ``paid_on_completion``, RFS today) need the
project completed, every milestone of its agreement achieved and its final
(completion) report accepted by an officer; a claim that does not meet them
is refused with every unmet condition named, in English and Chinese. Other
schemes pay as their own rules say (attendance for RTTP, in ``claims``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from reind.core.clock import Clock, hk_today
from reind.core.errors import ConflictError, ForbiddenError, NotFoundError
from reind.programme import audit
from reind.programme.actors import Actor
from reind.programme.applications.services import optional_parameter
from reind.programme.applications.store import ApplicationRow
from reind.programme.money.store import AgreementRow, MilestoneRow, ProgressReportRow
from reind.programme.permissions import Action, ensure
from reind.programme.uow import flush
from reind.rules.engine import Engine

COMPLETED = frozenset({"completed", "post_completion_monitoring"})


@dataclass(frozen=True, slots=True)
class Unmet:
    """One payment condition a project does not meet yet."""

    en: str
    zh: str


def paid_on_completion(engine: Engine, app: ApplicationRow) -> bool:
    """True when the scheme pays only once the project is complete (RFS)."""
    parameter = optional_parameter(engine, app.scheme, "paid_on_completion")
    if parameter is None or app.received is None:
        return False
    value = parameter.at(app.received)
    return value is not None and value.value is True


def unmet_conditions(session: Session, engine: Engine, app: ApplicationRow) -> list[Unmet]:
    """The scheme's payment conditions the project does not meet (none: it may be paid)."""
    if not paid_on_completion(engine, app):
        return []
    scheme = app.scheme.upper()
    unmet: list[Unmet] = []
    if app.state not in COMPLETED:
        unmet.append(
            Unmet(
                f"{scheme} pays on completion only: the project is {app.state}",
                f"{scheme} 只在項目完成後付款：項目現時狀態為 {app.state}",
            )
        )
    agreement = session.execute(
        select(AgreementRow.id).where(AgreementRow.application_id == app.id)
    ).scalar_one_or_none()
    if agreement is None:
        return [*unmet, Unmet("there is no signed agreement", "尚未簽訂協議")]
    open_milestones = session.execute(
        select(MilestoneRow.title)
        .where(MilestoneRow.agreement_id == agreement)
        .where(MilestoneRow.achieved_on.is_(None))
        .order_by(MilestoneRow.due_on)
    ).scalars()
    for title in open_milestones:
        unmet.append(Unmet(f"milestone {title!r} is not achieved", f"里程碑「{title}」尚未達成"))
    accepted = session.execute(
        select(ProgressReportRow.id)
        .where(ProgressReportRow.agreement_id == agreement)
        .where(ProgressReportRow.kind == "final")
        .where(ProgressReportRow.accepted_on.is_not(None))
    ).first()
    if accepted is None:
        unmet.append(
            Unmet("the completion (final) report is not accepted", "完成報告（最終報告）尚未獲接納")
        )
    return unmet


def require_payment_conditions(session: Session, engine: Engine, app: ApplicationRow) -> None:
    """Refuse (409) with every unmet condition named, in English and Chinese."""
    unmet = unmet_conditions(session, engine, app)
    if unmet:
        raise ConflictError(
            f"{app.reference} does not meet its scheme's payment conditions: "
            + "; ".join(u.en for u in unmet),
            zh=f"{app.reference} 未符合計劃的付款條件：" + "；".join(u.zh for u in unmet),
            unmet=[u.en for u in unmet],
        )


def accept_report(
    session: Session,
    report_id: int,
    actor: Actor,
    *,
    accepted_on: date | None = None,
    clock: Clock | None = None,
) -> ProgressReportRow:
    """An officer accepts a report (not one they submitted themselves)."""
    ensure(actor, Action.ACCEPT_REPORTS)
    report = session.get(ProgressReportRow, report_id)
    if report is None:
        raise NotFoundError(f"no report {report_id}", zh=f"沒有報告 {report_id}")
    if report.accepted_on is not None:
        raise ConflictError(
            f"report {report_id} was already accepted on {report.accepted_on.isoformat()}",
            zh=f"報告 {report_id} 已於 {report.accepted_on.isoformat()} 獲接納",
        )
    if report.submitted_by == actor.id:
        raise ForbiddenError(
            "you submitted this report, so another officer must accept it (two-person rule)",
            zh="你提交了此報告，須由另一名計劃人員接納（雙人原則）",
        )
    agreement = session.get(AgreementRow, report.agreement_id)
    assert agreement is not None  # a foreign key
    report.accepted_on = accepted_on or hk_today(clock)
    report.accepted_by = actor.id
    flush(session, "the report")
    audit.record_at_commit(
        session,
        actor,
        "agreement.report_accepted",
        "application",
        agreement.application_id,
        {"report_id": report.id, "kind": report.kind, "on": report.accepted_on.isoformat()},
        clock,
    )
    return report
