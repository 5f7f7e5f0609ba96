"""ITVF co-investments, TSSSU start-ups and RTTP training records.

ITVF: the Government co-invests with partners at about 1 (Government) : 2
(partner), at most HK$30M per deal and HK$50M per investee [B] (HKVCA 2017;
TecONE briefing 2017). The ratio and both caps are the ``itvf`` scheme's
dated parameters (``matching_ratio``, ``deal_cap``, ``investee_cap``), read
as in force on the day of the investment.
"""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from typing import TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from reind.core.errors import (
    ConflictError,
    ForbiddenError,
    InvalidInputError,
    NotFoundError,
    RuleError,
)
from reind.core.money import Money
from reind.core.periods import FinancialYear
from reind.programme import audit
from reind.programme.audit import Actor, Role
from reind.programme.store_desk import (
    AttendanceRow,
    CoInvestmentPartnerRow,
    CourseRow,
    CourseSessionRow,
    DealRow,
    EnrolmentRow,
    StartupGrantRow,
    TraineeRow,
)
from reind.programme.uow import flush
from reind.rules.engine import Engine

T = TypeVar("T")

UNIVERSITIES = ("HKU", "CUHK", "CityU", "HKUST", "HKBU", "PolyU")
STAFF = {Role.OFFICER, Role.ADMINISTRATOR, Role.SYSTEM}


def _itvf(engine: Engine, name: str, day: date, kind: type[T]) -> T:
    """The ``itvf`` parameter ``name`` in force on ``day``, which must be a ``kind``."""
    value = engine.parameters.get("itvf", name).at(day)
    if value is None or not isinstance(value.value, kind):
        raise RuleError(f"itvf.{name} has no value in force on {day.isoformat()}")
    return value.value


def _staff(actor: Actor) -> None:
    if actor.role not in STAFF:
        raise ForbiddenError(f"the {actor.role.value} role may not record this")


def add_partner(
    session: Session, name: str, signed_on: date, actor: Actor
) -> CoInvestmentPartnerRow:
    """Register an ITVF co-investment partner."""
    _staff(actor)
    row = CoInvestmentPartnerRow(name=name, signed_on=signed_on)
    session.add(row)
    flush(session, "the partner")
    audit.record_at_commit(
        session, actor, "itvf.partner_added", "itvf_partner", row.id, {"name": name}
    )
    return row


def record_deal(
    session: Session,
    partner_id: str,
    investee: str,
    invested_on: date,
    *,
    government: Money,
    partner: Money,
    actor: Actor,
    engine: Engine,
) -> DealRow:
    """Record a co-investment, refusing one that breaks the 1:2 ratio or a cap."""
    _staff(actor)
    if session.get(CoInvestmentPartnerRow, partner_id) is None:
        raise NotFoundError(f"no co-investment partner {partner_id}")
    if government.cents <= 0 or partner.cents <= 0:
        raise InvalidInputError("both the Government and the partner must invest")
    ratio = _itvf(engine, "matching_ratio", invested_on, Fraction)
    deal_cap = _itvf(engine, "deal_cap", invested_on, Money)
    investee_cap = _itvf(engine, "investee_cap", invested_on, Money)
    if government.cents > ratio * partner.cents:
        raise ConflictError(
            f"the Government's {government} is more than {ratio.numerator}/{ratio.denominator} "
            f"of the partner's {partner} ({ratio.numerator}:{ratio.denominator} matching, "
            "itvf.matching_ratio)"
        )
    if government > deal_cap:
        raise ConflictError(f"{government} exceeds the per-deal cap of {deal_cap} (itvf.deal_cap)")
    earlier = session.execute(
        select(func.coalesce(func.sum(DealRow.government_cents), 0)).where(
            DealRow.investee == investee
        )
    ).scalar_one()
    if Money(int(earlier)) + government > investee_cap:
        raise ConflictError(
            f"{investee} would receive more than {investee_cap} "
            "from the Government in total (itvf.investee_cap)"
        )
    row = DealRow(
        partner_id=partner_id,
        investee=investee,
        invested_on=invested_on,
        government_cents=government.cents,
        partner_cents=partner.cents,
    )
    session.add(row)
    flush(session, "the deal")
    audit.record_at_commit(
        session,
        actor,
        "money.itvf_invested",
        "itvf_deal",
        row.id,
        {
            "investee": investee,
            "government": str(government.amount),
            "partner": str(partner.amount),
        },
    )
    return row


def private_capital_attracted(session: Session) -> tuple[Money, Money]:
    """(Government invested, private capital co-invested) across all deals."""
    gov, private = session.execute(
        select(
            func.coalesce(func.sum(DealRow.government_cents), 0),
            func.coalesce(func.sum(DealRow.partner_cents), 0),
        )
    ).one()
    return Money(int(gov)), Money(int(private))


def record_startup(
    session: Session,
    university: str,
    startup: str,
    year: FinancialYear,
    amount: Money,
    actor: Actor,
) -> StartupGrantRow:
    """Record a TSSSU start-up funded through a university in a financial year."""
    _staff(actor)
    if university not in UNIVERSITIES:
        raise InvalidInputError(f"TSSSU funds {', '.join(UNIVERSITIES)}, not {university!r}")
    row = StartupGrantRow(
        university=university,
        startup=startup,
        financial_year=year.start_year,
        amount_cents=amount.cents,
    )
    session.add(row)
    flush(session, "the start-up")
    audit.record_at_commit(
        session,
        actor,
        "money.tsssu_granted",
        "tsssu_startup",
        str(row.id),
        {"university": university, "year": str(year), "amount": str(amount.amount)},
    )
    return row


def startups_per_university(session: Session, year: FinancialYear) -> dict[str, int]:
    """How many start-ups each university funded in ``year``."""
    rows = session.execute(
        select(StartupGrantRow.university, func.count())
        .where(StartupGrantRow.financial_year == year.start_year)
        .group_by(StartupGrantRow.university)
    ).all()
    return {university: int(n) for university, n in rows}


def add_course(
    session: Session,
    provider: str,
    title: str,
    fee: Money,
    public: bool,
    sessions: list[date],
    actor: Actor,
) -> CourseRow:
    """Register an RTTP course and its sessions."""
    _staff(actor)
    course = CourseRow(provider=provider, title=title, fee_cents=fee.cents, public=public)
    session.add(course)
    flush(session, "the course")
    for day in sessions:
        session.add(CourseSessionRow(course_id=course.id, held_on=day))
    flush(session, "the course sessions")
    return course


def enrol(
    session: Session,
    course_id: int,
    application_id: str,
    enterprise_id: str,
    name: str,
    permanent_resident: bool,
    actor: Actor,
) -> EnrolmentRow:
    """Enrol a trainee (who must be a Hong Kong permanent resident) on a course."""
    _staff(actor)
    if not permanent_resident:
        raise InvalidInputError("RTTP trainees must be Hong Kong permanent residents")
    trainee = TraineeRow(enterprise_id=enterprise_id, name=name, permanent_resident=True)
    session.add(trainee)
    flush(session, "the trainee")
    row = EnrolmentRow(course_id=course_id, trainee_id=trainee.id, application_id=application_id)
    session.add(row)
    flush(session, "the enrolment")
    return row


def mark_attendance(
    session: Session, enrolment_id: int, session_id: int, present: bool, actor: Actor
) -> AttendanceRow:
    """Record whether the trainee attended one session."""
    _staff(actor)
    row = AttendanceRow(enrolment_id=enrolment_id, session_id=session_id, present=present)
    session.add(row)
    flush(session, "the attendance")
    return row
