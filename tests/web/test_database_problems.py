"""No database error escapes as a 500 (issue 12): duplicates are 409, unknown references 404/422.

Each case was a bare 500 on ``make demo``; the tests run on SQLite and PostgreSQL.
The last ones go behind the services' backs, so the constraint itself is the
one that refuses, and check that ``core.integrity`` still answers clearly.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import insert

from reind.core.integrity import DuplicateError, UnknownReferenceError
from reind.programme.committee.store import ConflictRow
from reind.programme.enterprises.store import EnterpriseRow
from reind.programme.uow import flush
from reind.programme.ventures.store import CoInvestmentPartnerRow
from tests.programme.factories import rfs_application
from tests.web.world import World


def test_the_same_itvf_partner_twice_is_a_409(any_world: World) -> None:
    world = any_world
    body = {"name": "Harbour Angels Fund", "signed_on": "2024-01-02"}
    first = world.client.post("/api/v1/itvf/partners", json=body, headers=world.auth("officer"))
    again = world.client.post("/api/v1/itvf/partners", json=body, headers=world.auth("officer"))
    assert first.status_code == 201, first.text
    assert again.status_code == 409, again.text
    assert "Harbour Angels Fund" in again.json()["detail"]
    assert again.headers["content-type"] == "application/problem+json"


def test_declaring_the_same_conflict_twice_is_a_409(any_world: World) -> None:
    world = any_world
    with world.db.unit_of_work() as session:
        app = rfs_application(session, session.get_one(EnterpriseRow, world.enterprise_a))
    body = {
        "member_id": world.member_ids["member-1"],
        "application_id": app.id,
        "nature": "Director of a supplier",
    }
    first = world.client.post("/api/v1/conflicts", json=body, headers=world.auth("officer"))
    again = world.client.post("/api/v1/conflicts", json=body, headers=world.auth("officer"))
    assert first.status_code == 201, first.text
    assert again.status_code == 409, again.text
    assert "already" in again.json()["detail"]


def _course(world: World) -> int:
    course = world.client.post(
        "/api/v1/rttp/courses",
        json={
            "provider": "VTC",
            "title": "PLC basics",
            "fee": "10000",
            "public": True,
            "sessions": ["2024-05-01", "2024-05-08"],
        },
        headers=world.auth("officer"),
    )
    assert course.status_code == 201, course.text
    return int(course.json()["id"])


def test_attendance_for_an_unknown_enrolment_or_session_is_a_404(any_world: World) -> None:
    world = any_world
    _course(world)
    for body in (
        {"enrolment_id": 999999, "session_id": 1, "present": True},
        {"enrolment_id": 1, "session_id": 999999, "present": True},
    ):
        answer = world.client.post(
            "/api/v1/rttp/attendance", json=body, headers=world.auth("officer")
        )
        assert answer.status_code == 404, answer.text


def test_an_enrolment_under_no_application_is_a_404(any_world: World) -> None:
    world = any_world
    body = {
        "course_id": _course(world),
        "application_id": "",
        "enterprise_id": world.enterprise_a,
        "name": "Chan Tai Man",
        "permanent_resident": True,
    }
    answer = world.client.post("/api/v1/rttp/enrolments", json=body, headers=world.auth("officer"))
    assert answer.status_code == 404, answer.text
    assert "application" in answer.json()["detail"]


def test_a_duplicate_that_slips_past_the_service_is_a_409_not_a_500(any_world: World) -> None:
    with pytest.raises(DuplicateError) as refused:
        with any_world.db.unit_of_work() as session:
            for _ in range(2):
                session.add(CoInvestmentPartnerRow(name="Twice Ltd", signed_on=date(2024, 1, 2)))
                flush(session, "the partner")
    assert refused.value.status == 409
    assert "name" in refused.value.message


def test_an_unknown_reference_that_slips_past_the_service_is_a_422_not_a_500(
    any_world: World,
) -> None:
    with pytest.raises(UnknownReferenceError) as refused:
        with any_world.db.unit_of_work() as session:
            session.execute(
                insert(ConflictRow).values(
                    member_id="no-such-member",
                    application_id="no-such-application",
                    nature="x",
                    declared_at=datetime(2024, 1, 1, tzinfo=UTC),
                )
            )
    assert refused.value.status == 422
    assert "does not exist" in refused.value.message
