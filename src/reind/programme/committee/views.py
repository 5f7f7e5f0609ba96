"""The committee's read side: meetings, agendas, scores and decisions as frozen views.

Pages and the API read the committee only through these functions
(``reind.web`` never imports ``store``). A member sees the meetings of the
committees they sit on, and on an agenda only the applications they have
no declared conflict with (``services.agenda_for``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from reind.core.errors import NotFoundError
from reind.programme.actors import Actor
from reind.programme.applications.access import CONFLICT_ROLES, get_application
from reind.programme.applications.views import ApplicationView, application_view
from reind.programme.committee.services import agenda_for
from reind.programme.committee.store import (
    AgendaItemRow,
    CommitteeDecisionRow,
    CommitteeRow,
    MeetingRow,
    MemberRow,
    ScoreRow,
)
from reind.programme.permissions import Action, ensure
from reind.programme.views import view_of

MEMBERS = CONFLICT_ROLES
"""Roles that see only the meetings of the committees they sit on."""


@dataclass(frozen=True, slots=True)
class CommitteeView:
    """A vetting committee."""

    id: str
    scheme: str
    name_en: str
    name_zh: str
    quorum: int
    version: int

    def name(self, lang: str) -> str:
        """The committee's name in ``lang`` (Traditional Chinese, else English)."""
        return self.name_zh if lang == "zh-Hant" else self.name_en


@dataclass(frozen=True, slots=True)
class MeetingView:
    """A committee meeting."""

    id: str
    committee_id: str
    held_on: date
    version: int


@dataclass(frozen=True, slots=True)
class ScoreView:
    """One member's score of one application on one criterion."""

    id: int
    member_id: str
    application_id: str
    criterion: str
    score: int
    comment: str


@dataclass(frozen=True, slots=True)
class DecisionView:
    """The committee's decision on an application, with its letter in both languages."""

    id: str
    application_id: str
    meeting_id: str
    outcome: str
    weighted_score: str
    reasons_en: str
    reasons_zh: str
    letter_en: str
    letter_zh: str
    decided_on: date


def decision_view(row: object) -> DecisionView:
    """The view of a decision just recorded."""
    return view_of(DecisionView, row)


def score_view(row: object) -> ScoreView:
    """The view of a score just given."""
    return view_of(ScoreView, row)


def meetings_for(session: Session, actor: Actor) -> list[tuple[MeetingView, CommitteeView]]:
    """The meetings ``actor`` may open, newest first (a member: their committees' only)."""
    ensure(actor, Action.READ_AGENDAS)
    query = (
        select(MeetingRow, CommitteeRow)
        .join(CommitteeRow, CommitteeRow.id == MeetingRow.committee_id)
        .order_by(MeetingRow.held_on.desc())
    )
    if actor.role in MEMBERS:
        query = query.join(MemberRow, MemberRow.committee_id == CommitteeRow.id).where(
            MemberRow.person_id == actor.id
        )
    return [
        (view_of(MeetingView, meeting), view_of(CommitteeView, committee))
        for meeting, committee in session.execute(query).all()
    ]


def meeting(session: Session, meeting_id: str) -> tuple[MeetingView, CommitteeView]:
    """A meeting and its committee, or NotFoundError."""
    found = session.execute(
        select(MeetingRow, CommitteeRow)
        .join(CommitteeRow, CommitteeRow.id == MeetingRow.committee_id)
        .where(MeetingRow.id == meeting_id)
    ).first()
    if found is None:
        raise NotFoundError("no meeting {meeting_id}", meeting_id=meeting_id)
    return view_of(MeetingView, found[0]), view_of(CommitteeView, found[1])


def agenda(session: Session, meeting_id: str, actor: Actor) -> list[ApplicationView]:
    """The meeting's applications ``actor`` may see, in agenda order."""
    ensure(actor, Action.READ_AGENDAS)
    return [application_view(row) for row in agenda_for(session, meeting_id, actor)]


def on_agenda(session: Session, meeting_id: str, application_id: str) -> bool:
    """True when the application is on the meeting's agenda."""
    found = session.execute(
        select(AgendaItemRow.id)
        .where(AgendaItemRow.meeting_id == meeting_id)
        .where(AgendaItemRow.application_id == application_id)
    ).first()
    return found is not None


def my_scores(
    session: Session, actor: Actor, committee_id: str, application_id: str
) -> dict[str, ScoreView]:
    """The scores ``actor`` gave the application as a member of the committee, by criterion."""
    ensure(actor, Action.READ_AGENDAS)
    rows = session.execute(
        select(ScoreRow)
        .join(MemberRow, MemberRow.id == ScoreRow.member_id)
        .where(MemberRow.person_id == actor.id)
        .where(MemberRow.committee_id == committee_id)
        .where(ScoreRow.application_id == application_id)
    ).scalars()
    return {row.criterion: score_view(row) for row in rows}


def voided_scores(session: Session, application_id: str) -> int:
    """How many scores on the application a later conflict of interest voided."""
    return int(
        session.execute(
            select(func.count())
            .select_from(ScoreRow)
            .where(ScoreRow.application_id == application_id)
            .where(ScoreRow.voided.is_(True))
        ).scalar_one()
    )


def decision(session: Session, application_id: str) -> DecisionView | None:
    """The committee's decision on the application, or None before it decides."""
    row = session.execute(
        select(CommitteeDecisionRow).where(CommitteeDecisionRow.application_id == application_id)
    ).scalar_one_or_none()
    return None if row is None else decision_view(row)


def decision_of(session: Session, application_id: str, actor: Actor) -> DecisionView:
    """The decision on an application ``actor`` may see, or NotFoundError before one."""
    get_application(session, application_id, actor)
    found = decision(session, application_id)
    if found is None:
        raise NotFoundError(
            "the committee has not decided on application {application_id}",
            application_id=application_id,
        )
    return found


def committees_by_ids(session: Session, committee_ids: set[str]) -> dict[str, CommitteeView]:
    """The committees of ``committee_ids`` that exist, by id (for lists that name them)."""
    if not committee_ids:
        return {}
    rows = session.execute(select(CommitteeRow).where(CommitteeRow.id.in_(committee_ids)))
    return {row.id: view_of(CommitteeView, row) for row in rows.scalars()}
