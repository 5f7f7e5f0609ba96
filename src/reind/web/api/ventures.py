"""ITVF co-investments, TSSSU start-ups and RTTP courses, enrolments and attendance."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, status
from pydantic import Field

from reind.core.periods import FinancialYear
from reind.programme import training, ventures
from reind.programme.actors import Actor
from reind.programme.permissions import Action
from reind.web.api.common import Amount, RowId, Schema, money, shown
from reind.web.auth import CurrentActor, require
from reind.web.deps import RulesEngine, UnitOfWork

router = APIRouter(prefix="/api/v1", tags=["ventures and training"])
Reader = Annotated[
    Actor,
    Depends(require(Action.READ_PROGRAMME_FIGURES)),
]


class PartnerCreate(Schema):
    """An ITVF co-investment partner."""

    name: str = Field(max_length=200)
    signed_on: date


class DealCreate(Schema):
    """One co-investment: the Government's and the partner's money."""

    partner_id: str
    investee: str = Field(max_length=200)
    invested_on: date
    government: Amount
    partner: Amount


class StartupCreate(Schema):
    """A TSSSU start-up funded through a university (``year``: first year of the FY)."""

    university: Literal["HKU", "CUHK", "CityU", "HKUST", "HKBU", "PolyU"]
    startup: str = Field(max_length=200)
    year: int = Field(ge=2000, le=2100, description="2024 means the financial year 2024-25")
    amount: Amount


class CourseCreate(Schema):
    """An RTTP course and the dates of its sessions."""

    provider: str = Field(max_length=200)
    title: str = Field(max_length=300)
    fee: Amount
    public: bool
    sessions: list[date] = Field(max_length=500)


class EnrolmentCreate(Schema):
    """A trainee on a course, under an RTTP application."""

    course_id: RowId
    application_id: str
    enterprise_id: str
    name: str = Field(max_length=200)
    permanent_resident: bool


class AttendanceCreate(Schema):
    """Whether the trainee attended one session."""

    enrolment_id: RowId
    session_id: RowId
    present: bool


@router.post(
    "/itvf/partners",
    status_code=status.HTTP_201_CREATED,
    dependencies=[Depends(require(Action.RECORD_PROGRAMME_RECORDS))],
)
def add_partner(body: PartnerCreate, actor: CurrentActor, session: UnitOfWork) -> dict[str, str]:
    """Register a co-investment partner."""
    return {"id": ventures.add_partner(session, body.name, body.signed_on, actor).id}


@router.post(
    "/itvf/deals",
    status_code=status.HTTP_201_CREATED,
    dependencies=[Depends(require(Action.RECORD_PROGRAMME_RECORDS))],
)
def record_deal(
    body: DealCreate, actor: CurrentActor, session: UnitOfWork, engine: RulesEngine
) -> dict[str, str]:
    """Record a co-investment within the 1:2 matching and the per-deal/per-investee caps."""
    row = ventures.record_deal(
        session,
        body.partner_id,
        body.investee,
        body.invested_on,
        government=money(body.government),
        partner=money(body.partner),
        actor=actor,
        engine=engine,
    )
    return {"id": row.id, "government": shown(row.government_cents)}


@router.get("/itvf/totals")
def itvf_totals(_reader: Reader, session: UnitOfWork) -> dict[str, str]:
    """The Government's investment and the private capital it attracted."""
    government, private = ventures.private_capital_attracted(session)
    return {"government": str(government.amount), "private": str(private.amount)}


@router.post(
    "/tsssu/startups",
    status_code=status.HTTP_201_CREATED,
    dependencies=[Depends(require(Action.RECORD_PROGRAMME_RECORDS))],
)
def record_startup(body: StartupCreate, actor: CurrentActor, session: UnitOfWork) -> dict[str, Any]:
    """Record a TSSSU start-up."""
    row = ventures.record_startup(
        session,
        body.university,
        body.startup,
        FinancialYear(body.year),
        money(body.amount),
        actor,
    )
    return {"id": row.id}


@router.get("/tsssu/startups/counts")
def startups_per_university(
    year: Annotated[int, Query(ge=2000, le=2100)], _reader: Reader, session: UnitOfWork
) -> dict[str, int]:
    """Start-ups per university in a financial year (2024 = 2024-25)."""
    return ventures.startups_per_university(session, FinancialYear(year))


@router.post(
    "/rttp/courses",
    status_code=status.HTTP_201_CREATED,
    dependencies=[Depends(require(Action.RECORD_PROGRAMME_RECORDS))],
)
def add_course(body: CourseCreate, actor: CurrentActor, session: UnitOfWork) -> dict[str, Any]:
    """Register an RTTP course and its sessions."""
    row = training.add_course(
        session, body.provider, body.title, money(body.fee), body.public, body.sessions, actor
    )
    return {"id": row.id}


@router.post(
    "/rttp/enrolments",
    status_code=status.HTTP_201_CREATED,
    dependencies=[Depends(require(Action.RECORD_PROGRAMME_RECORDS))],
)
def enrol(body: EnrolmentCreate, actor: CurrentActor, session: UnitOfWork) -> dict[str, Any]:
    """Enrol a trainee on a course."""
    row = training.enrol(session, actor=actor, **body.model_dump())
    return {"id": row.id}


@router.post(
    "/rttp/attendance",
    status_code=status.HTTP_201_CREATED,
    dependencies=[Depends(require(Action.RECORD_PROGRAMME_RECORDS))],
)
def mark_attendance(
    body: AttendanceCreate, actor: CurrentActor, session: UnitOfWork
) -> dict[str, Any]:
    """Record one session's attendance."""
    row = training.mark_attendance(session, body.enrolment_id, body.session_id, body.present, actor)
    return {"id": row.id}
