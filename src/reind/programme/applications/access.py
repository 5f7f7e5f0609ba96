"""Who may see an application: applicants their own, members not where conflicted."""

from __future__ import annotations

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from reind.core.errors import (
    ForbiddenError,
    NotFoundError,
)
from reind.programme.actors import Actor, Role
from reind.programme.applications.store import ApplicationRow
from reind.programme.committee.store import ConflictRow, MemberRow


def get_application(session: Session, application_id: str, actor: Actor) -> ApplicationRow:
    """An application if ``actor`` may see it.

    Applicants see only their own enterprise's applications; a committee
    member who declared a conflict of interest does not see that application.
    """
    row = session.get(ApplicationRow, application_id)
    if row is None:
        raise NotFoundError(f"no application {application_id}")
    ensure_may_see(session, actor, row)
    return row


def ensure_may_see(session: Session, actor: Actor, row: ApplicationRow) -> None:
    """ForbiddenError unless ``actor`` may see application ``row``."""
    if actor.role is Role.APPLICANT and actor.enterprise_id != row.enterprise_id:
        raise ForbiddenError("an applicant may only see its own enterprise's applications")
    if actor.role in {Role.COMMITTEE_MEMBER, Role.ASSESSOR} and is_conflicted(
        session, actor.id, row.id
    ):
        raise ForbiddenError(
            "you declared a conflict of interest with this application, so you may not see it"
        )


def is_conflicted(session: Session, person_id: str, application_id: str) -> bool:
    """True when the person declared a conflict with the application on any committee."""
    query = select(
        exists()
        .where(ConflictRow.member_id == MemberRow.id)
        .where(MemberRow.person_id == person_id)
        .where(ConflictRow.application_id == application_id)
    )
    return bool(session.execute(query).scalar())
