"""ITVF co-investments and TSSSU start-ups, through the programme services.

ITVF: 11 co-investment partners (6 signed in 2018, 5 from the 2020 round)
and 21 local start-ups by 31 August 2021 with more than HK$120M from the
Government and more than HK$600M of private money in the same rounds;
every deal is first decided by the ``itvf`` rules (1:2 matching, per-deal
cap) and then recorded by ``record_deal`` (which checks the caps again).

TSSSU: 160 start-ups funded by the six universities from 2014-15 to
2019-20 (and more in 2020-21), each year's grant decided by the ``tsssu``
rules with the university's approvals so far that year; the products they
launched and the revenue they reported for 2019-20 are a bulk import.
"""

from __future__ import annotations

import math
import random
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from reind.core.errors import RuleError
from reind.core.money import Money
from reind.core.periods import FinancialYear
from reind.programme.actors import Actor, Role
from reind.programme.demo_data.bulk import Batch, SimClock, day_between, seeded_id, write_batch
from reind.programme.ventures.services import UNIVERSITIES, add_partner, record_deal, record_startup
from reind.programme.ventures.store import StartupProductRow, StartupRevenueRow
from reind.rules.decision import Outcome
from reind.rules.engine import Engine

OFFICER = Actor("officer-itc-ventures", Role.OFFICER)
_PARTNERS = (
    ("Harbour Ventures Fund I LP", date(2018, 9, 14)),
    ("Lion Rock Capital Partners", date(2018, 9, 14)),
    ("Pearl Delta Growth Fund", date(2018, 9, 21)),
    ("Kowloon Deep Tech Fund", date(2018, 9, 21)),
    ("Victoria Peak Venture Partners", date(2018, 9, 28)),
    ("Bauhinia Innovation Fund", date(2018, 9, 28)),
    ("Star Ferry Seed Fund II", date(2020, 12, 28)),
    ("Jade Robotics Capital", date(2020, 12, 28)),
    ("Tai Po Biotech Ventures", date(2020, 12, 28)),
    ("Silvermine Climate Fund", date(2021, 3, 19)),
    ("Sai Kung Frontier Capital", date(2021, 3, 19)),
)
_STARTUP_WORDS = (
    "Robotics",
    "BioTech",
    "AI Labs",
    "Sensors",
    "Fintech",
    "MedTech",
    "Drones",
    "Materials",
    "AgriTech",
    "Quantum",
    "Vision",
    "Battery",
    "Genomics",
)
_PRODUCTS = (
    "inspection app",
    "sensor kit",
    "analytics platform",
    "diagnostic test",
    "cleaning robot",
    "smart label",
    "learning app",
    "air-quality monitor",
    "food-safety test",
    "warehouse robot",
    "payment service",
    "wearable",
)


def generate_itvf(session: Session, rng: random.Random, clock: SimClock, engine: Engine) -> None:
    """Partners and deals: 21 start-ups by 31 August 2021, two more deals after."""
    partners = []
    for name, signed in _PARTNERS:
        clock.at(signed)
        partners.append((add_partner(session, name, signed, OFFICER), signed))
    names = rng.sample(_STARTUP_WORDS, len(_STARTUP_WORDS))
    investees = [
        f"{rng.choice(('Hex', 'Nova', 'Kite', 'Orca', 'Tide'))}{names[i % len(names)]}"
        f" {i + 1:02d} Limited"
        for i in range(23)
    ]
    gov = _spread(rng, 21, Decimal("123400000"), (2_000_000, 11_000_000))
    deals: list[tuple[str, Money, date]] = []
    for index, amount in enumerate(gov):
        deals.append(
            (investees[index], amount, day_between(rng, date(2018, 11, 1), date(2021, 8, 20)))
        )
    # Two follow-on rounds and two new start-ups after the report's date.
    deals.append((investees[0], Money.of(3_000_000), date(2021, 6, 30)))
    deals.append((investees[21], Money.of(6_000_000), date(2021, 10, 8)))
    deals.append((investees[22], Money.of(4_500_000), date(2021, 12, 2)))
    for investee, wanted, day in sorted(deals, key=lambda d: d[2]):
        open_partners = [p for p, signed in partners if signed <= day - timedelta(days=30)]
        partner = rng.choice(open_partners)
        private = wanted.times(Decimal(rng.randrange(400, 620)) / 100, "down")
        decision = engine.decide(
            "itvf",
            {
                "received": (day - timedelta(days=21)).isoformat(),
                "cp_investment": str(private.amount),
                "requested": str(wanted.amount),
                "cp_remaining_capital": "400000000",
                "cp_remaining_fund_life_years": "7",
                "cp_place_of_business_in_hk": True,
                "investee_local": True,
            },
        )
        if decision.outcome is not Outcome.ELIGIBLE:
            raise RuleError(f"generated ITVF deal for {investee} is not eligible: {decision}")
        clock.at(day)
        record_deal(
            session,
            partner.id,
            investee,
            day,
            government=decision.amount,
            partner=private,
            actor=OFFICER,
            engine=engine,
        )


