"""Factories: build enterprises and applications in any state, saying only what matters.

``funded_rfs_project(session, grant=HKD(...), completed=True)`` walks a real
application through every service (screening, committee, agreement), so the
audit chain and the ledger are exactly what production would have written.
"""

from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from reind.core.clock import FixedClock
from reind.core.money import HKD, Money
from reind.programme.actors import Actor, Role
from reind.programme.applications.services import ApplicationDraft, CostLine, create_application
from reind.programme.applications.store import ApplicationRow
from reind.programme.applications.transitions import screen_application, transition_application
from reind.programme.committee.criteria import criteria_for
from reind.programme.committee.services import (
    appoint_member,
    create_committee,
    decide,
    schedule_meeting,
    score_application,
)
from reind.programme.committee.store import MeetingRow
from reind.programme.enterprises.profile import EnterpriseProfile, Incorporation, Industry
from reind.programme.enterprises.registry import register_enterprise
from reind.programme.enterprises.store import EnterpriseRow
from reind.programme.money.agreements import sign_agreement, submit_report
from reind.programme.money.payment_conditions import accept_report
from reind.schemes.catalogue import default_engine

OFFICER = Actor("officer-chan", Role.OFFICER)
SECOND_OFFICER = Actor("officer-lee", Role.OFFICER)
FINANCE = Actor("finance-wong", Role.FINANCE)
SECOND_FINANCE = Actor("finance-lam", Role.FINANCE)
"""Pays what ``FINANCE`` approved: the approver of a stage does not do the next."""
APPROVER = Actor("approver-ho", Role.APPROVER)
RECEIVED = date(2024, 3, 1)

_numbers = itertools.count(10_000_001)


def enterprise(
    session: Session,
    *,
    employees: int = 40,
    manufacturing: bool = True,
    incorporation: Incorporation = Incorporation.CAP622,
    industry: Industry = Industry.FOOD_MANUFACTURING,
    name: str | None = None,
) -> EnterpriseRow:
    """A registered enterprise (an SME food manufacturer under Cap. 622 by default)."""
    number = next(_numbers)
    profile = EnterpriseProfile(
        br_number=str(number),
        name_en=name or f"Golden Egg Foods {number} Ltd",
        name_zh="金蛋食品有限公司",
        incorporation=incorporation,
        employees=employees,
        manufacturing=manufacturing,
        industry=industry,
    )
    return register_enterprise(session, profile, OFFICER)


def applicant_of(company: EnterpriseRow) -> Actor:
    """The applicant role acting for ``company``."""
    return Actor(f"applicant-{company.br_number}", Role.APPLICANT, company.id)


def rfs_draft(
    company: EnterpriseRow,
    *,
    machinery: str = "45000000",
    requested: str = "15000000",
    smart: bool = True,
) -> ApplicationDraft:
    """An RFS application for a smart line costing ``machinery`` (HK$)."""
    return ApplicationDraft(
        scheme="rfs",
        enterprise_id=company.id,
        title="Smart liquid-egg pasteurisation line",
        amount_requested=HKD(requested),
        cost_lines=(CostLine("machinery_equipment", "Pasteuriser and filler", HKD(machinery)),),
        facts={"new_line_in_hong_kong": True, "smart_manufacturing": smart},
    )


def rfs_application(
    session: Session,
    company: EnterpriseRow | None = None,
    *,
    state: str = "draft",
    machinery: str = "45000000",
    received: date = RECEIVED,
    requested: str = "15000000",
) -> ApplicationRow:
    """An RFS application walked to ``state`` (draft, submitted, screening, assessment,
    vetting_committee)."""
    company = company or enterprise(session)
    app = create_application(
        session,
        rfs_draft(company, machinery=machinery, requested=requested),
        OFFICER,
        engine=default_engine(),
    )
    steps = {
        "submitted": ["submit"],
        "screening": ["submit", "start_screening"],
        "assessment": ["submit", "start_screening", "screen", "pass_screening"],
        "vetting_committee": [
            "submit",
            "start_screening",
            "screen",
            "pass_screening",
            "refer_to_committee",
        ],
    }
    for action in steps.get(state, []):
        if action == "screen":
            screen_application(session, app.id, OFFICER, engine=default_engine())
        else:
            transition_application(session, app.id, action, OFFICER, clock=FixedClock.on(received))
    assert app.state == state, (app.state, state)
    return app


def meeting(session: Session, application_ids: list[str], held_on: date = RECEIVED) -> MeetingRow:
    """A committee meeting with these applications on its agenda and one member, ``member-1``."""
    committee = create_committee(
        session,
        "rfs",
        "New Industrialisation Vetting Committee",
        "新型工業化審核委員會",
        OFFICER,
        engine=default_engine(),
    )
    appoint_member(
        session,
        committee.id,
        OFFICER,
        person_id="member-1",
        name="Dr Kwok",
        capacity="chair",
        term_from=date(2024, 1, 1),
        term_to=date(2026, 6, 30),
    )
    return schedule_meeting(session, committee.id, held_on, application_ids, OFFICER)


def score_fully(
    session: Session, meeting_id: str, application_id: str, person: str = "member-1", score: int = 4
) -> None:
    """``person`` scores every RFS criterion of the application (so a quorum of 1 is met)."""
    member = Actor(person, Role.COMMITTEE_MEMBER)
    for criterion in criteria_for("rfs").items:
        score_application(
            session, meeting_id, application_id, member, criterion=criterion.code, score=score
        )


def funded_rfs_project(
    session: Session,
    company: EnterpriseRow | None = None,
    *,
    machinery: str = "45000000",
    grant: Money | None = None,
    completed: bool = False,
) -> ApplicationRow:
    """An RFS project with a signed agreement (and completed, if asked)."""
    app = rfs_application(session, company, state="vetting_committee", machinery=machinery)
    held = meeting(session, [app.id])
    score_fully(session, held.id, app.id)
    decide(
        session,
        held.id,
        app.id,
        APPROVER,
        supported=True,
        reasons_en="A smart line with clear benefits.",
        reasons_zh="智能生產線，效益明確。",
        decided_on=date(2024, 4, 1),
        grant=grant,
        engine=default_engine(),
    )
    committed = grant or HKD(Decimal(machinery) / 3).times(1, "down")
    sign_agreement(
        session,
        app.id,
        OFFICER,
        grant=min(committed, HKD("15000000")),
        signed_on=date(2024, 5, 1),
        starts_on=date(2024, 6, 1),
        ends_on=date(2026, 5, 31),
        engine=default_engine(),
    )
    transition_application(session, app.id, "start_project", OFFICER)
    if completed:
        transition_application(session, app.id, "complete", OFFICER)
        accepted_final_report(session, app.id)
    return app


def accepted_final_report(session: Session, application_id: str) -> None:
    """The project's final report, filed by an officer and accepted by another (RFS pays then)."""
    report = submit_report(
        session,
        application_id,
        OFFICER,
        kind="final",
        period_end=date(2026, 5, 31),
        submitted_on=date(2026, 6, 15),
        summary="The line runs at its planned rate.",
    )
    accept_report(session, report.id, SECOND_OFFICER, accepted_on=date(2026, 6, 20))
