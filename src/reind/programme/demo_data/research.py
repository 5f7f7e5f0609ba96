"""R&D tax deduction claims by year of assessment, and ITF R&D projects.

Tax: the enhanced two-tier deduction exists from the year of assessment
2018/19 (expenditure from 1 April 2018); the rules refuse earlier years.
Claims for 2017/18 are therefore recorded honestly as ordinary 100%
deductions (``basis = "ordinary"``, deduction = expenditure, no rules
version), and claims from 2018/19 on are decided by the ``rd_tax`` rules
(``basis = "enhanced"``). 2019/20 totals over HK$3.2B, almost double
2017/18.

ITF: over 1,500 R&D projects approved in the four years to 31 August 2021
for about HK$4.653B across seven R&D programmes. ESS projects are decided
by the ``ess`` rules (1:1, HK$10M cap); the other programmes' rules are not
encoded yet, so their approved funding is recorded as the ITF approved it.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from reind.core.errors import RuleError
from reind.core.money import Money
from reind.programme.demo_data.bulk import Batch, SimClock, day_between, seeded_id, write_batch
from reind.programme.research.store import ITFProjectRow, RDTaxClaimRow
from reind.rules.decision import Outcome
from reind.rules.engine import Engine

TAX_TARGETS = {
    2017: Money.of(1_658_000_000),
    2018: Money.of(2_470_000_000),
    2019: Money.of(3_228_000_000),
    2020: Money.of(3_650_000_000),
}
ITF_WINDOW = (date(2017, 9, 1), date(2021, 8, 31))
ITF_TARGET = Money.of(4_653_000_000)
_PROGRAMMES = (
    ("ITSP", 30, (1_000_000, 9_000_000)),
    ("PRP", 16, (800_000, 5_000_000)),
    ("MHKJFS", 10, (1_000_000, 6_000_000)),
    ("TCFS", 8, (600_000, 3_000_000)),
    ("MRP", 14, (200_000, 2_000_000)),
    ("ESS", 12, (2_000_000, 20_000_000)),
    ("UICP", 10, (300_000, 2_500_000)),
)
_LEADS = (
    "HKUST",
    "HKU",
    "CUHK",
    "PolyU",
    "CityU",
    "HKBU",
    "ASTRI",
    "HKPC",
    "LSCM",
    "NAMI",
    "HKRITA",
    "Harbour Robotics Ltd",
    "Jade Sensors Ltd",
)
_TOPICS = (
    "smart manufacturing",
    "food safety sensing",
    "biomedical devices",
    "AI vision",
    "new materials",
    "logistics automation",
    "textile recycling",
    "battery management",
    "IoT for buildings",
    "digital health",
)


def generate_tax(session: Session, rng: random.Random, clock: SimClock, engine: Engine) -> int:
    """Claims for 2017/18 (ordinary) and 2018/19 to 2020/21 (enhanced), per taxpayer-year."""
    rows: list[dict[str, Any]] = []
    for year, target in TAX_TARGETS.items():
        total = 0
        taxpayers = rng.sample(range(1, 3_000), 2_000)
        cases: list[dict[str, Any]] = []
        for taxpayer in taxpayers:
            spend = Decimal(int(rng.lognormvariate(13.8, 0.9)) * 100) / 100
            type_b = (spend * Decimal(rng.randrange(30, 90)) / 100).quantize(Decimal("0.01"))
            if year == 2017:
                cases.append({"taxpayer": taxpayer, "type_a": spend, "type_b": Decimal(0)})
            else:
                cases.append({"taxpayer": taxpayer, "type_a": spend - type_b, "type_b": type_b})
        amounts: list[Money]
        if year == 2017:
            amounts = [Money.of(c["type_a"]) for c in cases]
        else:
            decisions = engine.decide_many(
                "rd_tax",
                [
                    {
                        "year_of_assessment": f"{year}/{(year + 1) % 100:02d}",
                        "type_a": str(c["type_a"]),
                        "type_b": str(c["type_b"]),
                    }
                    for c in cases
                ],
            )
            if any(d.outcome is not Outcome.ELIGIBLE for d in decisions):
                raise RuleError(f"a generated R&D claim for {year} was not eligible")
            amounts = [d.amount for d in decisions]
        for case, amount in zip(cases, amounts, strict=True):
            if total >= target.cents:
                break
            total += amount.cents
            rows.append(
                {
                    "id": seeded_id(rng),
                    "taxpayer": f"TP-{case['taxpayer']:06d}",
                    "year_of_assessment": year,
                    "type_a_cents": Money.of(case["type_a"]).cents,
                    "type_b_cents": Money.of(case["type_b"]).cents,
                    "deduction_cents": amount.cents,
                    "basis": "ordinary" if year == 2017 else "enhanced",
                    "rules_version": None if year == 2017 else engine.rules_version,
                    "assessed_on": day_between(rng, date(year + 1, 11, 15), date(year + 2, 7, 31)),
                }
            )
        if total < target.cents:
            raise RuleError(f"not enough generated R&D claims for {year}")
    batch = Batch("rd_tax_claims", engine.rules_version)
    batch.add(RDTaxClaimRow.__table__, rows)  # type: ignore[arg-type]
    clock.at(date(2022, 8, 31), 12)
    write_batch(session, batch, clock)
    return len(rows)


def generate_itf(session: Session, rng: random.Random, clock: SimClock, engine: Engine) -> int:
    """ITF R&D projects: 1,530 in the four years to 31 August 2021, some before and after."""
    programmes = [(code, bounds) for code, weight, bounds in _PROGRAMMES for _ in range(weight)]
    rows: list[dict[str, Any]] = []
    spans = (
        (date(2016, 9, 1), date(2017, 8, 31), 180),
        (*ITF_WINDOW, 1_530),
        (date(2021, 9, 1), date(2021, 12, 31), 120),
    )
    for first, last, count in spans:
        for _ in range(count):
            code, (low, high) = rng.choice(programmes)
            approved = day_between(rng, first, last)
            cost = Money.of(rng.randrange(low, high) // 1000 * 1000)
            funding, version = cost, None
            if code == "ESS":
                decision = engine.decide(
                    "ess",
                    {
                        "received": (approved - timedelta(days=120)).isoformat(),
                        "total_cost": str(cost.amount),
                        "incorporated_under": "cap622",
                        "business_registration": True,
                        "government_subvented": False,
                        "duration_months": 24,
                    },
                )
                if decision.outcome is not Outcome.ELIGIBLE:
                    raise RuleError(f"a generated ESS project was not eligible: {decision}")
                funding, version = decision.amount, engine.rules_version
            rows.append(
                {
                    "id": seeded_id(rng),
                    "reference": f"{code}/{rng.randrange(100, 999)}/"
                    f"{approved:%y}-{len(rows) + 1:05d}",
                    "programme": code,
                    "title": f"R&D on {rng.choice(_TOPICS)}",
                    "lead": rng.choice(_LEADS),
                    "approved_on": approved,
                    "total_cost_cents": cost.cents,
                    "funding_cents": funding.cents,
                    "rules_version": version,
                }
            )
    _calibrate_itf(rows)
    batch = Batch("itf_rd_projects", engine.rules_version)
    batch.add(ITFProjectRow.__table__, rows)  # type: ignore[arg-type]
    clock.at(date(2021, 12, 31), 17)
    write_batch(session, batch, clock)
    return len(rows)


def _calibrate_itf(rows: list[dict[str, Any]]) -> None:
    """Scale the projects whose funding no encoded rule fixes so the window totals the target."""
    first, last = ITF_WINDOW
    inside = [r for r in rows if first <= r["approved_on"] <= last]
    fixed = sum(r["funding_cents"] for r in inside if r["programme"] == "ESS")
    free = [r for r in inside if r["programme"] != "ESS"]
    factor = Decimal(ITF_TARGET.cents - fixed) / sum(r["funding_cents"] for r in free)
    for row in free:
        row["funding_cents"] = int(Decimal(row["funding_cents"]) * factor) // 100 * 100
        row["total_cost_cents"] = row["funding_cents"]
    free[-1]["funding_cents"] += ITF_TARGET.cents - sum(r["funding_cents"] for r in inside)
    free[-1]["total_cost_cents"] = free[-1]["funding_cents"]
