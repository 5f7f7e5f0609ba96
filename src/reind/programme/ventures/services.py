"""ITVF co-investments and TSSSU start-ups (RTTP training is in ``programme.training``).

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
    InvalidInputError,
    NotFoundError,
    RuleError,
)
from reind.core.integrity import DuplicateError
from reind.core.money import Money
from reind.core.periods import FinancialYear
from reind.programme import audit
from reind.programme.actors import Actor
from reind.programme.permissions import Action, ensure
from reind.programme.uow import flush
from reind.programme.ventures.store import CoInvestmentPartnerRow, DealRow, StartupGrantRow
from reind.rules.engine import Engine

T = TypeVar("T")

UNIVERSITIES = ("HKU", "CUHK", "CityU", "HKUST", "HKBU", "PolyU")


def _itvf(engine: Engine, name: str, day: date, kind: type[T]) -> T:
    """The ``itvf`` parameter ``name`` in force on ``day``, which must be a ``kind``."""
    value = engine.parameters.get("itvf", name).at(day)
    if value is None or not isinstance(value.value, kind):
        raise RuleError(
            "{parameter} has no value in force on {day}",
            parameter=f"itvf.{name}",
            day=day.isoformat(),
        )
    return value.value


def add_partner(
    session: Session, name: str, signed_on: date, actor: Actor
) -> CoInvestmentPartnerRow:
    """Register an ITVF co-investment partner (a name is registered once)."""
    ensure(actor, Action.RECORD_PROGRAMME_RECORDS)
    taken = session.execute(
        select(CoInvestmentPartnerRow.id).where(CoInvestmentPartnerRow.name == name)
    ).scalar_one_or_none()
    if taken is not None:
        raise DuplicateError(
            f"{name} is already a registered co-investment partner",
            zh=f"{name} 已是登記的共同投資夥伴",
            partner_id=taken,
        )
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
    ensure(actor, Action.RECORD_PROGRAMME_RECORDS)
    if session.get(CoInvestmentPartnerRow, partner_id) is None:
        raise NotFoundError("no co-investment partner {partner_id}", partner_id=partner_id)
    if government.cents <= 0 or partner.cents <= 0:
        raise InvalidInputError("both the Government and the partner must invest")
    ratio = _itvf(engine, "matching_ratio", invested_on, Fraction)
    deal_cap = _itvf(engine, "deal_cap", invested_on, Money)
    investee_cap = _itvf(engine, "investee_cap", invested_on, Money)
    if government.cents > ratio * partner.cents:
        raise ConflictError(
            "the Government's {government} is more than {ratio} of the partner's {partner} "
            "({matching} matching)",
            government=government,
            ratio=f"{ratio.numerator}/{ratio.denominator}",
            partner=partner,
            matching=f"{ratio.numerator}:{ratio.denominator}",
        )
    if government > deal_cap:
        raise ConflictError(
            "{government} exceeds the per-deal cap of {deal_cap} (itvf.deal_cap)",
            government=government,
            deal_cap=deal_cap,
        )
    earlier = session.execute(
        select(func.coalesce(func.sum(DealRow.government_cents), 0)).where(
            DealRow.investee == investee
        )
    ).scalar_one()
    if Money(int(earlier)) + government > investee_cap:
        raise ConflictError(
            "{investee} would receive more than {investee_cap} from the Government in total",
            investee=investee,
            investee_cap=investee_cap,
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
    ensure(actor, Action.RECORD_PROGRAMME_RECORDS)
    if university not in UNIVERSITIES:
        raise InvalidInputError(
            "TSSSU funds {universities}, not “{university}”",
            universities=", ".join(UNIVERSITIES),
            university=university,
        )
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
