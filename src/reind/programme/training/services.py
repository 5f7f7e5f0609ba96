"""RTTP training records: courses, enrolments and attendance of trainees."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from reind.core.errors import InvalidInputError, NotFoundError, RuleError
from reind.core.money import Money
from reind.programme.actors import Actor
from reind.programme.applications.access import get_application
from reind.programme.enterprises.registry import get_enterprise
from reind.programme.permissions import Action, ensure
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
    ensure(actor, Action.RECORD_PROGRAMME_RECORDS)
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
    ensure(actor, Action.RECORD_PROGRAMME_RECORDS)
    if not permanent_resident:
        raise RuleError("RTTP trainees must be Hong Kong permanent residents")
    if session.get(CourseRow, course_id) is None:
        raise NotFoundError(f"no course {course_id}", zh=f"沒有課程 {course_id}")
    get_application(session, application_id, actor)  # NotFoundError for "" or an unknown one
    get_enterprise(session, enterprise_id, actor)
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
    """Record whether the trainee attended one session (marking it again corrects it)."""
    ensure(actor, Action.RECORD_PROGRAMME_RECORDS)
    enrolment = session.get(EnrolmentRow, enrolment_id)
    if enrolment is None:
        raise NotFoundError(f"no enrolment {enrolment_id}", zh=f"沒有學員登記 {enrolment_id}")
    held = session.get(CourseSessionRow, session_id)
    if held is None:
        raise NotFoundError(f"no course session {session_id}", zh=f"沒有課節 {session_id}")
    if held.course_id != enrolment.course_id:
        raise InvalidInputError(
            f"session {session_id} is not a session of the trainee's course",
            zh=f"課節 {session_id} 不屬於該學員的課程",
        )
    row = session.execute(
        select(AttendanceRow)
        .where(AttendanceRow.enrolment_id == enrolment_id)
        .where(AttendanceRow.session_id == session_id)
    ).scalar_one_or_none()
    if row is None:
        row = AttendanceRow(enrolment_id=enrolment_id, session_id=session_id, present=present)
        session.add(row)
    else:
        row.present = present
    flush(session, "the attendance")
    return row
