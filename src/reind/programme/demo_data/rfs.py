"""RFS applications walked through every programme service, as officers would.

27 applications received from the launch (27 July 2020) to 31 August 2021,
12 of them from food manufacturing or processing; the vetting committee
decides 18 by then and supports 16, all 8 vetted food applications among
them, for about HK$108M; the 8 supported food projects cost about HK$143M.
A few applications arrive or are decided after 31 August 2021, so a report
"as at" that date must ignore them.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy.orm import Session

from reind.core.money import Money
from reind.programme.actors import Actor, Role
from reind.programme.applications.services import ApplicationDraft, CostLine, create_application
from reind.programme.applications.transitions import screen_application, transition_application
from reind.programme.committee.criteria import criteria_for
from reind.programme.committee.governance import declare_conflict
from reind.programme.committee.services import (
    appoint_member,
    create_committee,
    decide,
    schedule_meeting,
    score_application,
)
from reind.programme.demo_data.bulk import SimClock
from reind.programme.demo_data.names import enterprise_name
from reind.programme.enterprises.profile import EnterpriseProfile, Incorporation, Industry
from reind.programme.enterprises.registry import register_enterprise
from reind.programme.money.agreements import sign_agreement
from reind.rules.engine import Engine

OFFICER = Actor("officer-rfs-secretariat", Role.OFFICER)
APPROVER = Actor("cit-approver", Role.APPROVER)
MEETINGS = (
    date(2020, 11, 20),
    date(2021, 1, 22),
    date(2021, 3, 26),
    date(2021, 5, 28),
    date(2021, 7, 23),
    date(2021, 8, 27),
    date(2021, 10, 22),
)
MEMBERS = (
    ("member-kwok", "Mr Jimmy Kwok", "chair"),
    ("member-lam", "Prof Lam", "member"),
    ("member-tsang", "Ms Tsang", "member"),
)
_FOOD_LINES = (
    "Smart beer brewing and canning line",
    "Automated egg-waffle production line",
    "Smart liquid-egg pasteurisation line",
    "Automated dim sum production line",
    "Smart noodle production line",
    "Robotic bakery line",
    "Smart soy sauce line",
    "Automated ready-meal packing line",
    "Smart tea beverage filling line",
)
_OTHER_LINES = (
    "Smart surgical mask production line",
    "Automated precast facade line",
    "Smart yarn dyeing line",
    "Automated PCB assembly line",
    "Smart pharmaceutical filling line",
    "Robotic metal finishing line",
    "Smart label printing line",
    "Automated medical swab line",
)


@dataclass(frozen=True, slots=True)
class RFSCase:
    """One application to generate: who, what it costs, and how far it gets by when."""

    industry: Industry
    cost: Money
    received: date
    fate: str  # supported, not_supported, vetting_committee, assessment, screening, ...
    meeting: date | None = None


def plan(rng: random.Random) -> list[RFSCase]:
    """The 30 applications (27 by 31 August 2021), deterministic for ``rng``."""
    food = [Industry.FOOD_MANUFACTURING] * 9 + [Industry.FOOD_PROCESSING] * 4
    others = [
        Industry.MEDICAL_DEVICES,
        Industry.CONSTRUCTION_MATERIALS,
        Industry.TEXTILES,
        Industry.ELECTRONICS,
        Industry.PHARMACEUTICALS,
        Industry.METALS,
        Industry.PRINTING,
        Industry.CHEMICALS,
    ]
    food_costs = _scaled(rng, 8, Decimal("143150000"), (10_000_000, 30_000_000))
    # Non-food: two large lines capped at HK$15M, six matched at one third.
    capped = [Money.of(rng.randrange(50_000_000, 62_000_000)) for _ in range(2)]
    matched = _scaled(rng, 6, Decimal("91350000"), (9_000_000, 30_000_000))
    cases: list[RFSCase] = []
    decided = list(MEETINGS[:6] * 3)  # three decisions per meeting before September 2021
    rng.shuffle(decided)
    slots = iter(decided)
    for index, cost in enumerate(food_costs):
        meeting = next(slots)
        cases.append(
            RFSCase(food[index], cost, _received_before(rng, meeting), "supported", meeting)
        )
    for cost in (*capped, *matched):
        meeting = next(slots)
        industry = rng.choice(others)
        cases.append(RFSCase(industry, cost, _received_before(rng, meeting), "supported", meeting))
    for _ in range(2):
        meeting = next(slots)
        cost = Money.of(rng.randrange(8_000_000, 40_000_000))
        industry = rng.choice(others)
        cases.append(
            RFSCase(industry, cost, _received_before(rng, meeting), "not_supported", meeting)
        )
    pending_food: tuple[tuple[str, date | None], ...] = (
        ("vetting_committee", MEETINGS[6]),
        ("assessment", None),
        ("screening", None),
        ("submitted", None),
    )
    for index, (fate, held) in enumerate(pending_food):
        received = date(2021, 5, 3) + timedelta(days=25 * index + rng.randrange(10))
        cost = Money.of(rng.randrange(9_000_000, 36_000_000))
        cases.append(RFSCase(food[8 + index], cost, received, fate, held))
    for index, fate in enumerate(
        ("vetting_committee", "assessment", "screening", "submitted", "withdrawn")
    ):
        received = date(2021, 4, 12) + timedelta(days=24 * index + rng.randrange(10))
        cost = Money.of(rng.randrange(6_000_000, 48_000_000))
        cases.append(RFSCase(rng.choice(others), cost, received, fate))
    for day, industry in (
        (date(2021, 9, 14), food[12]),
        (date(2021, 10, 5), others[0]),
        (date(2021, 11, 23), others[3]),
    ):
        cost = Money.of(rng.randrange(12_000_000, 40_000_000))
        cases.append(RFSCase(industry, cost, day, "screening"))
    return cases


def _scaled(rng: random.Random, n: int, total: Decimal, bounds: tuple[int, int]) -> list[Money]:
    raw = [Decimal(rng.randrange(*bounds)) for _ in range(n)]
    factor = total / sum(raw)
    return [Money.of((amount * factor).quantize(Decimal(1000))) for amount in raw]


def _received_before(rng: random.Random, meeting: date) -> date:
    earliest = max(date(2020, 7, 27), meeting - timedelta(days=150))
    latest = meeting - timedelta(days=45)
    return earliest + timedelta(days=rng.randrange((latest - earliest).days + 1))


def generate(
    session: Session, rng: random.Random, clock: SimClock, engine: Engine, first_br: int
) -> int:
    """Write the RFS history through the services; returns how many applications."""
    cases = plan(rng)
    clock.at(date(2020, 7, 20))
    committee = create_committee(
        session,
        "rfs",
        "Re-industrialisation Funding Scheme Vetting Committee",
        "再工業化資助計劃審核委員會",
        OFFICER,
        engine=engine,
    )
    for person_id, name, capacity in MEMBERS:
        appoint_member(
            session,
            committee.id,
            OFFICER,
            person_id=person_id,
            name=name,
            capacity=capacity,
            term_from=date(2020, 7, 1),
            term_to=date(2022, 6, 30),
        )
    apps: dict[int, str] = {}
    lines = iter(rng.sample(_FOOD_LINES, len(_FOOD_LINES)) * 3)
    other_lines = iter(rng.sample(_OTHER_LINES, len(_OTHER_LINES)) * 4)
    for index, case in enumerate(sorted(cases, key=lambda c: c.received)):
        food = case.industry in {Industry.FOOD_MANUFACTURING, Industry.FOOD_PROCESSING}
        apps[id(case)] = _apply(
            session,
            rng,
            clock,
            engine,
            case,
            first_br + index,
            next(lines if food else other_lines),
        )
    for held_on in MEETINGS:
        agenda = [c for c in cases if c.meeting == held_on]
        if not agenda:
            continue
        clock.at(held_on - timedelta(days=14))
        meeting = schedule_meeting(
            session, committee.id, held_on, [apps[id(c)] for c in agenda], OFFICER
        )
        for position, case in enumerate(agenda):
            app_id = apps[id(case)]
            conflicted = position == 1  # one member declares an interest at every meeting
            if conflicted:
                member = _member_id(session, committee.id, "member-lam")
                declare_conflict(
                    session, member, app_id, "Shareholding in a supplier", OFFICER, clock
                )
            clock.at(held_on, 15)
            _score(
                session,
                rng,
                meeting.id,
                app_id,
                case,
                skip="member-lam" if conflicted else "",
                clock=clock,
            )
            supported = case.fate in {"supported", "vetting_committee"}
            decide(
                session,
                meeting.id,
                app_id,
                APPROVER,
                supported=supported,
                reasons_en="Smart production line with clear economic benefits to Hong Kong."
                if supported
                else "The project does not show enough smart manufacturing content.",
                reasons_zh="智能生產線，對香港有明確經濟效益。"
                if supported
                else "項目的智能生產元素不足。",
                decided_on=held_on,
                engine=engine,
                clock=clock,
            )
            if supported and held_on <= date(2021, 6, 30):
                _sign(session, app_id, held_on, clock, engine)
    return len(cases)


def _apply(
    session: Session,
    rng: random.Random,
    clock: SimClock,
    engine: Engine,
    case: RFSCase,
    br: int,
    title: str,
) -> str:
    name_en, name_zh = enterprise_name(rng, case.industry, br)
    clock.at(case.received - timedelta(days=20))
    company = register_enterprise(
        session,
        EnterpriseProfile(
            br_number=f"{br:08d}",
            name_en=name_en,
            name_zh=name_zh,
            incorporation=Incorporation.CAP622,
            employees=rng.randrange(20, 400),
            manufacturing=True,
            industry=case.industry,
        ),
        OFFICER,
        clock,
    )
    applicant = Actor(f"applicant-{company.br_number}", Role.APPLICANT, company.id)
    machinery = case.cost.times(Decimal("0.8"), "down")
    consultancy = case.cost.times(Decimal("0.12"), "down")
    training = case.cost - machinery - consultancy
    draft = ApplicationDraft(
        scheme="rfs",
        enterprise_id=company.id,
        title=title,
        amount_requested=min(case.cost.times(Decimal(1) / 3, "down"), Money.of(15_000_000)),
        cost_lines=(
            CostLine("machinery_equipment", "Machinery, installation and commissioning", machinery),
            CostLine("technical_consultancy", "Line design consultant", consultancy),
            CostLine("staff_training", "Testing and staff training", training),
        ),
        facts={"new_line_in_hong_kong": True, "smart_manufacturing": True},
        reference=f"RFS-{case.received:%Y%m}-{br % 1000:03d}",
    )
    app = create_application(session, draft, applicant, engine=engine, clock=clock)
    steps = {"submitted": 1, "screening": 2, "assessment": 4, "withdrawn": 1}
    todo = ["submit", "start_screening", "screen", "pass_screening", "refer_to_committee"]
    todo = todo[: steps.get(case.fate, len(todo))]
    clock.at(case.received)
    for number, action in enumerate(todo):
        clock.at(case.received + timedelta(days=3 * number))
        if action == "screen":
            screen_application(session, app.id, OFFICER, engine=engine, clock=clock)
        else:
            transition_application(
                session,
                app.id,
                action,
                applicant if action == "submit" else OFFICER,
                clock=clock,  # submitting on case.received dates it so (the clock is the server's)
            )
    if case.fate == "withdrawn":
        clock.at(case.received + timedelta(days=30))
        transition_application(
            session, app.id, "withdraw", applicant, clock=clock, note="Project postponed"
        )
    return app.id


def _member_id(session: Session, committee_id: str, person_id: str) -> str:
    from sqlalchemy import select

    from reind.programme.committee.store import MemberRow

    return session.execute(
        select(MemberRow.id).where(
            MemberRow.committee_id == committee_id, MemberRow.person_id == person_id
        )
    ).scalar_one()


def _score(
    session: Session,
    rng: random.Random,
    meeting_id: str,
    app_id: str,
    case: RFSCase,
    *,
    skip: str,
    clock: SimClock,
) -> None:
    good = case.fate in {"supported", "vetting_committee"}
    for person_id, _, _ in MEMBERS:
        if person_id == skip:
            continue
        member = Actor(person_id, Role.COMMITTEE_MEMBER)
        for criterion in criteria_for("rfs").items:
            score = rng.randrange(3, 6) if good else rng.randrange(1, 3)
            score_application(
                session,
                meeting_id,
                app_id,
                member,
                criterion=criterion.code,
                score=score,
                clock=clock,
            )


def _sign(session: Session, app_id: str, decided: date, clock: SimClock, engine: Engine) -> None:
    from reind.programme.money.store import LedgerRow

    ledger = session.get(LedgerRow, app_id)
    assert ledger is not None
    signed = decided + timedelta(days=40)
    clock.at(signed)
    sign_agreement(
        session,
        app_id,
        OFFICER,
        grant=Money(ledger.approved_cents),
        signed_on=signed,
        starts_on=signed + timedelta(days=14),
        ends_on=signed + timedelta(days=14 + 540),
        milestones=(
            ("Line installed", signed + timedelta(days=300)),
            ("Line commissioned", signed + timedelta(days=500)),
        ),
        engine=engine,
        clock=clock,
    )
    clock.at(signed + timedelta(days=14))
    transition_application(session, app_id, "start_project", OFFICER, clock=clock)
