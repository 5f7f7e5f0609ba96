"""RTTP training records: courses, enrolments and attendance of trainees."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from reind.core.errors import (
    InvalidInputError,
)
from reind.core.money import Money
from reind.programme.actors import Actor, ensure_staff
from reind.programme.training.store import (
    AttendanceRow,
    CourseRow,
    CourseSessionRow,
    EnrolmentRow,
    TraineeRow,
)
from reind.programme.uow import flush


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
    ensure_staff(actor)
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
    ensure_staff(actor)
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
    ensure_staff(actor)
    row = AttendanceRow(enrolment_id=enrolment_id, session_id=session_id, present=present)
    session.add(row)
    flush(session, "the attendance")
    return row
