"""Cases assigned to officers and assessors: recorded with the reason, told by e-mail, listed.

On SQLite and PostgreSQL. An officer gives a case to an officer (replacing
any) or adds an assessor; the audit chain holds who, whom and why; the
person is e-mailed (unless they turned ``case_assigned`` off); "My cases"
is the list narrowed to one officer.
"""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from reind.core.db import Database
from reind.core.errors import ConflictError, ForbiddenError, InvalidInputError
from reind.programme.accounts.users import actor_of, add_user
from reind.programme.actors import SYSTEM, Actor, Role
from reind.programme.applications.assignment import (
    assessors_of,
    assign_case,
    assignment_of,
    release_assessor,
)
from reind.programme.applications.lists import ApplicationFilters, list_applications
from reind.programme.audit.views import events_for
from reind.programme.notices.preferences import preferences_of, set_preferences
from reind.programme.notices.store import OutboxRow
from tests.programme.factories import OFFICER, rfs_application
from tests.web.world import FAST_HASHER, PASSWORD


def _person(session: Session, name: str, role: Role) -> Actor:
    user = add_user(
        session,
        SYSTEM,
        email=f"{name}@example.gov.hk",
        display_name=name.title(),
        role=role,
        password=PASSWORD,
        hasher=FAST_HASHER,
    )
    return actor_of(user)


def _mail(session: Session, kind: str = "case_assigned") -> list[tuple[str, str, str]]:
    rows = session.execute(
        select(OutboxRow.recipient, OutboxRow.subject, OutboxRow.body)
        .where(OutboxRow.kind == kind)
        .order_by(OutboxRow.created_at, OutboxRow.recipient)
    ).all()
    return [(r, s, b) for r, s, b in rows]


def test_a_case_assigned_with_a_reason_is_in_the_chain_and_the_officer_is_emailed(
    db: Database,
) -> None:
    with db.unit_of_work() as session:
        chan, lee = _person(session, "chan", Role.OFFICER), _person(session, "lee", Role.OFFICER)
        app = rfs_application(session, state="screening")
        assign_case(session, app.id, chan.id, OFFICER, reason="Food cases are Chan's")
        assign_case(session, app.id, lee.id, OFFICER, reason="Chan is on leave")
        assert app.assigned_officer == lee.id
        assigned = [e for e in events_for(session, "application", app.id) if "assigned" in e.kind]
        payloads = [json.loads(e.payload) for e in assigned]
        assert [(p["to"], p["from"], p["reason"]) for p in payloads] == [
            (chan.id, None, "Food cases are Chan's"),
            (lee.id, chan.id, "Chan is on leave"),
        ]
        mail = _mail(session)
        assert [m[0] for m in mail] == ["chan@example.gov.hk", "lee@example.gov.hk"]
        recipient, subject, body = mail[1]
        assert (
            subject == f"Case {app.reference} is assigned to you · 個案 {app.reference} 已分派給你"
        )
        assert "Chan is on leave" in body and "我的個案" in body and "My cases" in body


def test_assessors_are_added_and_taken_off_with_a_reason(db: Database) -> None:
    with db.unit_of_work() as session:
        ho = _person(session, "ho", Role.ASSESSOR)
        app = rfs_application(session, state="assessment")
        assign_case(session, app.id, ho.id, OFFICER, reason="Food safety", duty="assessor")
        assert [p for p, _ in assessors_of(session, app.id)] == [ho.id]
        assert assignment_of(session, app).assessors == ((ho.id, "Ho"),)
        release_assessor(session, app.id, ho.id, OFFICER, reason="Declared a conflict")
        assert assessors_of(session, app.id) == []
        kinds = [e.kind for e in events_for(session, "application", app.id)]
        assert kinds[-2:] == ["application.assigned", "application.assessor_released"]


def test_an_assignment_is_refused_without_a_reason_to_a_non_officer_or_twice(
    db: Database,
) -> None:
    with db.unit_of_work() as session:
        chan, ho = _person(session, "chan", Role.OFFICER), _person(session, "ho", Role.ASSESSOR)
        app = rfs_application(session, state="screening")
        with pytest.raises(InvalidInputError, match="say why"):
            assign_case(session, app.id, chan.id, OFFICER, reason="  ")
        with pytest.raises(InvalidInputError, match="is not an active case officer"):
            assign_case(session, app.id, ho.id, OFFICER, reason="Any")
        with pytest.raises(ForbiddenError):
            assign_case(session, app.id, chan.id, ho, reason="Any")
        assign_case(session, app.id, chan.id, OFFICER, reason="First")
        with pytest.raises(ConflictError, match="already assigned"):
            assign_case(session, app.id, chan.id, OFFICER, reason="Again")
        assert len(_mail(session)) == 1


def test_an_officer_who_turned_case_assigned_off_is_not_emailed(db: Database) -> None:
    with db.unit_of_work() as session:
        chan = _person(session, "chan", Role.OFFICER)
        user_id = chan.id  # no person id: the account's id is the actor's
        assert preferences_of(session, user_id, chan) == {"case_assigned": True}
        set_preferences(session, user_id, {"case_assigned": False}, chan)
        app = rfs_application(session, state="screening")
        assign_case(session, app.id, chan.id, OFFICER, reason="Yours")
        assert app.assigned_officer == chan.id and _mail(session) == []


def test_my_cases_lists_only_the_officers_own_in_every_state(db: Database) -> None:
    with db.unit_of_work() as session:
        chan, lee = _person(session, "chan", Role.OFFICER), _person(session, "lee", Role.OFFICER)
        mine = [rfs_application(session, state=s) for s in ("screening", "assessment")]
        theirs = rfs_application(session, state="screening")
        for app in mine:
            assign_case(session, app.id, chan.id, OFFICER, reason="Mine")
        assign_case(session, theirs.id, lee.id, OFFICER, reason="Theirs")
        page = list_applications(session, ApplicationFilters(assigned_officer=chan.id), limit=1)
        assert page.total == 2 and page.more
        rest = list_applications(
            session, ApplicationFilters(assigned_officer=chan.id), cursor=page.next_cursor
        )
        seen = [i.id for i in [*page.items, *rest.items]]
        assert sorted(seen) == sorted(a.id for a in mine)
        assert {i.assigned_officer for i in [*page.items, *rest.items]} == {chan.id}


def test_my_cases_reads_one_range_of_the_officer_and_reference_index(db: Database) -> None:
    """At a million applications "My cases" must not read the table: the plan uses the index."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's plan names the index; PostgreSQL's is chosen by row counts")
    with db.unit_of_work() as session:
        plan = session.execute(
            text(
                "EXPLAIN QUERY PLAN SELECT id FROM applications "
                "WHERE assigned_officer = :who ORDER BY reference LIMIT 51"
            ),
            {"who": "officer-chan"},
        ).all()
    details = " ".join(str(row[-1]) for row in plan)
    assert "ix_applications_assigned_officer" in details and "TEMP B-TREE" not in details
