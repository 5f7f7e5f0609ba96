"""A programme office with one user (and API token) per role, for API tests.

``make_world(db)`` registers two enterprises (A and B), a user for every
role with an API token, and the committee members ``member-1`` and
``member-2``; ``World.client`` talks to ``create_app(Platform(db, default_engine()))``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from reind.bootstrap import Platform
from reind.core.db import Database
from reind.programme.accounts.tokens import issue_token
from reind.programme.accounts.users import add_user
from reind.programme.actors import SYSTEM, Role
from reind.programme.committee.governance import declare_conflict
from reind.programme.committee.services import (
    appoint_member,
    create_committee,
    schedule_meeting,
)
from reind.programme.committee.store import MeetingRow
from reind.schemes.catalogue import default_engine
from reind.web.app import create_app
from tests.programme.factories import OFFICER, enterprise

FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
"""Cheap argon2 parameters: tests hash many passwords and need no real cost."""
PASSWORD = "correct horse battery staple"

ROLES = {
    "applicant": Role.APPLICANT,
    "other_applicant": Role.APPLICANT,
    "officer": Role.OFFICER,
    "assessor": Role.ASSESSOR,
    "member": Role.COMMITTEE_MEMBER,
    "conflicted_member": Role.COMMITTEE_MEMBER,
    "approver": Role.APPROVER,
    "finance": Role.FINANCE,
    "analyst": Role.ANALYST,
    "auditor": Role.AUDITOR,
    "administrator": Role.ADMINISTRATOR,
    "plant_engineer": Role.PLANT_ENGINEER,
}
"""Who is in the world: a name for each user and the role it holds."""
PERSON_IDS = {"member": "member-1", "conflicted_member": "member-2"}


@dataclass
class World:
    """The database, a client, the enterprises and a token per user."""

    db: Database
    client: TestClient
    enterprise_a: str
    enterprise_b: str
    committee_id: str = ""
    member_ids: dict[str, str] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    user_ids: dict[str, str] = field(default_factory=dict)

    def auth(self, who: str) -> dict[str, str]:
        """Headers authenticating as user ``who`` with its API token."""
        return {"Authorization": f"Bearer {self.tokens[who]}"}

    def email(self, who: str) -> str:
        """The e-mail address of user ``who``."""
        return f"{who.replace('_', '.')}@example.gov.hk"


def make_world(db: Database) -> World:
    """A world on ``db`` (already migrated)."""
    with db.unit_of_work() as session:
        a = enterprise(session, name="Golden Egg Foods Ltd")
        b = enterprise(session, name="Silver Noodle Co Ltd")
        world = World(db, TestClient(_app(db)), a.id, b.id)
        for who, role in ROLES.items():
            user = add_user(
                session,
                SYSTEM,
                email=world.email(who),
                display_name=who.replace("_", " ").title(),
                role=role,
                password=PASSWORD,
                enterprise_id={"applicant": a.id, "other_applicant": b.id}.get(who),
                person_id=PERSON_IDS.get(who),
                hasher=FAST_HASHER,
            )
            _, secret = issue_token(session, user.id, "tests", SYSTEM)
            world.tokens[who] = secret
            world.user_ids[who] = user.id
        _committee(session, world)
    return world


def add_person(world: World, who: str, role: Role, person_id: str | None = None) -> None:
    """One more user ``who`` in ``role`` with an API token (e.g. a second finance officer)."""
    with world.db.unit_of_work() as session:
        user = add_user(
            session,
            SYSTEM,
            email=world.email(who),
            display_name=who.replace("_", " ").title(),
            role=role,
            password=PASSWORD,
            person_id=person_id,
            hasher=FAST_HASHER,
        )
        _, world.tokens[who] = issue_token(session, user.id, "tests", SYSTEM)
        world.user_ids[who] = user.id


def _app(db: Database) -> FastAPI:
    return create_app(
        Platform(db, default_engine()), secure_cookies=False, password_hasher=FAST_HASHER
    )


def _committee(session: Session, world: World) -> None:
    committee = create_committee(
        session, "rfs", "RFS Vetting Committee", "審核委員會", OFFICER, engine=default_engine()
    )
    world.committee_id = committee.id
    for person in PERSON_IDS.values():
        member = appoint_member(
            session,
            committee.id,
            OFFICER,
            person_id=person,
            name=person,
            capacity="member",
            term_from=date(2024, 1, 1),
            term_to=date(2026, 12, 31),
        )
        world.member_ids[person] = member.id


def committee_meeting(
    session: Session, world: World, application_ids: list[str], conflicted: Sequence[str] = ()
) -> MeetingRow:
    """A meeting of the world's committee; ``member-2`` declares a conflict on ``conflicted``."""
    held = schedule_meeting(session, world.committee_id, date(2024, 3, 1), application_ids, OFFICER)
    for app_id in conflicted:
        declare_conflict(session, world.member_ids["member-2"], app_id, "Shareholder", OFFICER)
    return held
