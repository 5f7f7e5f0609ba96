"""The administrator's account API: the users list paged with Link headers, role changes, sign-out.

On SQLite and PostgreSQL (``any_world``): the same services as the pages.
"""

from __future__ import annotations

from reind.programme.audit.views import events_for
from tests.web.test_sessions import sign_in
from tests.web.world import World


def test_the_users_list_pages_with_a_link_header_and_only_administrators_read_it(
    any_world: World,
) -> None:
    world, admin = any_world, any_world.auth("administrator")
    first = world.client.get("/api/v1/users?limit=2", headers=admin)
    assert first.status_code == 200 and len(first.json()["items"]) == 2
    total = first.json()["total"]
    assert total == len(world.user_ids) and first.headers["X-Total-Count"] == str(total)
    seen, answer = [], first
    while True:
        seen += [u["email"] for u in answer.json()["items"]]
        if "Link" not in answer.headers:
            break
        url = answer.headers["Link"].split(";")[0].strip("<>")
        answer = world.client.get(url, headers=admin)
    assert seen == sorted(seen) and len(seen) == total
    finance = world.client.get("/api/v1/users?role=finance", headers=admin).json()
    assert {u["role"] for u in finance["items"]} == {"finance"}
    assert world.client.get("/api/v1/users", headers=world.auth("officer")).status_code == 403


def test_a_role_changes_with_its_reason_and_the_person_signs_in_again(any_world: World) -> None:
    world, admin = any_world, any_world.auth("administrator")
    analyst = world.user_ids["analyst"]
    client, _ = sign_in(world, "analyst")
    assert client.get("/api/v1/session").status_code == 200
    no_reason = world.client.post(
        f"/api/v1/users/{analyst}/role", json={"role": "auditor", "reason": ""}, headers=admin
    )
    assert no_reason.status_code == 400
    changed = world.client.post(
        f"/api/v1/users/{analyst}/role",
        json={"role": "auditor", "reason": "joins the internal audit team"},
        headers=admin,
    )
    assert changed.status_code == 200 and changed.json()["role"] == "auditor"
    assert client.get("/api/v1/session").status_code == 401
    with world.db.unit_of_work() as session:
        (event,) = [
            e for e in events_for(session, "user", analyst) if e.kind == "account.role_changed"
        ]
    assert "joins the internal audit team" in event.payload
    by_officer = world.client.post(
        f"/api/v1/users/{analyst}/role",
        json={"role": "officer", "reason": "x"},
        headers=world.auth("officer"),
    )
    assert by_officer.status_code == 403


def test_an_administrator_signs_a_person_out_everywhere(any_world: World) -> None:
    world, admin = any_world, any_world.auth("administrator")
    first, _ = sign_in(world, "finance")
    second, _ = sign_in(world, "finance")
    ended = world.client.delete(
        f"/api/v1/users/{world.user_ids['finance']}/sessions", headers=admin
    )
    assert ended.status_code == 200 and ended.json() == {"ended": 2}
    assert first.get("/api/v1/session").status_code == 401
    assert second.get("/api/v1/session").status_code == 401
