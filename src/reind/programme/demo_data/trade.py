"""BUD Fund and EMF history for manufacturers, decided by the rules in rounds.

Each enterprise's applications are decided in date order with its earlier
approvals as the rules' ``prior_approvals`` (so every cumulative ceiling in
force on the received date is applied). To decide 110,000 EMF cases at
engine speed, round *k* decides every enterprise's *k*-th application in
one call of the scheme's columnar formula (``Engine.decide_columns``, the
same rule over numpy arrays, held to ``decide`` by a property test): only
each case's outcome and grant are needed, so no ``Decision`` with its trace
and inputs is built for 117,000 cases that are stored as facts and amounts.
EMF reads only the sum of earlier grants and the sum of earlier website
grants, so the priors are passed as those two sums. Written as two audited
bulk imports.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from reind.core.money import Money
from reind.programme.demo_data.bulk import Batch, SimClock, day_between, write_batch
from reind.programme.demo_data.names import enterprise_row
from reind.programme.demo_data.records import HistoricRows
from reind.programme.enterprises.profile import Industry
from reind.programme.enterprises.store import EnterpriseRow
from reind.programme.money.store import LedgerEntryRow, LedgerRow
from reind.rules.columns import OUTCOMES
from reind.rules.decision import Outcome
from reind.rules.engine import Engine
from reind.schemes.emf import ACTIVITY_WORDS

TERM_START, AS_AT, HORIZON = date(2017, 7, 1), date(2021, 8, 31), date(2021, 12, 31)
_MAKERS = (
    Industry.ELECTRONICS,
    Industry.TEXTILES,
    Industry.FOOD_MANUFACTURING,
    Industry.PRINTING,
    Industry.METALS,
    Industry.CHEMICALS,
    Industry.MEDICAL_DEVICES,
    Industry.FOOD_PROCESSING,
    Industry.PHARMACEUTICALS,
)
_EMF_ACTIVITIES = (
    ("exhibition_outside_hk", 50),
    ("business_mission", 10),
    ("exhibition_in_hk_for_outside_markets", 12),
    ("trade_publication_advertisement", 8),
    ("eplatform_promotion", 10),
    ("corporate_website_or_app", 6),
    ("online_business_mission", 4),
)
_SPECIAL = ("online_exhibition", "exhibition_in_hk_local_market")
_WEBSITE = {"corporate_website_or_app"}
Case = dict[str, Any]


def emf_title(activity: str) -> str:
    """A seeded EMF application's title, in the applicant's words (English, as seeded).

    It was written from the activity code ("Export marketing: business_mission"),
    which the office's lists showed raw in both languages.
    """
    return f"Export marketing: {ACTIVITY_WORDS[activity]}"


Decided = tuple[Outcome, Money]
"""A case's outcome and grant: all the history keeps of a decision."""


def _by_rounds(
    engine: Engine,
    scheme: str,
    cases: list[tuple[str, Case]],
    with_priors: Callable[[Case, list[tuple[Case, Decided]]], Case],
) -> list[Decided]:
    """Decide (enterprise, case) pairs in date order, each with its earlier decisions."""
    history: dict[str, list[tuple[Case, Decided]]] = {}
    order = sorted(range(len(cases)), key=lambda i: cases[i][1]["received"])
    rank: dict[int, int] = {}
    seen: dict[str, int] = {}
    for index in order:
        enterprise = cases[index][0]
        rank[index] = seen.get(enterprise, 0)
        seen[enterprise] = rank[index] + 1
    decisions: list[Decided | None] = [None] * len(cases)
    rule = engine.scheme(scheme)
    for level in range(max(seen.values(), default=0)):
        members = [i for i in order if rank[i] == level]
        full = [with_priors(cases[i][1], history.get(cases[i][0], [])) for i in members]
        batch = engine.decide_columns(scheme, rule.columns_of(full))
        decided = [
            (OUTCOMES[code], Money(cents))
            for code, cents in zip(
                batch.outcomes.tolist(), batch.amount_cents.tolist(), strict=True
            )
        ]
        for index, case, decision in zip(members, full, decided, strict=True):
            decisions[index] = decision
            cases[index] = (cases[index][0], case)
            history.setdefault(cases[index][0], []).append((case, decision))
    return [d for d in decisions if d is not None]


