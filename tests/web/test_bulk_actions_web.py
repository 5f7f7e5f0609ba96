"""Bulk actions on the queue page and ``POST /api/v1/applications/bulk``: each refusal named.

The page (demo, SQLite) names the refused case and why in the reader's
language; the API (SQLite and PostgreSQL) withdraws lapsed drafts in one
call, all or none unless asked for each alone.
"""

from __future__ import annotations

from reind.programme.enterprises.store import EnterpriseRow
from tests.programme.factories import rfs_application
from tests.programme.test_bulk_actions import _screening
from tests.web.test_pages_world import Demo, demo, demo_template, text_of
from tests.web.world import World

__all__ = ["demo", "demo_template"]  # fixtures


def test_a_bulk_pass_with_an_unscreened_case_names_it_and_keeps_nothing(demo: Demo) -> None:
    with demo.db.unit_of_work() as session:
        ids = _screening(session, screened=1, unscreened=1)
    web = demo.browser("officer")
    queue = web.page("/workbench?state=screening")
    assert 'action="/workbench/bulk"' in queue.text and "Pass screening" in queue.text
    pairs = [
        ("state", "screening"),
        ("step", "pass_screening"),
        *(("application_id", i) for i in ids),
    ]
    refused = web.submit_many("/workbench/bulk?lang=zh-Hant", pairs)
    assert refused.status_code == 400
    text = text_of(refused)
    assert "未有處理任何個案" in text and "被拒" in text and "Nothing was done" not in text
    each = web.submit_many("/workbench/bulk?lang=en", [*pairs, ("each", "on")])
    assert each.status_code == 200
    assert "1 case(s) done; 1 refused" in text_of(
        each
    ) and "screen the application first" in text_of(each)


def test_lapsed_drafts_are_withdrawn_in_one_api_call(any_world: World) -> None:
    world = any_world
    with world.db.unit_of_work() as session:
        company = session.get_one(EnterpriseRow, world.enterprise_a)
        drafts = [rfs_application(session, company).id for _ in range(2)]
    path, officer = "/api/v1/applications/bulk", world.auth("officer")
    body = {"application_ids": [*drafts, "no-such-case"], "step": "withdraw", "note": "Lapsed"}
    refused = world.client.post(path, json=body, headers=officer)
    assert refused.status_code == 200, refused.text
    answer = refused.json()
    assert answer["kept"] is False and answer["done"] == 0
    assert [r["status"] for r in answer["results"]] == [None, None, 404]
    body["application_ids"] = drafts
    done = world.client.post(path, json=body, headers=officer).json()
    assert done["kept"] is True and done["done"] == 2
    for app_id in drafts:
        state = world.client.get(f"/api/v1/applications/{app_id}", headers=officer).json()["state"]
        assert state == "withdrawn"
    assert world.client.post(path, json=body, headers=world.auth("finance")).status_code == 403
