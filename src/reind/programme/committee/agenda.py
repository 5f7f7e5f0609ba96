"""Referral reaches an agenda: a case referred to the committee is placed on a meeting.

Issue 12: a case referred to the committee never reached a meeting agenda,
because the only way onto one was to name it when the meeting was scheduled.
``awaiting_agenda`` lists the referred cases no open meeting has yet, and
``place_on_agenda`` adds one to a meeting's agenda, last, with its event.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from reind.core.clock import Clock
from reind.core.errors import ConflictError, InvalidInputError, NotFoundError
from reind.core.integrity import DuplicateError
from reind.programme import audit
from reind.programme.actors import Actor
from reind.programme.applications.access import get_application
from reind.programme.applications.store import ApplicationRow
from reind.programme.applications.views import ApplicationView, application_view
from reind.programme.applications.workflow import state_words
from reind.programme.committee.store import (
    AgendaItemRow,
    CommitteeDecisionRow,
    CommitteeRow,
    ConflictRow,
    MeetingRow,
    MemberRow,
)
from reind.programme.permissions import Action, ensure, may
from reind.programme.uow import flush

REFERRED = "vetting_committee"
"""The workflow state of a case referred to the committee."""


def place_on_agenda(
    session: Session,
    meeting_id: str,
    application_id: str,
    actor: Actor,
    clock: Clock | None = None,
) -> AgendaItemRow:
    """Add a referred application to the end of a meeting's agenda (the secretariat)."""
    ensure(actor, Action.RUN_COMMITTEES)
    meeting = session.execute(
        select(MeetingRow).where(MeetingRow.id == meeting_id).with_for_update()
    ).scalar_one_or_none()
    if meeting is None:
        raise NotFoundError(f"no meeting {meeting_id}", zh=f"沒有會議 {meeting_id}")
    committee = session.get(CommitteeRow, meeting.committee_id)
    assert committee is not None  # a foreign key
    app = get_application(session, application_id, actor)
    if app.scheme != committee.scheme:
        raise InvalidInputError(
            f"{app.reference} is not a {committee.scheme} application",
            zh=f"{app.reference} 並非 {committee.scheme} 申請",
        )
    if app.state != REFERRED:
        raise ConflictError(
            "{reference} is {state}: only a case referred to the committee goes on an agenda",
            reference=app.reference,
            state=state_words(app.scheme, app.state),
        )
    already = session.execute(
        select(AgendaItemRow.id)
        .where(AgendaItemRow.meeting_id == meeting.id)
        .where(AgendaItemRow.application_id == app.id)
    ).first()
    if already is not None:
        raise DuplicateError(
            f"{app.reference} is already on this meeting's agenda",
            zh=f"{app.reference} 已列入此會議議程",
        )
    last = session.execute(
        select(func.coalesce(func.max(AgendaItemRow.position), 0)).where(
            AgendaItemRow.meeting_id == meeting.id
        )
    ).scalar_one()
    item = AgendaItemRow(meeting_id=meeting.id, application_id=app.id, position=int(last) + 1)
    session.add(item)
    flush(session, "the agenda")
    audit.record_at_commit(
        session,
        actor,
        "committee.placed_on_agenda",
        "application",
        app.id,
        {"meeting_id": meeting.id, "position": item.position},
        clock,
    )
    return item


def awaiting_agenda(session: Session, actor: Actor) -> list[ApplicationView]:
    """Cases referred to the committee that no meeting's agenda holds yet, oldest first."""
    ensure(actor, Action.READ_REFERRALS)
    scheduled = select(AgendaItemRow.application_id)
    decided = select(CommitteeDecisionRow.application_id)
    rows = session.execute(
        select(ApplicationRow)
        .where(ApplicationRow.state == REFERRED)
        .where(ApplicationRow.id.not_in(scheduled))
        .where(ApplicationRow.id.not_in(decided))
        .order_by(ApplicationRow.received, ApplicationRow.reference)
    ).scalars()
    return [application_view(row) for row in rows]


@dataclass(frozen=True, slots=True)
class DeclaredConflict:
    """A member's declared conflict of interest on an application on the agenda."""

    member: str
    reference: str
    nature: str
    declared_at: datetime


def declared_conflicts(session: Session, meeting_id: str, actor: Actor) -> list[DeclaredConflict]:
    """The conflicts declared by the committee's members on this meeting's agenda.

    For the chair (who decides) and the secretariat (who runs the committee):
    they must know who may not score what. Members never see the list.
    """
    if not (may(actor, Action.DECIDE) or may(actor, Action.RUN_COMMITTEES)):
        ensure(actor, Action.DECIDE)  # the refusal, in words
    meeting = session.get(MeetingRow, meeting_id)
    if meeting is None:
        raise NotFoundError("no meeting {meeting_id}", meeting_id=meeting_id)
    rows = session.execute(
        select(
            MemberRow.name, ApplicationRow.reference, ConflictRow.nature, ConflictRow.declared_at
        )
        .join(MemberRow, MemberRow.id == ConflictRow.member_id)
        .join(ApplicationRow, ApplicationRow.id == ConflictRow.application_id)
        .join(AgendaItemRow, AgendaItemRow.application_id == ConflictRow.application_id)
        .where(AgendaItemRow.meeting_id == meeting.id)
        .where(MemberRow.committee_id == meeting.committee_id)
        .order_by(AgendaItemRow.position, MemberRow.name)
    ).all()
    return [DeclaredConflict(*row) for row in rows]
