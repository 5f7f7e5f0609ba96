"""The API's lists (issue 16): cursor pages with Link headers, filters, search, who sees what."""

from __future__ import annotations

import re

from reind.programme.actors import SYSTEM, Actor, Role
from reind.programme.audit.chain import record
from reind.programme.desk.services import record_enquiry
from reind.programme.enterprises.store import EnterpriseRow
from tests.programme.factories import OFFICER, rfs_application
from tests.web.world import World

LINK = re.compile(r'<([^>]+)>; rel="next"')


def _follow(world: World, who: str, url: str) -> tuple[list[dict[str, object]], int]:
    items: list[dict[str, object]] = []
    pages = 0
    while url:
        answer = world.client.get(url, headers=world.auth(who))
        assert answer.status_code == 200, answer.text
        body = answer.json()
        items += body["items"]
        pages += 1
        found = LINK.search(answer.headers.get("Link", ""))
        assert (found is None) == (body["next_cursor"] is None)
        url = found.group(1) if found else ""
    return items, pages


def test_applications_come_in_pages_linked_by_cursor(world: World) -> None:
    with world.db.unit_of_work() as session:
        a = session.get_one(EnterpriseRow, world.enterprise_a)
        b = session.get_one(EnterpriseRow, world.enterprise_b)
        for _ in range(5):
            rfs_application(session, a)
        for _ in range(3):
            rfs_application(session, b, state="submitted")
    items, pages = _follow(world, "officer", "/api/v1/applications?limit=3")
    assert len(items) == 8 and len({i["id"] for i in items}) == 8 and pages == 3
    assert [i["reference"] for i in items] == sorted(str(i["reference"]) for i in items)
    submitted, _ = _follow(world, "officer", "/api/v1/applications?state=submitted&limit=2")
    assert {i["enterprise_id"] for i in submitted} == {world.enterprise_b}
    own, _ = _follow(world, "applicant", "/api/v1/applications")
    assert len(own) == 5 and {i["enterprise_id"] for i in own} == {world.enterprise_a}
    searched = world.client.get(
        "/api/v1/applications?q=silver+noodle", headers=world.auth("officer")
    ).json()
    assert searched["total"] == 3


def test_bad_paging_input_is_a_400_problem(world: World) -> None:
    headers = world.auth("officer")
    bad = world.client.get("/api/v1/applications?cursor=%21%21", headers=headers)
    assert bad.status_code == 400 and "cursor" in bad.json()["detail"]
    assert world.client.get("/api/v1/applications?limit=500", headers=headers).status_code == 400
    assert world.client.get("/api/v1/applications?sort=title", headers=headers).status_code == 400


def test_enquiries_enterprises_claims_and_the_audit_log_are_listed(world: World) -> None:
    with world.db.unit_of_work() as session:
        for i in range(4):
            record_enquiry(session, OFFICER, question=f"Smart line {i}?", channel="web")
    enquiries, pages = _follow(world, "officer", "/api/v1/enquiries?limit=3")
    assert len(enquiries) == 4 and pages == 2
    register, _ = _follow(world, "officer", "/api/v1/enterprises?q=golden+egg")
    assert [e["id"] for e in register] == [world.enterprise_a]
    claims = world.client.get("/api/v1/claims?state=submitted", headers=world.auth("finance"))
    assert claims.status_code == 200 and claims.json()["total"] == 0
    events, _ = _follow(world, "auditor", "/api/v1/audit/events?kind=enquiry.recorded&limit=2")
    assert len(events) == 4
    assert (
        world.client.get("/api/v1/audit/events", headers=world.auth("officer")).status_code == 403
    )
    assert world.client.get("/api/v1/enquiries", headers=world.auth("applicant")).status_code == 403
    assert world.client.get("/api/v1/claims", headers=world.auth("applicant")).status_code == 403


def test_the_audit_log_is_searched_by_a_cases_reference_and_an_unknown_one_is_named(
    shared_world: World,
) -> None:
    world = shared_world  # on SQLite and PostgreSQL
    with world.db.unit_of_work() as session:
        app = rfs_application(session, session.get_one(EnterpriseRow, world.enterprise_a))
        record(session, OFFICER, "application.created", "application", app.id, {})
        reference, app_id = app.reference, app.id
    by_reference, _ = _follow(world, "auditor", f"/api/v1/audit/events?subject_id={reference}")
    by_id, _ = _follow(world, "auditor", f"/api/v1/audit/events?subject_id={app_id}")
    assert {e["subject_id"] for e in by_reference} == {app_id} and by_id == by_reference
    unknown = world.client.get(
        "/api/v1/audit/events?subject_id=BUD-1905-99999", headers=world.auth("auditor")
    )
    assert unknown.status_code == 404
    assert unknown.json()["detail"] == "No record with reference BUD-1905-99999"
    assert unknown.json()["detail_zh_hant"] == "沒有參考編號為 BUD-1905-99999 的記錄"


def test_the_audit_log_is_searched_by_a_persons_e_mail_or_name_and_nobody_is_named(
    shared_world: World,
) -> None:
    world = shared_world  # on SQLite and PostgreSQL
    finance = Actor(world.user_ids["finance"], Role.FINANCE)
    with world.db.unit_of_work() as session:
        record(session, finance, "enquiry.recorded", "enquiry", "enquiry-by-finance", {})
    url = "/api/v1/audit/events?actor="
    by_email, _ = _follow(world, "auditor", url + world.email("finance").upper())
    by_name, _ = _follow(world, "auditor", url + "Finance")
    by_id, _ = _follow(world, "auditor", url + world.user_ids["finance"])
    assert by_email and {e["actor"] for e in by_email} == {world.user_ids["finance"]}
    assert by_name == by_email == by_id
    system, _ = _follow(world, "auditor", url + "System")  # the log's word for its own work
    assert system and {e["actor"] for e in system} == {SYSTEM.id}
    nobody = world.client.get(url + "nobody@example.org", headers=world.auth("auditor"))
    assert nobody.status_code == 404
    assert nobody.json()["detail"] == "No one named nobody@example.org"
    assert nobody.json()["detail_zh_hant"] == "沒有名為 nobody@example.org 的使用者"


def test_the_lists_and_their_filters_are_in_the_openapi_document(world: World) -> None:
    paths = world.client.get("/api/v1/openapi.json").json()["paths"]
    for path in ("applications", "claims", "enquiries", "enterprises", "audit/events"):
        assert "get" in paths[f"/api/v1/{path}"]
    names = {p["name"] for p in paths["/api/v1/applications"]["get"]["parameters"]}
    assert {"state", "scheme", "industry", "q", "cursor", "limit", "sort"} <= names
