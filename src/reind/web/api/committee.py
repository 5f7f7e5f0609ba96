"""``/api/v1/committees`` and ``/api/v1/meetings``: vetting committees at work.

A conflicted member's agenda leaves the application out, and reading or
scoring it is refused (the services decide; this only translates).
"""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Depends, status
from pydantic import Field

from reind.programme.committee import agenda as agenda_service
from reind.programme.committee import governance, views
from reind.programme.committee import services as service
from reind.programme.permissions import Action
from reind.web.api.application_schemas import ApplicationPublic, application_public
from reind.web.api.common import Amount, Schema, money
from reind.web.auth import CurrentActor, require
from reind.web.deps import RulesEngine, UnitOfWork

router = APIRouter(prefix="/api/v1", tags=["committee"])


class CommitteeCreate(Schema):
    """A vetting committee for a scheme."""

    scheme: str = Field(max_length=32)
    name_en: str = Field(max_length=200)
    name_zh: str = Field(max_length=200)
    quorum: int = Field(default=1, ge=1, le=50, description="Members who must score first.")


class CommitteePublic(CommitteeCreate):
    """A vetting committee."""

    id: str
    version: int


class MemberCreate(Schema):
    """A person appointed for a term (``person_id``: their user account's person id)."""

    person_id: str = Field(max_length=64)
    name: str = Field(max_length=200)
    capacity: str = Field(max_length=30, examples=["chair", "member", "ex_officio"])
    term_from: date
    term_to: date


class MemberPublic(MemberCreate):
    """A committee member."""

    id: str
    committee_id: str


class MeetingCreate(Schema):
    """A meeting and the applications on its agenda, in order."""

    held_on: date
    application_ids: list[str] = Field(max_length=500)


class MeetingPublic(Schema):
    """A committee meeting."""

    id: str
    committee_id: str
    held_on: date
    version: int


class ConflictCreate(Schema):
    """A declared conflict of interest."""

    member_id: str
    application_id: str
    nature: str = Field(max_length=2000)


class ScoreCreate(Schema):
    """One criterion scored 0-5."""

    criterion: str = Field(max_length=40)
    score: int = Field(ge=0, le=5)
    comment: str = Field(default="", max_length=4000)


class ScorePublic(ScoreCreate):
    """A stored score."""

    id: int
    member_id: str
    application_id: str


class DecisionCreate(Schema):
    """The committee's decision with its reasons in both languages."""

    supported: bool
    reasons_en: str = Field(max_length=8000)
    reasons_zh: str = Field(max_length=8000)
    decided_on: date
    grant: Amount | None = None


class DecisionPublic(Schema):
    """The committee's decision and its letter."""

    id: str
    application_id: str
    meeting_id: str
    outcome: str
    weighted_score: str
    reasons_en: str
    reasons_zh: str
    decided_on: date


class LetterPublic(Schema):
    """The decision letter in English and Traditional Chinese."""

    application_id: str
    en: str
    zh_hant: str = Field(serialization_alias="zh-Hant")


@router.post(
    "/committees",
    response_model=CommitteePublic,
    status_code=status.HTTP_201_CREATED,
    dependencies=[Depends(require(Action.RUN_COMMITTEES))],
)
def create_committee(
    body: CommitteeCreate, actor: CurrentActor, session: UnitOfWork, engine: RulesEngine
) -> CommitteePublic:
    """Set up a vetting committee (secretariat)."""
    row = service.create_committee(
        session, body.scheme, body.name_en, body.name_zh, actor, engine=engine, quorum=body.quorum
    )
    return CommitteePublic.model_validate(row)


@router.post(
    "/committees/{committee_id}/members",
    response_model=MemberPublic,
    status_code=status.HTTP_201_CREATED,
    dependencies=[Depends(require(Action.RUN_COMMITTEES))],
)
def appoint_member(
    committee_id: str, body: MemberCreate, actor: CurrentActor, session: UnitOfWork
) -> MemberPublic:
    """Appoint a member for a term (secretariat)."""
    row = service.appoint_member(session, committee_id, actor, **body.model_dump())
    return MemberPublic.model_validate(row)


@router.post(
    "/committees/{committee_id}/meetings",
    response_model=MeetingPublic,
    status_code=status.HTTP_201_CREATED,
    dependencies=[Depends(require(Action.RUN_COMMITTEES))],
)
def schedule_meeting(
    committee_id: str, body: MeetingCreate, actor: CurrentActor, session: UnitOfWork
) -> MeetingPublic:
    """Schedule a meeting with its agenda (secretariat)."""
    row = service.schedule_meeting(session, committee_id, body.held_on, body.application_ids, actor)
    return MeetingPublic.model_validate(row)


