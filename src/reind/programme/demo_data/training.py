"""RTTP history: courses, grant applications, trainees, enrolments and attendance.

From August 2018 enterprises send staff on registered courses; each grant
application (one enterprise, one course run, its trainees) is decided by
the ``rttp`` rules as at its approval date, with the company's earlier
grants that financial year (HK$500,000 a year). A "training session" in
the report is a trainee's place on a course run (an enrolment); a trainee
may take several. Written as one audited bulk import.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from reind.core.errors import RuleError
from reind.core.money import Money
from reind.core.periods import FinancialYear
from reind.programme.applications.store import ApplicationRow
from reind.programme.demo_data.bulk import Batch, SimClock, day_between, write_batch
from reind.programme.demo_data.names import enterprise_row, person_name
from reind.programme.demo_data.records import HistoricRows
from reind.programme.enterprises.profile import Industry
from reind.programme.enterprises.store import EnterpriseRow
from reind.programme.money.store import LedgerEntryRow, LedgerRow
from reind.programme.training.store import (
    AttendanceRow,
    CourseRow,
    CourseSessionRow,
    EnrolmentRow,
    TraineeRow,
)
from reind.rules.decision import Outcome
from reind.rules.engine import Engine

AS_AT = date(2021, 8, 31)
TARGET_TRAINEES, TARGET_PLACES, TARGET_FUNDING = 5_830, 7_530, Money.of(51_250_000)
_FEES = (3_600, 4_800, 6_000, 7_200, 8_400, 9_600, 12_000, 13_500, 16_000, 20_000)
_TOPICS = (
    "Industry 4.0 workflows",
    "Automated production lines",
    "Industrial IoT",
    "Robotics programming",
    "Machine vision",
    "Digital twins",
    "PLC and SCADA",
    "Additive manufacturing",
    "Data analytics for production",
    "Cyber-security for OT",
)
_PROVIDERS = (
    "HKPC Academy",
    "VTC Industry 4.0 Centre",
    "Fraunhofer IPT Training",
    "HKUST Professional Education",
    "CityU School of Continuing Education",
    "PolyU Industrial Centre",
)
_INDUSTRIES = (
    Industry.ELECTRONICS,
    Industry.FOOD_MANUFACTURING,
    Industry.PRINTING,
    Industry.TEXTILES,
    Industry.METALS,
    Industry.CHEMICALS,
    Industry.MEDICAL_DEVICES,
)


@dataclass
class _Run:
    course_id: int
    fee: int
    start: date
    session_ids: list[int]
    session_days: list[date]


def generate(
    session: Session, rng: random.Random, clock: SimClock, engine: Engine, first_br: int
) -> int:
    """Write the RTTP history; returns how many grant applications."""
    course_id = _next_id(session, CourseRow.id)
    session_id = _next_id(session, CourseSessionRow.id)
    trainee_id = _next_id(session, TraineeRow.id)
    enrolment_id = _next_id(session, EnrolmentRow.id)
    companies = [
        enterprise_row(
            rng,
            first_br + n,
            rng.choice(_INDUSTRIES),
            employees=rng.randrange(15, 300),
            manufacturing=True,
            created=date(2018, 6, 1),
            incorporation="cap310",
        )
        for n in range(700)
    ]
    runs: list[_Run] = []
    courses: list[dict[str, Any]] = []
    sessions: list[dict[str, Any]] = []
    for _ in range(900):
        start = day_between(rng, date(2018, 10, 1), date(2022, 2, 28))
        fee = rng.choice(_FEES)
        days = [start + timedelta(days=7 * k) for k in range(rng.randrange(2, 7))]
        ids = list(range(session_id, session_id + len(days)))
        session_id += len(days)
        courses.append(
            {
                "id": course_id,
                "provider": rng.choice(_PROVIDERS),
                "title": rng.choice(_TOPICS),
                "fee_cents": fee * 100,
                "public": rng.random() < 0.7,
            }
        )
        sessions += [
            {"id": i, "course_id": course_id, "held_on": d} for i, d in zip(ids, days, strict=True)
        ]
        runs.append(_Run(course_id, fee, start, ids, days))
        course_id += 1
    staff: dict[str, list[int]] = {}
    on_course: set[tuple[int, int]] = set()
    trainees: list[dict[str, Any]] = []
    plans: list[tuple[dict[str, Any], _Run, list[int], date, date]] = []
    launch = engine.parameters.get("rttp", "in_operation").values[0].effective_from
    while len(plans) < 2_700 or not _enough(plans):
        company = rng.choice(companies)
        run = rng.choice(runs)
        people: list[int] = []
        for _ in range(rng.choice((1, 1, 2, 2, 3, 3, 4, 5, 6))):
            pool = [t for t in staff.get(company["id"], []) if (run.course_id, t) not in on_course]
            if pool and rng.random() < 0.35:
                person = rng.choice(pool)
            else:
                person = trainee_id
                trainee_id += 1
                trainees.append(
                    {
                        "id": person,
                        "enterprise_id": company["id"],
                        "name": person_name(rng),
                        "permanent_resident": True,
                    }
                )
                staff.setdefault(company["id"], []).append(person)
            on_course.add((run.course_id, person))
            people.append(person)
        # no application before the programme took them (RTTP's rules are those of the
        # received date): the earliest courses' applications wait for the launch
        received = max(run.start - timedelta(days=rng.randrange(42, 70)), launch)
        approved = received + timedelta(days=rng.randrange(7, 21))
        plans.append((company, run, people, received, approved))
    rows, enrolments, attendance = HistoricRows(), [], []
    by_company_year: dict[tuple[str, int], list[dict[str, Any]]] = {}
    for company, run, people, received, approved in sorted(plans, key=lambda p: p[4]):
        year = FinancialYear.containing(approved).start_year
        priors = by_company_year.setdefault((company["id"], year), [])
        case = {
            "received": received.isoformat(),
            "approved_on": approved.isoformat(),
            "course_start": run.start.isoformat(),
            "course_registered_on": (
                run.start - timedelta(days=rng.randrange(140, 200))
            ).isoformat(),
            "course_fee": str(run.fee),
            "registered_under": "cap310",
            "subvented": False,
            "provider_years_experience": rng.randrange(3, 30),
            "trainees": [{"permanent_resident": True, "relevant_background": True}] * len(people),
            "prior_grants": list(priors),
        }
        decision = engine.decide("rttp", case)
        if decision.outcome is not Outcome.ELIGIBLE:
            raise RuleError(f"generated RTTP application is not eligible: {decision}")
        priors.append({"amount": str(decision.amount.amount), "approved_on": approved.isoformat()})
        ends = run.session_days[-1]
        paid = ends + timedelta(days=75)
        app_id = rows.add(
            rng,
            reference=f"RTTP-{approved:%Y%m}-{len(rows.applications) + 1:05d}",
            scheme="rttp",
            enterprise_id=company["id"],
            title=f"Training: course {run.course_id}",
            received=received,
            requested=decision.amount,
            facts=case,
            grant=decision.amount,
            approved_on=approved,
            paid_on=paid if paid <= date(2021, 12, 31) else None,
            state="completed" if paid <= date(2021, 12, 31) else "in_progress",
        )
        for person in people:
            enrolments.append(
                {
                    "id": enrolment_id,
                    "course_id": run.course_id,
                    "trainee_id": person,
                    "application_id": app_id,
                }
            )
            for sid in run.session_ids:
                attendance.append(
                    {
                        "enrolment_id": enrolment_id,
                        "session_id": sid,
                        "present": rng.random() < 0.93,
                    }
                )
            enrolment_id += 1
    batch = Batch("rttp_history", engine.rules_version)
    batch.add(EnterpriseRow.__table__, companies)  # type: ignore[arg-type]
    batch.add(CourseRow.__table__, courses)  # type: ignore[arg-type]
    batch.add(CourseSessionRow.__table__, sessions)  # type: ignore[arg-type]
    batch.add(TraineeRow.__table__, trainees)  # type: ignore[arg-type]
    _add_historic(batch, rows)
    batch.add(EnrolmentRow.__table__, enrolments)  # type: ignore[arg-type]
    batch.add(AttendanceRow.__table__, attendance)  # type: ignore[arg-type]
    clock.at(date(2021, 12, 31), 18)
    write_batch(session, batch, clock)
    return len(rows.applications)


def _enough(plans: list[tuple[dict[str, Any], _Run, list[int], date, date]]) -> bool:
    """True once the applications approved by the report's date pass every target."""
    if len(plans) % 50:
        return False
    counted = [(run, people) for _, run, people, _, approved in plans if approved <= AS_AT]
    people = {person for _, group in counted for person in group}
    places = sum(len(group) for _, group in counted)
    funding = sum(run.fee * 100 * 2 // 3 * len(group) for run, group in counted)
    return (
        len(people) >= TARGET_TRAINEES
        and places >= TARGET_PLACES
        and funding >= TARGET_FUNDING.cents
    )


def _add_historic(batch: Batch, rows: HistoricRows) -> None:
    batch.add(ApplicationRow.__table__, rows.applications)  # type: ignore[arg-type]
    batch.add(LedgerRow.__table__, rows.ledgers)  # type: ignore[arg-type]
    batch.add(LedgerEntryRow.__table__, rows.entries)  # type: ignore[arg-type]


def _next_id(session: Session, column: Any) -> int:
    return int(session.execute(select(func.coalesce(func.max(column), 0))).scalar_one()) + 1
