"""Demo sign-ins and a small portfolio, made through the programme services.

``create_demo_portfolio(session)`` registers two enterprises, one user per
role with a known password, an RFS vetting committee and four RFS cases, each
walked through the real services (so the audit chain and the ledger are what
production would write):

* ``RFS-DEMO-0001``: submitted and in screening (for the officer);
* ``RFS-DEMO-0002``: before the committee, on today's agenda; the member
  ``member.lam`` declared a conflict with it (so cannot see it);
* ``RFS-DEMO-0003``: before the committee too, seen by both members;
* ``RFS-DEMO-0004``: supported, agreement signed, completed, with a claim
  checked by an officer and waiting for finance.

Finance has two people: ``finance`` approves the claim and ``finance.chow``
pays it, since whoever approved a stage may not do the next (the two-person
rule, ADR 0121). The office has two officers too: ``officer`` (Chan Siu
Ming) runs the demo's cases, and ``officer.lee`` (Lee Ka Wai, password
``demo-officer-pass``) is there to take cases over, so assignment between
officers and the two-person rules between them (an officer may not accept a
report they filed; one checks a claim, another may not) can be shown.

The passwords are for the demo and tests only: anyone reading this file
knows them. ``reind demo`` prints them; a real deployment adds its users
with ``reind user add``. Calling it again on a database that already has
the demo finds what is there and changes nothing, however much the demo was
used since (more claims, more agendas), except to add a demo sign-in a later
version introduced (a demo made before the second finance officer, or the
second officer, gets it).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, timedelta

from argon2 import PasswordHasher
from sqlalchemy import select
from sqlalchemy.orm import Session

from reind.core.clock import FixedClock, hk_today
from reind.core.money import Money
from reind.programme.accounts.store import UserRow
from reind.programme.accounts.users import actor_of, add_user
from reind.programme.actors import SYSTEM, Actor, Role
from reind.programme.applications.assignment import assign_case
from reind.programme.applications.services import ApplicationDraft, CostLine, create_application
from reind.programme.applications.store import ApplicationRow
from reind.programme.applications.transitions import screen_application, transition_application
from reind.programme.audit.store import AuditEventRow
from reind.programme.committee.criteria import criteria_for
from reind.programme.committee.governance import declare_conflict
from reind.programme.committee.services import (
    appoint_member,
    create_committee,
    decide,
    schedule_meeting,
    score_application,
)
from reind.programme.committee.store import AgendaItemRow, MeetingRow
from reind.programme.enterprises.profile import EnterpriseProfile, Incorporation, Industry
from reind.programme.enterprises.registry import find_enterprise, register_enterprise
from reind.programme.enterprises.store import EnterpriseRow
from reind.programme.money.agreements import achieve_milestone, sign_agreement, submit_report
from reind.programme.money.claims import approve_claim_as_officer, submit_claim
from reind.programme.money.payment_conditions import accept_report
from reind.programme.money.store import AgreementRow, ClaimRow, MilestoneRow
from reind.rules.engine import Engine

logger = logging.getLogger(__name__)

DOMAIN = "demo.reind.hk"


@dataclass(frozen=True, slots=True)
class DemoUser:
    """One demo sign-in."""

    key: str
    role: Role
    display_name: str
    password: str
    enterprise: str | None = None  # "a" or "b" for applicants
    person_id: str | None = None  # committee members' register id

    @property
    def email(self) -> str:
        """The sign-in address."""
        return f"{self.key}@{DOMAIN}"


DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser("applicant", Role.APPLICANT, "Wong Ka Yan (Golden Egg)", "demo-applicant-pass", "a"),
    DemoUser("applicant.b", Role.APPLICANT, "Lee Chi Ming (Harbour)", "demo-applicant-pass", "b"),
    DemoUser("officer", Role.OFFICER, "Chan Siu Ming", "demo-officer-pass"),
    DemoUser("officer.lee", Role.OFFICER, "Lee Ka Wai", "demo-officer-pass"),
    DemoUser("assessor", Role.ASSESSOR, "Ho Wing Sze", "demo-assessor-pass"),
    DemoUser(
        "member", Role.COMMITTEE_MEMBER, "Dr Cheung", "demo-member-pass", None, "member-cheung"
    ),
    DemoUser("member.lam", Role.COMMITTEE_MEMBER, "Ms Lam", "demo-member-pass", None, "member-lam"),
    DemoUser("approver", Role.APPROVER, "Mr Yeung (Chair)", "demo-approver-pass"),
    DemoUser("finance", Role.FINANCE, "Ng Mei Ling", "demo-finance-pass"),
    DemoUser("finance.chow", Role.FINANCE, "Chow Wai Kit (Payments)", "demo-finance-pass"),
    DemoUser("analyst", Role.ANALYST, "Tsang Ho Yin", "demo-analyst-pass"),
    DemoUser("auditor", Role.AUDITOR, "Kwok Pui Shan", "demo-auditor-pass"),
    DemoUser("plant", Role.PLANT_ENGINEER, "Lau Kin Wah (Plant)", "demo-plant-password"),
    DemoUser("admin", Role.ADMINISTRATOR, "System administrator", "demo-admin-password"),
)
"""Every demo sign-in (one or more per role)."""

_ENTERPRISES = {
    "a": EnterpriseProfile(
        br_number="71234501",
        name_en="Golden Egg Waffle Co Ltd",
        name_zh="金蛋雞蛋仔有限公司",
        incorporation=Incorporation.CAP622,
        employees=38,
        manufacturing=True,
        industry=Industry.FOOD_MANUFACTURING,
    ),
    "b": EnterpriseProfile(
        br_number="71234502",
        name_en="Harbour Craft Brewery Ltd",
        name_zh="海港精釀啤酒有限公司",
        incorporation=Incorporation.CAP622,
        employees=55,
        manufacturing=True,
        industry=Industry.FOOD_MANUFACTURING,
    ),
}


@dataclass
class DemoPortfolio:
    """What the demo made (or found): sign-ins, enterprises, cases, meetings, the claim."""

    users: tuple[DemoUser, ...] = DEMO_USERS
    enterprises: dict[str, str] = field(default_factory=dict)
    applications: dict[str, str] = field(default_factory=dict)
    meeting_id: str = ""
    claim_id: str = ""
    created: bool = False

    def user(self, key: str) -> DemoUser:
        """The demo user ``key`` (e.g. "officer")."""
        return next(u for u in self.users if u.key == key)


def _draft(enterprise_id: str, reference: str, title: str, machinery: str) -> ApplicationDraft:
    lines = (
        CostLine("machinery_equipment", "Automated line and controls", Money.of(machinery)),
        CostLine("technical_consultancy", "Line design and commissioning", Money.of("600000")),
    )
    total = sum((line.amount for line in lines), Money.zero())
    return ApplicationDraft(
        scheme="rfs",
        enterprise_id=enterprise_id,
        title=title,
        amount_requested=Money(total.cents // 3),
        cost_lines=lines,
        facts={"new_line_in_hong_kong": True, "smart_manufacturing": True},
        reference=reference,
    )


def _find(session: Session) -> DemoPortfolio | None:
    if session.execute(select(UserRow.id).where(UserRow.email == f"admin@{DOMAIN}")).first():
        found = DemoPortfolio()
        for key, profile in _ENTERPRISES.items():
            row = find_enterprise(session, profile.br_number)
            if row is not None:
                found.enterprises[key] = row.id
        for app in session.execute(
            select(ApplicationRow).where(ApplicationRow.reference.like("RFS-DEMO-%"))
        ).scalars():
            found.applications[app.reference] = app.id
        # People use the demo: the case may sit on later agendas and the project carry more
        # claims. The demo's own are the first: the earliest agenda entry, the first claim in
        # the audit log.
        meeting = session.scalar(
            select(AgendaItemRow.meeting_id)
            .where(AgendaItemRow.application_id == found.applications.get("RFS-DEMO-0002", ""))
            .order_by(AgendaItemRow.id)
            .limit(1)
        )
        found.meeting_id = meeting or ""
        claim = session.scalar(
            select(ClaimRow.id)
            .join(AuditEventRow, AuditEventRow.subject_id == ClaimRow.id)
            .where(
                ClaimRow.application_id == found.applications.get("RFS-DEMO-0004", ""),
                AuditEventRow.subject_type == "claim",
                AuditEventRow.kind == "money.claimed",
            )
            .order_by(AuditEventRow.seq)
            .limit(1)
        )
        found.claim_id = claim or ""
        return found
    return None


def create_demo_portfolio(
    session: Session,
    *,
    engine: Engine,
    hasher: PasswordHasher | None = None,
    today: date | None = None,
) -> DemoPortfolio:
    """Make the demo users and portfolio in ``session`` (the caller commits), once."""
    existing = _find(session)
    if existing is not None:
        added = _add_missing_users(session, existing, hasher)
        logger.info("demo portfolio already present: %d sign-in(s) added", added)
        return existing
    today = today or hk_today()
    made = DemoPortfolio(created=True)
    companies: dict[str, EnterpriseRow] = {}
    for key, profile in _ENTERPRISES.items():
        companies[key] = register_enterprise(session, profile, SYSTEM)
        made.enterprises[key] = companies[key].id
    actors = {user.key: actor_of(_add(session, user, made, hasher)) for user in DEMO_USERS}
    _cases(session, made, companies, actors, today, engine)
    logger.info("demo portfolio created: %d users, %d cases", len(DEMO_USERS), 4)
    return made


def _add(
    session: Session, user: DemoUser, made: DemoPortfolio, hasher: PasswordHasher | None
) -> UserRow:
    return add_user(
        session,
        SYSTEM,
        email=user.email,
        display_name=user.display_name,
        role=user.role,
        password=user.password,
        enterprise_id=made.enterprises[user.enterprise] if user.enterprise else None,
        person_id=user.person_id,
        hasher=hasher,
    )


def _add_missing_users(
    session: Session, found: DemoPortfolio, hasher: PasswordHasher | None
) -> int:
    """Add the demo sign-ins a demo made by an earlier version lacks; how many were added."""
    emails = set(
        session.execute(select(UserRow.email).where(UserRow.email.like(f"%@{DOMAIN}"))).scalars()
    )
    missing = [u for u in DEMO_USERS if u.email not in emails]
    for user in missing:
        _add(session, user, found, hasher)
    return len(missing)


def _assign(session: Session, application_id: str, officer: Actor, assessor: Actor) -> None:
    """The demo officer runs every case and the demo assessor assesses it (else nothing to see)."""
    for who, duty in ((officer, "officer"), (assessor, "assessor")):
        assign_case(session, application_id, who.id, officer, reason="Demo caseload", duty=duty)


def _cases(
    session: Session,
    made: DemoPortfolio,
    companies: dict[str, EnterpriseRow],
    actors: dict[str, Actor],
    today: date,
    engine: Engine,
) -> None:
    officer, approver = actors["officer"], actors["approver"]
    received = today - timedelta(days=60)
    specs = [
        ("RFS-DEMO-0001", "b", "applicant.b", "Canning line for craft beer", "2400000"),
        ("RFS-DEMO-0002", "b", "applicant.b", "Smart brewhouse automation", "4200000"),
        ("RFS-DEMO-0003", "a", "applicant", "Second egg-waffle baking line", "3000000"),
        ("RFS-DEMO-0004", "a", "applicant", "Automated egg-waffle line", "5400000"),
    ]
    for reference, company, who, title, machinery in specs:
        draft = _draft(companies[company].id, reference, title, machinery)
        app = create_application(session, draft, actors[who], engine=engine)
        made.applications[reference] = app.id
        transition_application(
            session, app.id, "submit", actors[who], clock=FixedClock.on(received)
        )
        transition_application(session, app.id, "start_screening", officer)
        _assign(session, app.id, officer, actors["assessor"])
        if reference == "RFS-DEMO-0001":
            continue
        screen_application(session, app.id, officer, engine=engine)
        transition_application(session, app.id, "pass_screening", officer)
        transition_application(session, app.id, "refer_to_committee", officer)
    committee = create_committee(
        session,
        "rfs",
        "RFS Vetting Committee",
        "再工業化資助計劃審核委員會",
        officer,
        engine=engine,
    )
    members = {}
    for key in ("member", "member.lam"):
        members[key] = appoint_member(
            session,
            committee.id,
            officer,
            person_id=actors[key].id,
            name=next(u.display_name for u in DEMO_USERS if u.key == key),
            capacity="member",
            term_from=today - timedelta(days=365),
            term_to=today + timedelta(days=730),
        )
    funded = made.applications["RFS-DEMO-0004"]
    earlier = schedule_meeting(session, committee.id, today - timedelta(days=30), [funded], officer)
    for criterion in criteria_for("rfs").items:
        for key in ("member", "member.lam"):
            score_application(
                session, earlier.id, funded, actors[key], criterion=criterion.code, score=4
            )
    decide(
        session,
        earlier.id,
        funded,
        approver,
        supported=True,
        reasons_en="A smart line that meets every criterion.",
        reasons_zh="智能生產線符合所有準則。",
        decided_on=today - timedelta(days=30),
        engine=engine,
    )
    _fund(session, made, actors, funded, today, engine)
    agenda = [made.applications["RFS-DEMO-0002"], made.applications["RFS-DEMO-0003"]]
    meeting: MeetingRow = schedule_meeting(session, committee.id, today, agenda, officer)
    made.meeting_id = meeting.id
    declare_conflict(
        session,
        members["member.lam"].id,
        made.applications["RFS-DEMO-0002"],
        "Shareholder of the applicant's supplier",
        actors["member.lam"],
    )


def _fund(
    session: Session,
    made: DemoPortfolio,
    actors: dict[str, Actor],
    app_id: str,
    today: date,
    engine: Engine,
) -> None:
    officer = actors["officer"]
    grant = Money.of("2000000")
    sign_agreement(
        session,
        app_id,
        officer,
        grant=grant,
        signed_on=today - timedelta(days=25),
        starts_on=today - timedelta(days=25),
        ends_on=today + timedelta(days=340),
        milestones=(
            ("Line installed", today - timedelta(days=15)),
            ("Line in production", today - timedelta(days=5)),
        ),
        engine=engine,
    )
    transition_application(session, app_id, "start_project", officer)
    # RFS pays on completion, and a project completes only once its milestones are met.
    milestones = session.execute(
        select(MilestoneRow)
        .join(AgreementRow, AgreementRow.id == MilestoneRow.agreement_id)
        .where(AgreementRow.application_id == app_id)
    ).scalars()
    for milestone in list(milestones):
        achieve_milestone(session, milestone.id, milestone.due_on, officer)
    transition_application(session, app_id, "complete", officer)
    final = submit_report(
        session,
        app_id,
        actors["applicant"],
        kind="final",
        period_end=today - timedelta(days=3),
        submitted_on=today - timedelta(days=2),
        summary="The line is installed and in production at its planned rate.",
    )
    accept_report(session, final.id, officer, accepted_on=today - timedelta(days=1))
    claim = submit_claim(
        session,
        app_id,
        Money.of("1500000"),
        actors["applicant"],
        engine=engine,
    )  # on the system's clock: a fixed noon would stamp it hours into the future before noon
    approve_claim_as_officer(session, claim.id, officer)
    made.claim_id = claim.id
