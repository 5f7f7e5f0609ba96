"""Every timestamp the API sends carries its timezone, on SQLite as on PostgreSQL."""

from __future__ import annotations

from datetime import datetime

from tests.web.world import World


def test_timestamps_are_sent_with_a_timezone(any_world: World) -> None:
    world = any_world
    admin = world.auth("administrator")
    uid = world.user_ids["finance"]
    tokens = world.client.get(f"/api/v1/users/{uid}/tokens", headers=admin)
    assert tokens.status_code == 200, tokens.text
    enquiry = world.client.post(
        "/api/v1/enquiries", json={"question": "Any scheme?"}, headers=world.auth("officer")
    )
    assert enquiry.status_code == 201, enquiry.text
    stamps = [tokens.json()[0]["created_at"], enquiry.json()["received_at"]]
    for stamp in stamps:
        assert datetime.fromisoformat(stamp).tzinfo is not None, stamp
