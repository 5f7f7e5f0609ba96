"""``POST /api/v1/applications/{id}/assignment`` and ``GET /api/v1/applications?assigned_officer``.

On SQLite and PostgreSQL: an officer assigns a case through the API, the
list narrows to one officer's cases (``me`` for the caller's own), keyset
pages and all, and whoever the table does not allow to assign is refused.
"""

from __future__ import annotations

from reind.programme.enterprises.store import EnterpriseRow
from tests.programme.factories import rfs_application
from tests.web.world import World


def test_an_officer_assigns_through_the_api_and_lists_their_own_cases(any_world: World) -> None:
    world = any_world
    with world.db.unit_of_work() as session:
        company = session.get_one(EnterpriseRow, world.enterprise_a)
        ids = [rfs_application(session, company, state="screening").id for _ in range(3)]
    me = world.user_ids["officer"]
    for app_id in ids[:2]:
        answer = world.client.post(
            f"/api/v1/applications/{app_id}/assignment",
            json={"to": me, "reason": "Mine this week"},
            headers=world.auth("officer"),
        )
        assert answer.status_code == 200, answer.text
        assert answer.json()["assigned_officer"] == me
    again = world.client.post(
        f"/api/v1/applications/{ids[0]}/assignment",
        json={"to": me, "reason": "Twice"},
        headers=world.auth("officer"),
    )
    assert again.status_code == 409
    first = world.client.get(
        "/api/v1/applications?assigned_officer=me&limit=1", headers=world.auth("officer")
    )
    assert first.status_code == 200, first.text
    assert first.json()["total"] == 2 and 'rel="next"' in first.headers["Link"]
    rest = world.client.get(
        first.headers["Link"].split(";")[0].strip("<>"), headers=world.auth("officer")
    )
    listed = [i["id"] for i in [*first.json()["items"], *rest.json()["items"]]]
    assert sorted(listed) == sorted(ids[:2])
    named = world.client.get(
        f"/api/v1/applications?assigned_officer={me}", headers=world.auth("finance")
    )
    assert named.json()["total"] == 2


def test_only_officers_assign_and_only_to_an_officer(any_world: World) -> None:
    world = any_world
    with world.db.unit_of_work() as session:
        company = session.get_one(EnterpriseRow, world.enterprise_a)
        app_id = rfs_application(session, company, state="screening").id
    path = f"/api/v1/applications/{app_id}/assignment"
    body = {"to": world.user_ids["officer"], "reason": "Because"}
    for who in ("applicant", "assessor", "approver", "finance", "auditor", "administrator"):
        assert world.client.post(path, json=body, headers=world.auth(who)).status_code == 403
    wrong = world.client.post(
        path,
        json={"to": world.user_ids["finance"], "reason": "Because"},
        headers=world.auth("officer"),
    )
    assert wrong.status_code == 400 and "is not an active case officer" in wrong.text
    assert "並非在職的個案主任" in wrong.json()["detail_zh_hant"]
