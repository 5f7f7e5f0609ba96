"""Services for vetting committees: members, meetings, conflicts, scores, decisions.

A member who declared a conflict of interest with an application can
neither see it (it drops off their agenda; reading it is refused) nor score
it. The committee's decision carries its reasons and a bilingual letter,
and moves the application on in its workflow in the same transaction.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from reind.core.clock import Clock
from reind.core.errors import ConflictError, ForbiddenError, InvalidInputError, NotFoundError
from reind.core.money import Money
from reind.programme import audit
from reind.programme.actors import Actor, Role
from reind.programme.applications.access import (
    CONFLICT_ROLES,
    get_application,
    is_assigned,
    is_conflicted,
)
from reind.programme.applications.store import ApplicationRow
from reind.programme.applications.transitions import transition_application
from reind.programme.applications.workflow import state_words
from reind.programme.committee.criteria import MAX_SCORE, criteria_for
from reind.programme.committee.governance import check_quorum
from reind.programme.committee.letters import decision_letter
from reind.programme.committee.store import (
    AgendaItemRow,
    CommitteeDecisionRow,
    CommitteeRow,
    MeetingRow,
    MemberRow,
    ScoreRow,
)
from reind.programme.enterprises.store import EnterpriseRow
from reind.programme.money.agreements import approve_grant
from reind.programme.permissions import Action, ensure
from reind.programme.uow import flush
from reind.rules.engine import Engine
from reind.rules.store import load_decision


def create_committee(
    session: Session,
    scheme: str,
    name_en: str,
    name_zh: str,
    actor: Actor,
    *,
    engine: Engine,
    quorum: int = 1,
) -> CommitteeRow:
    """Set up a vetting committee for a scheme.

    ``quorum``: how many members (not conflicted) must have scored every
    criterion of an application before the committee's decision on it can be
    recorded; a committee's own rule, so it is kept with the committee.
    """
    ensure(actor, Action.RUN_COMMITTEES)
    if quorum < 1:
        raise InvalidInputError(
            f"a committee's quorum is at least 1, not {quorum}",
            zh=f"委員會法定人數最少為 1，而非 {quorum}",
        )
    row = CommitteeRow(
        scheme=engine.scheme(scheme).code, name_en=name_en, name_zh=name_zh, quorum=quorum
    )
    session.add(row)
    flush(session, "the committee")
    audit.record_at_commit(
        session,
        actor,
        "committee.created",
        "committee",
        row.id,
        {"name_en": name_en, "quorum": quorum},
    )
    return row


def appoint_member(
    session: Session,
    committee_id: str,
    actor: Actor,
    *,
    person_id: str,
    name: str,
    capacity: str,
    term_from: date,
    term_to: date,
) -> MemberRow:
    """Appoint a person to a committee for a term (capacity: chair, member, ex_officio ...)."""
    ensure(actor, Action.RUN_COMMITTEES)
    if session.get(CommitteeRow, committee_id) is None:
        raise NotFoundError("no committee {committee_id}", committee_id=committee_id)
    if term_to < term_from:
        raise InvalidInputError("a term cannot end before it starts")
    row = MemberRow(
        committee_id=committee_id,
        person_id=person_id,
        name=name,
        capacity=capacity,
        term_from=term_from,
        term_to=term_to,
    )
    session.add(row)
    flush(session, "the member")
    audit.record_at_commit(
        session,
        actor,
        "committee.member_appointed",
        "committee",
        committee_id,
        {
            "person_id": person_id,
            "term_from": term_from.isoformat(),
            "term_to": term_to.isoformat(),
        },
    )
    return row


def schedule_meeting(
    session: Session, committee_id: str, held_on: date, application_ids: list[str], actor: Actor
) -> MeetingRow:
    """Schedule a meeting with the applications on its agenda, in order."""
    ensure(actor, Action.RUN_COMMITTEES)
    committee = session.get(CommitteeRow, committee_id)
    if committee is None:
        raise NotFoundError("no committee {committee_id}", committee_id=committee_id)
    meeting = MeetingRow(committee_id=committee_id, held_on=held_on)
    session.add(meeting)
    flush(session, "the meeting")
    for position, app_id in enumerate(application_ids, start=1):
        app = get_application(session, app_id, actor)
        if app.scheme != committee.scheme:
            raise InvalidInputError(
                "{reference} is not a {scheme} application",
                reference=app.reference,
                scheme=committee.scheme.upper(),
            )
        session.add(AgendaItemRow(meeting_id=meeting.id, application_id=app_id, position=position))
    flush(session, "the agenda")
    audit.record_at_commit(
        session,
        actor,
        "committee.meeting_scheduled",
        "committee",
        committee_id,
        {"meeting_id": meeting.id, "held_on": held_on.isoformat(), "agenda": application_ids},
    )
    return meeting


def _member(session: Session, meeting: MeetingRow, person_id: str) -> MemberRow:
    member = session.execute(
        select(MemberRow)
        .where(MemberRow.committee_id == meeting.committee_id)
        .where(MemberRow.person_id == person_id)
    ).scalar_one_or_none()
    if member is None:
        raise ForbiddenError("you are not a member of this committee")
    if not member.term_from <= meeting.held_on <= member.term_to:
        raise ForbiddenError("your term does not cover the date of this meeting")
    return member


def _meeting(session: Session, meeting_id: str) -> MeetingRow:
    meeting = session.get(MeetingRow, meeting_id)
    if meeting is None:
        raise NotFoundError("no meeting {meeting_id}", meeting_id=meeting_id)
    return meeting


def agenda_for(session: Session, meeting_id: str, actor: Actor) -> list[ApplicationRow]:
    """The meeting's applications that ``actor`` may see (conflicted ones left out; an
    assessor sees only those assigned to them).

    Staff, approvers, auditors and the committee's own members; applicants,
    finance and analysts may not read agendas.
    """
    ensure(actor, Action.READ_AGENDAS)
    meeting = _meeting(session, meeting_id)
    if actor.role in CONFLICT_ROLES:
        _member(session, meeting, actor.id)
    rows = session.execute(
        select(ApplicationRow)
        .join(AgendaItemRow, AgendaItemRow.application_id == ApplicationRow.id)
        .where(AgendaItemRow.meeting_id == meeting_id)
        .order_by(AgendaItemRow.position)
    ).scalars()
    if actor.role not in CONFLICT_ROLES:
        return list(rows)
    return [
        row
        for row in rows
        if not is_conflicted(session, actor.id, row.id)
        and (actor.role is not Role.ASSESSOR or is_assigned(session, actor.id, row.id))
    ]


def score_application(
    session: Session,
    meeting_id: str,
    application_id: str,
    actor: Actor,
    *,
    criterion: str,
    score: int,
    comment: str = "",
    clock: Clock | None = None,
) -> ScoreRow:
    """A member scores one criterion (0-5) of an application on the agenda."""
    ensure(actor, Action.SCORE)
    meeting = _meeting(session, meeting_id)
    member = _member(session, meeting, actor.id)
    app = get_application(session, application_id, actor)  # refuses a conflicted member
    if is_conflicted(session, actor.id, app.id):
        raise ForbiddenError("you declared a conflict of interest with this application")
    criteria_for(app.scheme).get(criterion)
    if not 0 <= score <= MAX_SCORE:
        raise InvalidInputError(
            "a score is 0 to {max_score}, not {score}", max_score=MAX_SCORE, score=score
        )
    on_agenda = session.execute(
        select(AgendaItemRow.id)
        .where(AgendaItemRow.meeting_id == meeting_id)
        .where(AgendaItemRow.application_id == app.id)
    ).first()
    if on_agenda is None:
        raise ConflictError(
            "{reference} is not on the agenda of this meeting", reference=app.reference
        )
    # The member's row lock queues one member's parallel scores, so they update and never clash.
    session.execute(select(MemberRow.id).where(MemberRow.id == member.id).with_for_update())
    row = session.execute(
        select(ScoreRow)
        .where(ScoreRow.member_id == member.id)
        .where(ScoreRow.application_id == app.id)
        .where(ScoreRow.criterion == criterion)
    ).scalar_one_or_none()
    if row is None:
        row = ScoreRow(
            member_id=member.id,
            application_id=app.id,
            criterion=criterion,
            score=score,
            comment=comment,
        )
        session.add(row)
    else:
        row.score, row.comment = score, comment
    flush(session, "the score")
    audit.record_at_commit(
        session,
        actor,
        "committee.scored",
        "application",
        app.id,
        {"member_id": member.id, "criterion": criterion, "score": score, "comment": comment},
        clock,
    )
    return row


def scores_of(session: Session, application_id: str) -> dict[str, list[int]]:
    """Every score that counts for an application, by criterion (voided ones left out)."""
    found: dict[str, list[int]] = {}
    for row in session.execute(
        select(ScoreRow)
        .where(ScoreRow.application_id == application_id)
        .where(ScoreRow.voided.is_(False))
        .order_by(ScoreRow.id)
    ).scalars():
        found.setdefault(row.criterion, []).append(row.score)
    return found


def decide(
    session: Session,
    meeting_id: str,
    application_id: str,
    actor: Actor,
    *,
    supported: bool,
    reasons_en: str,
    reasons_zh: str,
    decided_on: date,
    grant: Money | None = None,
    engine: Engine,
    clock: Clock | None = None,
) -> CommitteeDecisionRow:
    """Record the committee's decision with reasons and letter, and move the application on.

    When supported, the grant approved defaults to the screening decision's amount, or
    the amount applied for if that is less.
    """
    ensure(actor, Action.DECIDE)
    if not reasons_en.strip() or not reasons_zh.strip():
        raise InvalidInputError("a decision needs its reasons in English and Chinese")
    meeting = _meeting(session, meeting_id)
    app = get_application(session, application_id, actor)
    if app.state != "vetting_committee":
        raise ConflictError(
            "{reference} is {state}, not before the committee",
            reference=app.reference,
            state=state_words(app.scheme, app.state),
        )
    check_quorum(session, meeting, app)
    weighted = criteria_for(app.scheme).weighted(scores_of(session, app.id))
    if supported and grant is None:
        if app.screening_decision_id is None:
            raise ConflictError(
                "{reference} has no screening decision to take a grant from",
                reference=app.reference,
            )
        grant = load_decision(session, app.screening_decision_id).amount
        grant = min(grant, Money(app.amount_requested_cents))  # never more than applied for
    enterprise = session.get(EnterpriseRow, app.enterprise_id)
    assert enterprise is not None
    scheme = engine.scheme(app.scheme)
    letter = decision_letter(
        enterprise_en=enterprise.name_en,
        enterprise_zh=enterprise.name_zh,
        reference=app.reference,
        title=app.title,
        scheme_en=scheme.title("en"),
        scheme_zh=scheme.title("zh-Hant"),
        supported=supported,
        decided_on=decided_on,
        reasons_en=reasons_en,
        reasons_zh=reasons_zh,
        grant=grant if supported else None,
    )
    row = CommitteeDecisionRow(
        application_id=app.id,
        meeting_id=meeting_id,
        outcome="supported" if supported else "not_supported",
        weighted_score=str(
            (Decimal(weighted.numerator) / Decimal(weighted.denominator)).quantize(Decimal("0.01"))
        ),
        reasons_en=reasons_en,
        reasons_zh=reasons_zh,
        letter_en=letter.en,
        letter_zh=letter.zh,
        decided_on=decided_on,
    )
    session.add(row)
    flush(session, "the decision")
    audit.record_at_commit(
        session,
        actor,
        "committee.decided",
        "application",
        app.id,
        {
            "outcome": row.outcome,
            "weighted_score": row.weighted_score,
            "reasons_en": reasons_en,
            "reasons_zh": reasons_zh,
            "grant": str(grant.amount) if supported and grant else None,
        },
        clock,
    )
    if supported and grant is not None:
        approve_grant(session, app.id, grant, actor, clock)
    action = "support" if supported else "not_support"
    transition_application(session, app.id, action, actor, clock=clock)
    return row
