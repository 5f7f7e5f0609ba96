"""The list endpoints sort as asked, keep the order on their ``Link`` pages, and document it."""

from __future__ import annotations

import re

from reind.programme.desk.services import record_enquiry
from tests.programme.factories import OFFICER
from tests.web.world import World

LISTS = ("applications", "claims", "enquiries", "enterprises", "audit/events")


def test_a_sorted_list_keeps_its_order_on_every_page(any_world: World) -> None:
    with any_world.db.unit_of_work() as session:
        for i in range(3):
            record_enquiry(session, OFFICER, question=f"Sorted question {i}", channel="phone")
    url: str | None = "/api/v1/enquiries?sort=received&limit=2"
    seen: list[str] = []
    while url:
        answer = any_world.client.get(url, headers=any_world.auth("officer"))
        assert answer.status_code == 200, answer.text
        seen += [e["received_at"] for e in answer.json()["items"]]
        found = re.search(r"<([^>]+)>", answer.headers.get("Link", ""))
        url = found.group(1).replace("http://testserver", "") if found else None
        assert url is None or "sort=received" in url
    assert len(seen) == 3 and seen == sorted(seen)
    newest = any_world.client.get("/api/v1/enquiries", headers=any_world.auth("officer"))
    assert [e["received_at"] for e in newest.json()["items"]] == sorted(seen, reverse=True)
    for path, sort in (("enterprises", "-name"), ("audit/events", "seq"), ("claims", "-amount")):
        who = "auditor" if path.startswith("audit") else "officer"
        answer = any_world.client.get(f"/api/v1/{path}?sort={sort}", headers=any_world.auth(who))
        assert answer.status_code == 200, answer.text
        assert "total_capped" in answer.json()
    refused = any_world.client.get("/api/v1/claims?sort=cents", headers=any_world.auth("officer"))
    assert refused.status_code in (400, 422)


def test_each_list_documents_its_orderings(any_world: World) -> None:
    document = any_world.client.get("/api/v1/openapi.json").json()
    for path in LISTS:
        parameters = document["paths"][f"/api/v1/{path}"]["get"]["parameters"]
        sort = next(p for p in parameters if p["name"] == "sort")
        assert sort["schema"]["pattern"].startswith("^(") and "-" in sort["schema"]["pattern"]
        assert "reverses" in sort["description"]


def test_each_office_page_offers_its_orderings_in_both_languages(any_world: World) -> None:
    pages = (
        ("finance", "/finance/projects?sort=-approved", "批出資助額，由大至小"),
        ("finance", "/finance?sort=-amount", "申領金額，由大至小"),
        ("officer", "/workbench/claims?sort=-submitted", "提交日期，最新先"),
        ("officer", "/desk?sort=received", "最早先"),
        ("auditor", "/audit?sort=seq", "最早先"),
    )
    for who, url, chinese in pages:
        sort = url.split("sort=")[1]
        answer = any_world.client.get(url, headers=any_world.auth(who))
        assert answer.status_code == 200, (url, answer.text[:300])
        assert f'<option value="{sort}" selected>' in answer.text
        zh = {**any_world.auth(who), "Accept-Language": "zh-HK"}
        assert chinese in any_world.client.get(url, headers=zh).text
    bad = any_world.client.get("/desk?sort=sideways", headers=any_world.auth("officer"))
    assert bad.status_code == 400
