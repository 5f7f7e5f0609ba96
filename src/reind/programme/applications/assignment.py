"""Cases given to people: the officer who runs a case, and the assessors who read it.

Issue 16: at 120,000 applications an officer cannot find their own work in
queues by state; a case is assigned to one officer (and to assessors) by an
officer, with a reason, and the officer's workbench lists "My cases". Issue
13: an assessor reads only the cases assigned to them (``access``). Every
assignment is an ``application.assigned`` (or ``application.assessor_released``)
event in the audit chain with who, whom, the duty and the reason, and the
person given the case is told by e-mail (``case_assigned``, which they may turn
off), in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from reind.core.clock import Clock, SystemClock, hk_today
from reind.core.errors import ConflictError, InvalidInputError, NotFoundError, Words
from reind.programme import audit
from reind.programme.accounts.staff import names_of, staff_member
from reind.programme.actors import Actor, Role
from reind.programme.applications.access import get_application
from reind.programme.applications.store import ApplicationRow, CaseAssessorRow
from reind.programme.notices.outbox import notify_person
from reind.programme.permissions import Action, ensure
from reind.programme.uow import flush

DUTIES: dict[str, tuple[Role, str, str]] = {
    "officer": (Role.OFFICER, "case officer", "個案主任"),
    "assessor": (Role.ASSESSOR, "assessor", "評審員"),
}
"""Each duty a case is given with: the role that holds it, in words (English, Chinese)."""


class AssignedCase(Protocol):
    """An application's row or view: what says whom it is assigned to."""

    @property
    def id(self) -> str: ...
    @property
    def assigned_officer(self) -> str | None: ...


def _duty(duty: str) -> tuple[Role, str, str]:
    if duty not in DUTIES:
        raise InvalidInputError(
            "a case is assigned to an officer or an assessor, not “{duty}”",
            duty=duty,
        )
    return DUTIES[duty]


def assign_case(
    session: Session,
    application_id: str,
    to: str,
    actor: Actor,
    *,
    reason: str,
    duty: str = "officer",
    clock: Clock | None = None,
) -> ApplicationRow:
    """Give a case to the officer (replacing any) or to one more assessor, saying why.

    ``to`` is the actor id the person acts as (``accounts.staff``). Assigning
    a case to whom it is already assigned is refused (409), so a repeated
    click records nothing twice and tells nobody twice.
    """
    ensure(actor, Action.ASSIGN_CASES)
    role, duty_en, duty_zh = _duty(duty)
    app = get_application(session, application_id, actor)
    reason = reason.strip()
    if not reason:
        raise InvalidInputError("say why the case is assigned", zh="請說明分派個案的原因")
    person = staff_member(session, to)
    if person is None or person.role is not role:
        raise InvalidInputError(
            "{to} is not an active {duty}",
            to=to,
            duty=Words(duty, duty_en, duty_zh),
        )
    before: str | None = None
    if duty == "officer":
        if app.assigned_officer == person.actor_id:
            raise ConflictError(
                "{reference} is already assigned to {name}",
                reference=app.reference,
                name=person.name,
            )
        before, app.assigned_officer = app.assigned_officer, person.actor_id
    else:
        if session.get(CaseAssessorRow, (app.id, person.actor_id)) is not None:
            raise ConflictError(
                "{reference} is already assigned to {name}",
                reference=app.reference,
                name=person.name,
            )
        now = (clock or SystemClock()).now()
        session.add(
            CaseAssessorRow(application_id=app.id, person_id=person.actor_id, assigned_at=now)
        )
    flush(session, f"application {app.reference}")
    audit.record_at_commit(
        session,
        actor,
        "application.assigned",
        "application",
        app.id,
        {
            "duty": duty,
            "to": person.actor_id,
            "name": person.name,
            "from": before,
            "reason": reason,
        },
        clock,
    )
    by = staff_member(session, actor.id)
    values = {
        "reference": app.reference,
        "title": app.title,
        "day": hk_today(clock).isoformat(),
        "duty_en": duty_en,
        "duty_zh": duty_zh,
        "by_en": by.name if by else "The programme office",
        "by_zh": by.name if by else "計劃辦公室",
        "reason": reason,
    }
    notify_person(session, "case_assigned", person.actor_id, ("application", app.id), values, clock)
    return app


def release_assessor(
    session: Session,
    application_id: str,
    person_id: str,
    actor: Actor,
    *,
    reason: str,
    clock: Clock | None = None,
) -> None:
    """Take an assessor off a case, saying why: from then on they no longer read it."""
    ensure(actor, Action.ASSIGN_CASES)
    app = get_application(session, application_id, actor)
    reason = reason.strip()
    if not reason:
        raise InvalidInputError("say why the case is assigned", zh="請說明分派個案的原因")
    row = session.get(CaseAssessorRow, (app.id, person_id))
    if row is None:
        raise NotFoundError(
            "{person} is not an assessor of {reference}",
            person=person_id,
            reference=app.reference,
        )
    session.delete(row)
    flush(session, f"application {app.reference}")
    audit.record_at_commit(
        session,
        actor,
        "application.assessor_released",
        "application",
        app.id,
        {"duty": "assessor", "from": person_id, "reason": reason},
        clock,
    )


def assessors_of(session: Session, application_id: str) -> list[tuple[str, datetime]]:
    """The actor ids of a case's assessors and when each was assigned, earliest first.

    The caller has read the case through ``access`` already.
    """
    rows = session.execute(
        select(CaseAssessorRow.person_id, CaseAssessorRow.assigned_at)
        .where(CaseAssessorRow.application_id == application_id)
        .order_by(CaseAssessorRow.assigned_at, CaseAssessorRow.person_id)
    ).all()
    return [(person, at) for person, at in rows]


@dataclass(frozen=True, slots=True)
class CaseAssignment:
    """Who a case is assigned to, by actor id with their names, for the case's page."""

    officer: str | None
    officer_name: str | None
    assessors: tuple[tuple[str, str], ...]
    """(actor id, name) of each assessor, earliest assigned first."""


def assignment_of(session: Session, app: AssignedCase) -> CaseAssignment:
    """The case's officer and assessors with their names (the caller has read the case)."""
    assessors = [person for person, _ in assessors_of(session, app.id)]
    names = names_of(
        session, {*assessors, *([app.assigned_officer] if app.assigned_officer else [])}
    )
    officer = app.assigned_officer
    return CaseAssignment(
        officer,
        names.get(officer, officer) if officer else None,
        tuple((person, names.get(person, person)) for person in assessors),
    )
