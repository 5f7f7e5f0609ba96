"""The committee's rules of governance: a later conflict voids scores; no decision without quorum.

Issue 12: a member scored 0s, then declared a conflict, and the chair's page
still counted the 0s; the chair recorded "Supported" after 2 members had
scored. A conflict declared after scoring now voids that member's scores on
that application (kept, shown struck through, never counted), and a
decision waits until the committee's quorum of members has scored every
criterion.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from reind.core.clock import Clock, SystemClock
from reind.core.errors import ConflictError, ForbiddenError, NotFoundError
from reind.core.integrity import DuplicateError
from reind.programme import audit
from reind.programme.actors import Actor
from reind.programme.applications.access import is_conflicted
from reind.programme.applications.store import ApplicationRow
from reind.programme.committee.criteria import criteria_for
from reind.programme.committee.store import (
    CommitteeRow,
    ConflictRow,
    MeetingRow,
    MemberRow,
    ScoreRow,
)
from reind.programme.permissions import Action, may
from reind.programme.uow import flush


def void_scores(session: Session, member_id: str, application_id: str) -> dict[str, int]:
    """Mark a newly conflicted member's scores on the application void; those voided.

    Kept (the chair sees them struck through), never counted again: the
    weighted score and the quorum are computed without them.
    """
    rows = session.execute(
        select(ScoreRow)
        .where(ScoreRow.member_id == member_id)
        .where(ScoreRow.application_id == application_id)
        .where(ScoreRow.voided.is_(False))
        .order_by(ScoreRow.criterion)
    ).scalars()
    voided: dict[str, int] = {}
    for score in rows:
        score.voided = True
        voided[score.criterion] = score.score
    return voided


def full_scorers(session: Session, application_id: str, scheme: str) -> int:
    """How many members have scored every criterion of an application (voided scores left out)."""
    wanted = {c.code for c in criteria_for(scheme).items}
    given: dict[str, set[str]] = {}
    for member_id, criterion in session.execute(
        select(ScoreRow.member_id, ScoreRow.criterion)
        .where(ScoreRow.application_id == application_id)
        .where(ScoreRow.voided.is_(False))
    ):
        given.setdefault(member_id, set()).add(criterion)
    return sum(1 for criteria in given.values() if wanted <= criteria)


def check_quorum(session: Session, meeting: MeetingRow, app: ApplicationRow) -> None:
    """Refuse (409, with both counts) a decision before the committee's quorum has scored."""
    committee = session.get(CommitteeRow, meeting.committee_id)
    assert committee is not None  # a meeting's committee is a foreign key
    scored = full_scorers(session, app.id, app.scheme)
    if scored < committee.quorum:
        raise ConflictError(
            f"no quorum: {scored} member(s) have scored every criterion of {app.reference}, "
            f"the committee needs {committee.quorum} before it decides",
            zh=f"未達法定人數：只有 {scored} 名委員已就 {app.reference} 的所有準則評分，"
            f"委員會須有 {committee.quorum} 名方可作出決定",
            scored=scored,
            quorum=committee.quorum,
        )


def declare_conflict(
    session: Session,
    member_id: str,
    application_id: str,
    nature: str,
    actor: Actor,
    clock: Clock | None = None,
) -> ConflictRow:
    """Record a member's conflict of interest with an application, voiding any scores given."""
    member = session.get(MemberRow, member_id)
    if member is None:
        raise NotFoundError("no committee member {member_id}", member_id=member_id)
    if not may(actor, Action.RUN_COMMITTEES) and actor.id != member.person_id:
        raise ForbiddenError("a conflict is declared by the member or the secretariat")
    if session.get(ApplicationRow, application_id) is None:
        raise NotFoundError("no application {application_id}", application_id=application_id)
    if is_conflicted(session, member.person_id, application_id):
        raise DuplicateError(
            f"{member.name} has already declared a conflict with this application",
            zh=f"{member.name} 已就此申請申報利益衝突",
        )
    row = ConflictRow(
        member_id=member_id,
        application_id=application_id,
        nature=nature,
        declared_at=(clock or SystemClock()).now(),
    )
    session.add(row)
    voided = void_scores(session, member_id, application_id)
    flush(session, "the declaration")
    audit.record_at_commit(
        session,
        actor,
        "committee.conflict_declared",
        "application",
        application_id,
        {"member_id": member_id, "nature": nature},
        clock,
    )
    if voided:
        audit.record_at_commit(
            session,
            actor,
            "committee.scores_voided",
            "application",
            application_id,
            {"member_id": member_id, "reason": "conflict_declared", "scores": voided},
            clock,
        )
    return row