@router.post(
    "/conflicts",
    status_code=status.HTTP_201_CREATED,
    dependencies=[Depends(require(Action.RUN_COMMITTEES))],
)
def declare_conflict(
    body: ConflictCreate, actor: CurrentActor, session: UnitOfWork
) -> dict[str, str]:
    """Declare a conflict of interest (the member, or the secretariat)."""
    row = governance.declare_conflict(
        session, body.member_id, body.application_id, body.nature, actor
    )
    return {"member_id": row.member_id, "application_id": row.application_id}


class AgendaItemCreate(Schema):
    """A referred application to add to the end of a meeting's agenda."""

    application_id: str = Field(min_length=1, max_length=36)


class AgendaItemPublic(Schema):
    """An application's place on a meeting's agenda."""

    meeting_id: str
    application_id: str
    position: int


@router.post(
    "/meetings/{meeting_id}/agenda",
    response_model=AgendaItemPublic,
    status_code=status.HTTP_201_CREATED,
    dependencies=[Depends(require(Action.RUN_COMMITTEES))],
)
def place_on_agenda(
    meeting_id: str, body: AgendaItemCreate, actor: CurrentActor, session: UnitOfWork
) -> AgendaItemPublic:
    """Place a case referred to the committee on a meeting's agenda, last (secretariat)."""
    item = agenda_service.place_on_agenda(session, meeting_id, body.application_id, actor)
    return AgendaItemPublic.model_validate(item)


@router.get(
    "/committee/referrals",
    response_model=list[ApplicationPublic],
    dependencies=[Depends(require(Action.READ_REFERRALS))],
)
def referrals(actor: CurrentActor, session: UnitOfWork) -> list[ApplicationPublic]:
    """Cases referred to the committee that are on no meeting's agenda yet."""
    return [
        application_public(app, actor) for app in agenda_service.awaiting_agenda(session, actor)
    ]


@router.get(
    "/meetings/{meeting_id}/agenda",
    response_model=list[ApplicationPublic],
    dependencies=[Depends(require(Action.READ_AGENDAS))],
)
def agenda(meeting_id: str, actor: CurrentActor, session: UnitOfWork) -> list[ApplicationPublic]:
    """The meeting's agenda; a member never sees applications they are conflicted on."""
    return [application_public(app, actor) for app in views.agenda(session, meeting_id, actor)]


@router.post(
    "/meetings/{meeting_id}/applications/{application_id}/scores",
    response_model=ScorePublic,
    status_code=status.HTTP_201_CREATED,
    dependencies=[Depends(require(Action.SCORE))],
)
def score(
    meeting_id: str,
    application_id: str,
    body: ScoreCreate,
    actor: CurrentActor,
    session: UnitOfWork,
) -> ScorePublic:
    """Score one criterion of an application on the agenda (committee members)."""
    row = service.score_application(
        session,
        meeting_id,
        application_id,
        actor,
        criterion=body.criterion,
        score=body.score,
        comment=body.comment,
    )
    return ScorePublic.model_validate(row)


@router.post(
    "/meetings/{meeting_id}/applications/{application_id}/decision",
    response_model=DecisionPublic,
    status_code=status.HTTP_201_CREATED,
    dependencies=[Depends(require(Action.DECIDE))],
)
def decide(
    meeting_id: str,
    application_id: str,
    body: DecisionCreate,
    actor: CurrentActor,
    session: UnitOfWork,
    engine: RulesEngine,
) -> DecisionPublic:
    """Record the committee's decision; the application moves on (approver)."""
    row = service.decide(
        session,
        meeting_id,
        application_id,
        actor,
        supported=body.supported,
        reasons_en=body.reasons_en,
        reasons_zh=body.reasons_zh,
        decided_on=body.decided_on,
        grant=None if body.grant is None else money(body.grant),
        engine=engine,
    )
    return DecisionPublic.model_validate(views.decision_view(row))


@router.get(
    "/applications/{application_id}/letter",
    response_model=LetterPublic,
    dependencies=[Depends(require(Action.READ_CASES))],
)
def letter(application_id: str, actor: CurrentActor, session: UnitOfWork) -> LetterPublic:
    """The committee's decision letter, in both languages."""
    row = views.decision_of(session, application_id, actor)
    return LetterPublic(application_id=application_id, en=row.letter_en, zh_hant=row.letter_zh)