def _spread(rng: random.Random, n: int, total: Decimal, bounds: tuple[int, int]) -> list[Money]:
    raw = [Decimal(rng.randrange(*bounds)) for _ in range(n)]
    factor = total / sum(raw)
    return [Money.of((amount * factor).quantize(Decimal(10_000))) for amount in raw]


def generate_tsssu(session: Session, rng: random.Random, clock: SimClock, engine: Engine) -> None:
    """160 start-ups from 2014-15 to 2019-20 (and 24 in 2020-21), with products and revenue."""
    plan: list[tuple[str, str, int, int]] = []  # university, start-up, first year, years
    for number in range(184):
        first = 2014 + number * 6 // 160 if number < 160 else 2020
        university = UNIVERSITIES[number % len(UNIVERSITIES)]
        word = _STARTUP_WORDS[number % len(_STARTUP_WORDS)]
        plan.append(
            (
                university,
                f"{university} {word} Start-up {number + 1:03d} Limited",
                first,
                rng.choice((1, 2, 2, 3, 3)),
            )
        )
    by_year: dict[tuple[str, int], list[dict[str, Any]]] = {}
    funded: dict[str, list[dict[str, Any]]] = {}
    for year in range(2014, 2022):
        for university, startup, first, years in plan:
            if not first <= year < first + years:
                continue
            fy = FinancialYear(year)
            requested = Money.of(rng.randrange(10, 61) * 10_000)
            approvals = by_year.setdefault((university, year), [])
            decision = engine.decide(
                "tsssu",
                {
                    "financial_year": str(fy),
                    "university": university.lower(),
                    "requested": str(requested.amount),
                    "team_from_university": True,
                    "company_registered_on": date(first - 1, 9, 1).isoformat(),
                    "application_deadline": date(first, 3, 1).isoformat(),
                    "startup_funding": funded.get(startup, []),
                    "university_approvals": approvals,
                },
            )
            if decision.outcome is not Outcome.ELIGIBLE or decision.amount.cents == 0:
                continue  # the university's ceiling is used up: not recommended this year
            clock.at(fy.start + timedelta(days=120))
            record_startup(session, university, startup, fy, decision.amount, OFFICER)
            approvals.append({"track": "o", "amount": str(decision.amount.amount)})
            funded.setdefault(startup, []).append(
                {"financial_year": str(fy), "amount": str(decision.amount.amount)}
            )
    _products_and_revenue(session, rng, clock, [p for p in plan if p[2] <= 2019])


def _products_and_revenue(
    session: Session, rng: random.Random, clock: SimClock, plan: list[tuple[str, str, int, int]]
) -> None:
    products: list[dict[str, Any]] = []
    revenues: list[dict[str, Any]] = []
    earning = set(rng.sample(range(len(plan)), 124))
    low, high = math.log(800), math.log(11_000_000)
    for index, (university, startup, first, _) in enumerate(plan):
        count = 2 if index % 3 == 0 else 1
        if index % 23 == 0:
            count = 0
        for n in range(count):
            products.append(
                {
                    "id": seeded_id(rng),
                    "university": university,
                    "startup": startup,
                    "name": f"{startup.split(' Start-up')[0]} {rng.choice(_PRODUCTS)} {n + 1}",
                    "launched_on": day_between(rng, date(first, 10, 1), date(2020, 3, 31)),
                }
            )
        if index in earning:
            cents = int(math.exp(rng.uniform(low, high))) * 100
            revenues.append(
                {
                    "id": seeded_id(rng),
                    "university": university,
                    "startup": startup,
                    "financial_year": 2019,
                    "revenue_cents": cents,
                    "reported_on": date(2020, 6, 30),
                }
            )
    # The survey's extremes: the smallest and the largest earner.
    revenues[0]["revenue_cents"] = 81_200
    revenues[-1]["revenue_cents"] = 1_096_000_000
    batch = Batch("tsssu_products_and_revenue")
    batch.add(StartupProductRow.__table__, products)  # type: ignore[arg-type]
    batch.add(StartupRevenueRow.__table__, revenues)  # type: ignore[arg-type]
    clock.at(date(2020, 7, 15))
    write_batch(session, batch, clock)
