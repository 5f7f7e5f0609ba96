"""A case referred to the committee reaches a meeting's agenda (issue 12), both ways.

Before, the only way onto an agenda was to be named when the meeting was
scheduled, so a case referred afterwards waited forever. The secretariat now
sees the referred cases that no agenda holds and places each on a meeting.
"""

from __future__ import annotations

from datetime import date

import httpx2 as httpx  # what Starlette's TestClient speaks

from reind.programme.enterprises.store import EnterpriseRow
from tests.programme.factories import rfs_application
from tests.web.world import World


def _referred(world: World, state: str = "vetting_committee") -> str:
    with world.db.unit_of_work() as session:
        company = session.get_one(EnterpriseRow, world.enterprise_a)
        return rfs_application(session, company, state=state).id


def _meeting(world: World) -> str:
    answer = world.client.post(
        f"/api/v1/committees/{world.committee_id}/meetings",
        json={"held_on": date(2024, 3, 1).isoformat(), "application_ids": []},
        headers=world.auth("officer"),
    )
    assert answer.status_code == 201, answer.text
    return str(answer.json()["id"])


def _place(world: World, meeting_id: str, app_id: str, who: str = "officer") -> httpx.Response:
    return world.client.post(
        f"/api/v1/meetings/{meeting_id}/agenda",
        json={"application_id": app_id},
        headers=world.auth(who),
    )


def _referrals(world: World) -> list[str]:
    answer = world.client.get("/api/v1/committee/referrals", headers=world.auth("officer"))
    assert answer.status_code == 200, answer.text
    return [item["id"] for item in answer.json()]


def test_a_referred_case_is_placed_on_a_meeting_and_leaves_the_referrals(any_world: World) -> None:
    world = any_world
    app_id = _referred(world)
    assert app_id in _referrals(world)
    meeting_id = _meeting(world)
    placed = _place(world, meeting_id, app_id)
    assert placed.status_code == 201, placed.text
    assert placed.json() == {
        "meeting_id": meeting_id,
        "application_id": app_id,
        "position": 1,
    }
    agenda = world.client.get(
        f"/api/v1/meetings/{meeting_id}/agenda", headers=world.auth("member")
    ).json()
    assert [item["id"] for item in agenda] == [app_id]
    assert app_id not in _referrals(world)


def test_placing_is_refused_with_the_reason(any_world: World) -> None:
    world = any_world
    meeting_id = _meeting(world)
    app_id = _referred(world)
    assert _place(world, meeting_id, app_id).status_code == 201
    again = _place(world, meeting_id, app_id)
    assert again.status_code == 409
    assert "already on this meeting's agenda" in again.json()["detail"]
    draft = _place(world, meeting_id, _referred(world, "screening"))
    assert draft.status_code == 409
    assert "only a case referred" in draft.json()["detail"]
    assert _place(world, "no-such-meeting", app_id).status_code == 404
    member = _place(world, meeting_id, _referred(world), who="member")
    assert member.status_code == 403


def test_a_committee_keeps_its_quorum(any_world: World) -> None:
    world = any_world
    made = world.client.post(
        "/api/v1/committees",
        json={"scheme": "rfs", "name_en": "Panel", "name_zh": "小組", "quorum": 3},
        headers=world.auth("officer"),
    )
    assert made.status_code == 201, made.text
    assert made.json()["quorum"] == 3
    refused = world.client.post(
        "/api/v1/committees",
        json={"scheme": "rfs", "name_en": "Panel", "name_zh": "小組", "quorum": 0},
        headers=world.auth("officer"),
    )
    assert refused.status_code == 400  # validation problem: the quorum is at least 1
