"""Who may see an application: every object rule on top of the permission table, in one place.

Applicants see their own enterprise's (``sees_enterprise``); a committee
member sees only the cases on the agenda of a meeting of a committee they
sit on (within their term) and not those they declared a conflict with, and
of enterprises only those with such a case; an assessor sees only the cases
assigned to them (``applications.assignment``, issue 13) and not those they
declared a conflict with, and of enterprises only those with such a case.
Services, the API (both its paths) and the pages all decide by ``sight``,
``sees_enterprise`` and ``ensure_may_see``/``ensure_may_see_enterprise``
here, nowhere else.
"""

from __future__ import annotations

from enum import Enum

from sqlalchemy import Select, exists, select
from sqlalchemy.orm import Session

from reind.core.errors import (
    ForbiddenError,
    NotFoundError,
)
from reind.programme.actors import Actor, Role
from reind.programme.applications.store import ApplicationRow, CaseAssessorRow
from reind.programme.committee.store import AgendaItemRow, ConflictRow, MeetingRow, MemberRow
from reind.programme.permissions import Action, ensure, may


def sees_enterprise(actor: Actor, enterprise_id: str | None) -> bool:
    """Whether ``actor`` may see the records of ``enterprise_id``: applicants only their own.

    Roles without ``READ_CASES`` (the plant engineer, the administrator) see no
    enterprise at all. The first object rule, and the only one that needs no
    query (so the hot path asks it too).
    """
    if not may(actor, Action.READ_CASES):
        return False
    return actor.role is not Role.APPLICANT or actor.enterprise_id == enterprise_id


def get_application(session: Session, application_id: str, actor: Actor) -> ApplicationRow:
    """An application if ``actor`` may see it.

    Applicants see only their own enterprise's applications; a committee
    member who declared a conflict of interest does not see that application.
    """
    ensure(actor, Action.READ_CASES)
    row = session.get(ApplicationRow, application_id)
    if row is None:
        raise NotFoundError("no application {application_id}", application_id=application_id)
    ensure_may_see(session, actor, row)
    return row


class Sight(Enum):
    """What the visibility rule says of one actor and one application, before any query."""

    SEEN = "seen"
    NO_CASES = "no_cases"
    """A role that reads no case at all (``Action.READ_CASES``): the administrator, the plant."""
    NOT_THEIRS = "not_theirs"
    """An applicant asking for another enterprise's application."""
    ASSIGNED = "assigned"
    """An assessor: seen only when the case is assigned to them, and not if conflicted."""
    ON_AGENDA = "on_agenda"
    """A committee member: seen only on their committee's agenda, and not if conflicted."""


CONFLICT_ROLES = frozenset({Role.COMMITTEE_MEMBER, Role.ASSESSOR})
"""Roles whose sight of an application depends on their declared conflicts of interest."""


def sight(actor: Actor, enterprise_id: str) -> Sight:
    """The visibility rule of an application of ``enterprise_id``, as a pure function.

    Both request paths decide by it: ``ensure_may_see`` on the ORM path, and
    the API's single-statement path (``web.hot_path``), which serves only
    ``SEEN`` and hands the rest to the ORM path.
    """
    if not may(actor, Action.READ_CASES):
        return Sight.NO_CASES
    if not sees_enterprise(actor, enterprise_id):
        return Sight.NOT_THEIRS
    if actor.role is Role.COMMITTEE_MEMBER:
        return Sight.ON_AGENDA
    if actor.role is Role.ASSESSOR:
        return Sight.ASSIGNED
    return Sight.SEEN


