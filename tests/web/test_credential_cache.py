"""A cached caller is re-checked in every request's own transaction, so nothing stale gets in."""

from __future__ import annotations

from fastapi.routing import APIRoute
from sqlalchemy import update

from reind.core.clock import utcnow
from reind.programme.accounts.store import ApiTokenRow, UserRow
from reind.web.api import applications, audit, committee, desk, money, schemes, ventures
from reind.web.api import session as session_api
from reind.web.auth import rechecked_actor
from reind.web.deps import transaction, unit_of_work
from tests.web.world import World

API = (applications, audit, committee, desk, money, schemes, session_api, ventures)


def _warm(world: World, who: str) -> None:
    """One good request, so the worker's cache holds the caller."""
    answer = world.client.get(f"/api/v1/enterprises/{world.enterprise_a}", headers=world.auth(who))
    assert answer.status_code == 200, answer.text


def test_a_token_revoked_behind_the_cache_is_refused_on_the_next_request(world: World) -> None:
    _warm(world, "officer")
    with world.db.unit_of_work() as session:
        session.execute(update(ApiTokenRow).values(revoked_at=utcnow()))
    for path in (f"/api/v1/enterprises/{world.enterprise_a}", "/api/v1/enquiries/counts"):
        answer = world.client.get(path, headers=world.auth("officer"))
        assert answer.status_code == 401, (path, answer.text)


def test_a_write_by_a_user_deactivated_behind_the_cache_is_refused(world: World) -> None:
    _warm(world, "officer")
    with world.db.unit_of_work() as session:
        session.execute(
            update(UserRow).where(UserRow.id == world.user_ids["officer"]).values(active=False)
        )
    answer = world.client.post(
        "/api/v1/enquiries", json={"question": "Any grants?"}, headers=world.auth("officer")
    )
    assert answer.status_code == 401


def test_a_role_changed_behind_the_cache_is_refused_and_the_retry_uses_the_new_role(
    world: World,
) -> None:
    _warm(world, "officer")
    with world.db.unit_of_work() as session:
        session.execute(
            update(UserRow).where(UserRow.id == world.user_ids["officer"]).values(role="analyst")
        )
    body = {"question": "Any grants?"}
    first = world.client.post("/api/v1/enquiries", json=body, headers=world.auth("officer"))
    assert first.status_code == 409 and first.json()["code"] == "account_changed"
    retry = world.client.post("/api/v1/enquiries", json=body, headers=world.auth("officer"))
    assert retry.status_code == 403  # an analyst may not record enquiries


def test_every_api_endpoint_that_trusts_the_cache_has_a_unit_of_work() -> None:
    def calls(dependant: object) -> set[object]:
        found = {getattr(dependant, "call", None)}
        for sub in getattr(dependant, "dependencies", []):
            found |= calls(sub)
        return found

    cached = 0
    routes = [r for module in API for r in module.router.routes]
    for route in routes:
        if isinstance(route, APIRoute) and rechecked_actor in calls(route.dependant):
            cached += 1
            used = calls(route.dependant)
            assert unit_of_work in used or transaction in used, route.path
    assert cached > 20