def _emf_priors(case: Case, earlier: list[tuple[Case, Decided]]) -> Case:
    approved = [(c, d) for c, d in earlier if d[0] is Outcome.ELIGIBLE and d[1].cents]
    if not approved:
        return case
    priors = []
    for website in (False, True):
        group = [(c, d) for c, d in approved if (c["activity"] in _WEBSITE) == website]
        if group:
            total = sum((d[1] for _, d in group), Money.zero())
            priors.append(
                {
                    "amount": str(total.amount),
                    "approved_on": group[-1][0]["received"],
                    "activity": group[-1][0]["activity"],
                }
            )
    return {**case, "prior_approvals": priors}


def _bud_priors(case: Case, earlier: list[tuple[Case, Decided]]) -> Case:
    priors = [
        {
            "amount": str(grant.amount),
            "approved_on": c["received"],
            "market": c["market"],
            "programme": c["programme"],
            "received": c["received"],
            "ongoing": date.fromisoformat(c["received"]) + timedelta(days=540)
            > date.fromisoformat(case["received"]),
        }
        for c, (outcome, grant) in earlier
        if outcome is Outcome.ELIGIBLE and grant.cents
    ]
    return {**case, "prior_approvals": priors} if priors else case


def generate_emf(
    session: Session, rng: random.Random, clock: SimClock, engine: Engine, first_br: int
) -> int:
    """About HK$1.8B for over 110,000 EMF applications from manufacturers."""
    companies = [
        enterprise_row(
            rng,
            first_br + n,
            rng.choice(_MAKERS),
            employees=rng.randrange(3, 100),
            manufacturing=n >= 400,
            created=date(2016, 1, 4),
            incorporation="cap310",
        )
        for n in range(30_400)
    ]
    activities = [a for a, weight in _EMF_ACTIVITIES for _ in range(weight)]
    raw: list[tuple[str, date, str, float]] = []
    for n in range(114_400 + 2_600):
        received = (
            day_between(rng, date(2017, 6, 12), date(2021, 7, 31))
            if n < 114_400
            else day_between(rng, date(2021, 8, 1), date(2021, 12, 10))
        )
        company = companies[rng.randrange(400, len(companies))]
        if n % 250 == 0:
            company = companies[rng.randrange(400)]  # a few non-manufacturers
        activity = rng.choice(activities)
        if received >= date(2021, 4, 30) and rng.random() < 0.15:
            activity = rng.choice(_SPECIAL)
        raw.append((company["id"], received, activity, rng.lognormvariate(10.2, 0.55)))
    factor = _calibrate([r[3] for r in raw[:114_400]], Decimal("1862000000"), Decimal("50000"))
    cases: list[tuple[str, Case]] = []
    for n, (company_id, received, activity, spend) in enumerate(raw):
        expenditure = (Decimal(spend) * factor).quantize(Decimal(10))
        cases.append(
            (
                company_id,
                {
                    "received": received.isoformat(),
                    "activity": activity,
                    "activity_ended": (received - timedelta(days=rng.randrange(5, 55))).isoformat(),
                    "approved_expenditure": str(expenditure),
                    "employees_in_hk": 40,
                    "manufacturing": True,
                    "listed": False,
                    "business_registration": True,
                    "substantive_operations_in_hk": True,
                    "organiser_related": n % 37 == 0,
                },
            )
        )
    employees = {c["id"]: (c["employees"], c["manufacturing"]) for c in companies}
    for company_id, case in cases:
        case["employees_in_hk"], case["manufacturing"] = employees[company_id]
    decisions = _by_rounds(engine, "emf", cases, _emf_priors)
    rows = HistoricRows()
    for n, ((company_id, case), (outcome, grant)) in enumerate(zip(cases, decisions, strict=True)):
        received = date.fromisoformat(case["received"])
        approved = received + timedelta(days=rng.randrange(14, 40))
        ok = outcome is Outcome.ELIGIBLE and grant.cents > 0
        paid = approved + timedelta(days=rng.randrange(20, 60))
        rows.add(
            rng,
            reference=f"EMF-{received:%y%m}-{n + 1:06d}",
            scheme="emf",
            enterprise_id=company_id,
            title=emf_title(case["activity"]),
            received=received,
            requested=Money.of(Decimal(case["approved_expenditure"]) / 2),
            facts=case,
            grant=grant,
            approved_on=approved if ok else None,
            paid_on=paid if ok and paid <= HORIZON else None,
            state=("closed" if paid <= HORIZON else "approved") if ok else "rejected",
        )
    _write(session, clock, engine, "emf_history", companies, rows)
    return len(rows.applications)


