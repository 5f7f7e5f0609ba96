"""The demo's funded lines: both twins linked to demo RFS projects, with declared baselines.

The egg-waffle machine is RFS-DEMO-0004's line; the smart beer line is
RFS-DEMO-0005's, a brewer's project supported by the committee and signed
twenty days ago. Each is commissioned on the first demo day, so its "before"
is what the applicant declared for the way it worked until then, and its
"after" is the twin's telemetry: the analyst's pages and the progress
report's Technology section show both lines' outcomes from the first hour.
Everything goes through the programme services (audit, ledger) and runs once.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from reind.core.clock import hk_today
from reind.core.money import Money
from reind.programme.accounts.store import UserRow
from reind.programme.accounts.users import actor_of
from reind.programme.actors import Actor
from reind.programme.applications.services import create_application
from reind.programme.applications.store import ApplicationRow
from reind.programme.applications.transitions import screen_application, transition_application
from reind.programme.committee.criteria import criteria_for
from reind.programme.committee.services import decide, schedule_meeting, score_application
from reind.programme.committee.store import AgendaItemRow, MeetingRow
from reind.programme.funded_lines.services import DeclaredBaseline, declare_baseline, link_line
from reind.programme.funded_lines.store import FundedLineRow
from reind.programme.money.agreements import sign_agreement
from reind.rules.engine import Engine
from reind.web.plant_lines import LineSpec, brewery_line, waffle_line

BEER_PROJECT = "RFS-DEMO-0005"

WAFFLE_BASELINE = DeclaredBaseline(
    throughput_per_hour=24.0, labour_hours_per_unit=2 / 24, energy_kwh_per_unit=0.25,
    yield_ratio=0.9, basis="Made by hand: two staff, one gas-fired iron each.",
)  # fmt: skip
"""Egg waffles by hand: two staff, one iron each, about 24 an hour, a tenth thrown away."""

BEER_BASELINE = DeclaredBaseline(
    throughput_per_hour=1200.0, labour_hours_per_unit=4 / 1200, energy_kwh_per_unit=0.05,
    yield_ratio=0.95, basis="Manual brewhouse, bench filler at 20 bottles a minute, four staff.",
)  # fmt: skip
"""The brewer's old way: a bench filler at 20 bottles a minute, four staff, 5 % lost."""


def _user(session: Session, key: str, domain: str) -> Actor | None:
    row = session.scalar(select(UserRow).where(UserRow.email == f"{key}@{domain}"))
    return actor_of(row) if row is not None else None


def _application(session: Session, reference: str) -> str | None:
    return session.scalar(select(ApplicationRow.id).where(ApplicationRow.reference == reference))


def _link(
    session: Session, app_id: str, officer: Actor, line: LineSpec, baseline: DeclaredBaseline,
    operators: float, today: date,
) -> None:  # fmt: skip
    """Link ``line``'s measured unit (the one its KPIs come from) to the project."""
    if session.get(FundedLineRow, app_id) is not None:
        return
    unit, pru = line.kpi_units[0]  # the waffle machine; the beer line's bottling (its output)
    link_line(
        session, app_id, officer, series_prefix=line.series_prefix + unit,
        line_name_en=line.title_en,
        line_name_zh=line.title_zh, commissioned_on=today, pru_seconds=pru, operators=operators,
    )  # fmt: skip
    declare_baseline(session, app_id, officer, baseline)


def _fund_beer_project(session: Session, engine: Engine, domain: str, today: date) -> str | None:
    """RFS-DEMO-0005 for the brewer, screened, supported and signed (once)."""
    found = _application(session, BEER_PROJECT)
    if found is not None:
        return found
    applicant, officer = _user(session, "applicant.b", domain), _user(session, "officer", domain)
    approver = _user(session, "approver", domain)
    members = [_user(session, key, domain) for key in ("member", "member.lam")]
    # the demo's own committee (the seeded portfolio has others): the one that funded 0004
    committee = session.scalar(
        select(MeetingRow.committee_id)
        .join(AgendaItemRow, AgendaItemRow.meeting_id == MeetingRow.id)
        .join(ApplicationRow, ApplicationRow.id == AgendaItemRow.application_id)
        .where(ApplicationRow.reference == "RFS-DEMO-0004")
    )
    if applicant is None or officer is None or approver is None or committee is None:
        return None
    from reind.demo.users import _draft  # the demo's own cost lines, one definition

    assert applicant.enterprise_id is not None
    draft = _draft(applicant.enterprise_id, BEER_PROJECT, "Smart beer line", "4800000")
    app = create_application(session, draft, applicant, engine=engine)
    transition_application(session, app.id, "submit", applicant)
    transition_application(session, app.id, "start_screening", officer)
    screen_application(session, app.id, officer, engine=engine)
    transition_application(session, app.id, "pass_screening", officer)
    transition_application(session, app.id, "refer_to_committee", officer)
    meeting = schedule_meeting(session, committee, today - timedelta(days=20), [app.id], officer)
    for criterion in criteria_for("rfs").items:
        for member in members:
            if member is not None:
                score_application(
                    session, meeting.id, app.id, member, criterion=criterion.code, score=4
                )
    decide(
        session, meeting.id, app.id, approver, supported=True,
        reasons_en="Real-time monitoring and data analytics across brewing and bottling.",
        reasons_zh="由釀造至灌裝的實時監察及數據分析。", decided_on=today - timedelta(days=20),
        engine=engine,
    )  # fmt: skip
    sign_agreement(
        session, app.id, officer, grant=Money.of("1800000"), signed_on=today - timedelta(days=15),
        starts_on=today - timedelta(days=15), ends_on=today + timedelta(days=350),
        milestones=(("Line installed", today - timedelta(days=5)),), engine=engine,
    )  # fmt: skip
    transition_application(session, app.id, "start_project", officer)
    return app.id


def ensure_demo_funded_lines(session: Session, engine: Engine, domain: str) -> None:
    """Link both twins to their demo projects with declared baselines (idempotent)."""
    today = hk_today()
    officer = _user(session, "officer", domain)
    if officer is None:
        return
    waffle_app = _application(session, "RFS-DEMO-0004")
    if waffle_app is not None:
        _link(session, waffle_app, officer, waffle_line(), WAFFLE_BASELINE, 1.0, today)
    beer_app = _fund_beer_project(session, engine, domain, today)
    if beer_app is not None:
        _link(session, beer_app, officer, brewery_line(), BEER_BASELINE, 2.0, today)