def ensure_may_see(session: Session, actor: Actor, row: ApplicationRow) -> None:
    """ForbiddenError unless ``actor`` may see application ``row``."""
    seen = sight(actor, row.enterprise_id)
    if seen is Sight.NO_CASES:
        ensure(actor, Action.READ_CASES)
    if seen is Sight.NOT_THEIRS:
        raise ForbiddenError("you may only see your own enterprise's applications")
    if seen in (Sight.ASSIGNED, Sight.ON_AGENDA) and is_conflicted(session, actor.id, row.id):
        raise ForbiddenError(
            "you declared a conflict of interest with this application, so you may not see it"
        )
    if seen is Sight.ON_AGENDA and not on_their_agenda(session, actor.id, row.id):
        raise ForbiddenError("this application is not on the agenda of a meeting of your committee")
    if seen is Sight.ASSIGNED and not is_assigned(session, actor.id, row.id):
        raise ForbiddenError("this application is not assigned to you", zh="此申請並未分派給您。")


def is_assigned(session: Session, person_id: str, application_id: str) -> bool:
    """True when the person is one of the application's assessors (``assignment``)."""
    row = session.get(CaseAssessorRow, (application_id, person_id))
    return row is not None


def _agendas_of(person_id: str) -> Select[str]:
    """The ids of the applications on the agendas of meetings the person sits in, within term."""
    return (
        select(AgendaItemRow.application_id)
        .join(MeetingRow, MeetingRow.id == AgendaItemRow.meeting_id)
        .join(MemberRow, MemberRow.committee_id == MeetingRow.committee_id)
        .where(MemberRow.person_id == person_id)
        .where(MemberRow.term_from <= MeetingRow.held_on)
        .where(MeetingRow.held_on <= MemberRow.term_to)
    )


def on_their_agenda(session: Session, person_id: str, application_id: str) -> bool:
    """True when the application is on the agenda of a meeting of the person's committee."""
    query = _agendas_of(person_id).where(AgendaItemRow.application_id == application_id)
    return session.execute(select(query.exists())).scalar() is True


def is_conflicted(session: Session, person_id: str, application_id: str) -> bool:
    """True when the person declared a conflict with the application on any committee."""
    query = select(
        exists()
        .where(ConflictRow.member_id == MemberRow.id)
        .where(MemberRow.person_id == person_id)
        .where(ConflictRow.application_id == application_id)
    )
    return bool(session.execute(query).scalar())


def ensure_may_see_enterprise(session: Session, actor: Actor, enterprise_id: str) -> None:
    """ForbiddenError unless ``actor`` may see the enterprise and its contacts.

    Beyond ``sees_enterprise`` (applicants their own; only roles that read cases): an
    assessor or committee member who declared a conflict with any of the
    enterprise's applications does not see the enterprise either; an assessor
    sees only an enterprise with a case assigned to them, and a committee
    member only one with a case on their agenda.
    """
    ensure(actor, Action.READ_CASES)
    if not sees_enterprise(actor, enterprise_id):
        raise ForbiddenError("you may only see your own enterprise")
    if actor.role not in CONFLICT_ROLES:
        return
    query = select(
        exists()
        .where(ConflictRow.member_id == MemberRow.id)
        .where(MemberRow.person_id == actor.id)
        .where(ConflictRow.application_id == ApplicationRow.id)
        .where(ApplicationRow.enterprise_id == enterprise_id)
    )
    if session.execute(query).scalar():
        raise ForbiddenError(
            "you declared a conflict of interest with this enterprise's application, "
            "so you may not see the enterprise"
        )
    if actor.role is Role.ASSESSOR:
        assigned = select(
            exists()
            .where(CaseAssessorRow.person_id == actor.id)
            .where(CaseAssessorRow.application_id == ApplicationRow.id)
            .where(ApplicationRow.enterprise_id == enterprise_id)
        )
        if not session.execute(assigned).scalar():
            raise ForbiddenError(
                "no application of this enterprise is assigned to you",
                zh="此企業沒有申請分派給您。",
            )
    if actor.role is Role.COMMITTEE_MEMBER:
        theirs = select(
            exists()
            .where(ApplicationRow.enterprise_id == enterprise_id)
            .where(ApplicationRow.id.in_(_agendas_of(actor.id)))
        )
        if not session.execute(theirs).scalar():
            raise ForbiddenError(
                "no application of this enterprise is on the agenda of a meeting of your committee"
            )