def generate_bud(
    session: Session, rng: random.Random, clock: SimClock, engine: Engine, first_br: int
) -> int:
    """Over HK$940M for over 1,600 BUD applications from manufacturers."""
    companies = [
        enterprise_row(
            rng,
            first_br + n,
            rng.choice(_MAKERS),
            employees=rng.randrange(10, 400),
            manufacturing=n >= 40,
            created=date(2012, 6, 1),
        )
        for n in range(1_240)
    ]
    cases: list[tuple[str, Case]] = []
    for n in range(1_900 + 90):
        received = (
            day_between(rng, date(2017, 4, 10), date(2021, 6, 10))
            if n < 1_900
            else day_between(rng, date(2021, 6, 11), date(2021, 11, 30))
        )
        markets = ["mainland"] + [
            m
            for m, day in (
                ("asean", date(2018, 8, 1)),
                ("fta", date(2020, 1, 20)),
                ("ippa", date(2021, 7, 30)),
            )
            if received >= day
        ]
        cost = Decimal(rng.randrange(500, 2_200)) * 1000
        company = companies[rng.randrange(len(companies))]
        cases.append(
            (
                company["id"],
                {
                    "received": received.isoformat(),
                    "programme": "general",
                    "market": rng.choice(markets),
                    "total_cost": str(cost),
                    "duration_months": rng.randrange(12, 25),
                    "listed": False,
                    "business_registration": True,
                    "substantive_operations_in_hk": n % 41 != 0,
                },
            )
        )
    decisions = _by_rounds(engine, "bud", cases, _bud_priors)
    rows = HistoricRows()
    for n, ((company_id, case), (outcome, grant)) in enumerate(zip(cases, decisions, strict=True)):
        received = date.fromisoformat(case["received"])
        approved = received + timedelta(days=rng.randrange(50, 100))
        ok = outcome is Outcome.ELIGIBLE and grant.cents > 0
        paid = approved + timedelta(days=30 * case["duration_months"] + 60)
        rows.add(
            rng,
            reference=f"BUD-{received:%y%m}-{n + 1:05d}",
            scheme="bud",
            enterprise_id=company_id,
            title=f"Branding and upgrading ({case['market']})",
            received=received,
            requested=Money.of(Decimal(case["total_cost"]) / 2),
            facts=case,
            grant=grant,
            approved_on=approved if ok else None,
            paid_on=paid if ok and paid <= HORIZON else None,
            state=("completed" if paid <= HORIZON else "in_progress") if ok else "rejected",
        )
    _write(session, clock, engine, "bud_history", companies, rows)
    return len(rows.applications)


def _calibrate(spend: list[float], target: Decimal, cap: Decimal) -> Decimal:
    """The factor that makes the sum of min(spend x factor / 2, cap) about ``target``."""
    factor = Decimal(1)
    values = [Decimal(s) for s in spend]
    for _ in range(6):
        total = sum(min(v * factor / 2, cap) for v in values)
        factor *= target / total
    return factor


def _write(
    session: Session,
    clock: SimClock,
    engine: Engine,
    kind: str,
    companies: list[dict[str, Any]],
    rows: HistoricRows,
) -> None:
    batch = Batch(kind, engine.rules_version)
    batch.add(EnterpriseRow.__table__, companies)  # type: ignore[arg-type]
    from reind.programme.applications.store import ApplicationRow

    batch.add(ApplicationRow.__table__, rows.applications)  # type: ignore[arg-type]
    batch.add(LedgerRow.__table__, rows.ledgers)  # type: ignore[arg-type]
    batch.add(LedgerEntryRow.__table__, rows.entries)  # type: ignore[arg-type]
    clock.at(HORIZON, 19)
    write_batch(session, batch, clock)
