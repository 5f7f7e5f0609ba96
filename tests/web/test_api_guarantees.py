"""Idempotent retries, optimistic locking, problem details and the published OpenAPI.

The tests taking ``any_world`` run on SQLite and on a real PostgreSQL.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from reind.core.money import HKD
from reind.programme.applications.store import ApplicationRow
from reind.programme.enterprises.store import EnterpriseRow
from reind.programme.money.store import ClaimRow
from tests.programme.factories import funded_rfs_project, rfs_application
from tests.web.world import World

DRAFT: dict[str, Any] = {
    "scheme": "rfs",
    "title": "Smart liquid-egg line",
    "amount_requested": "1000000",
    "cost_lines": [
        {"category": "machinery_equipment", "description": "Pasteuriser", "amount": "3000000"}
    ],
    "facts": {"new_line_in_hong_kong": True, "smart_manufacturing": True},
}


def _count(world: World, model: type[ApplicationRow] | type[ClaimRow]) -> int:
    with world.db.unit_of_work() as session:
        return int(session.execute(select(func.count()).select_from(model)).scalar_one())


def test_a_retried_draft_with_the_same_idempotency_key_returns_the_same_record(
    any_world: World,
) -> None:
    world = any_world
    body = {**DRAFT, "enterprise_id": world.enterprise_a}
    headers = {**world.auth("applicant"), "Idempotency-Key": "draft-0001-retry"}
    first = world.client.post("/api/v1/applications", json=body, headers=headers)
    again = world.client.post("/api/v1/applications", json=body, headers=headers)
    assert first.status_code == again.status_code == 201, first.text
    assert first.json()["id"] == again.json()["id"]
    assert _count(world, ApplicationRow) == 1
    different = world.client.post(
        "/api/v1/applications", json={**body, "title": "Another line"}, headers=headers
    )
    assert different.status_code == 409
    assert _count(world, ApplicationRow) == 1


def test_a_retried_claim_with_the_same_idempotency_key_is_one_claim(any_world: World) -> None:
    world = any_world
    with world.db.unit_of_work() as session:
        company = session.get_one(EnterpriseRow, world.enterprise_a)
        app = funded_rfs_project(session, company, grant=HKD("100000"), completed=True)
    headers = {**world.auth("applicant"), "Idempotency-Key": "claim-2024-09-0001"}
    body = {"amount": "2500.50"}
    answers = [
        world.client.post(f"/api/v1/applications/{app.id}/claims", json=body, headers=headers)
        for _ in range(3)
    ]
    assert {a.status_code for a in answers} == {201}
    assert len({a.json()["id"] for a in answers}) == 1
    assert _count(world, ClaimRow) == 1
    ledger = world.client.get(f"/api/v1/applications/{app.id}/ledger", headers=headers).json()
    assert ledger["claimed"] == "2500.50"


def test_a_stale_version_is_refused_with_409_and_nothing_changes(any_world: World) -> None:
    world = any_world
    with world.db.unit_of_work() as session:
        app = rfs_application(session, session.get_one(EnterpriseRow, world.enterprise_a))
    path = f"/api/v1/applications/{app.id}"
    read = world.client.get(path, headers=world.auth("applicant"))
    etag = read.headers["ETag"]
    submit = {"action": "submit"}
    moved = world.client.post(
        f"{path}/transitions", json=submit, headers={**world.auth("officer"), "If-Match": etag}
    )
    assert moved.status_code == 200 and moved.headers["ETag"] != etag
    stale = world.client.post(
        f"{path}/transitions",
        json={"action": "withdraw"},
        headers={**world.auth("applicant"), "If-Match": etag},
    )
    assert stale.status_code == 409
    assert stale.json()["code"] == "stale_version"
    assert world.client.get(path, headers=world.auth("officer")).json()["state"] == "submitted"
    by_body = world.client.post(
        f"{path}/transitions",
        json={"action": "withdraw", "version": read.json()["version"]},
        headers=world.auth("applicant"),
    )
    assert by_body.status_code == 409


def test_errors_are_rfc9457_problem_details(world: World) -> None:
    answer = world.client.post(
        "/api/v1/applications",
        json={**DRAFT, "enterprise_id": world.enterprise_b},
        headers=world.auth("applicant"),
    )
    assert answer.status_code == 403
    assert answer.headers["content-type"] == "application/problem+json"
    problem = answer.json()
    assert {"type", "title", "status", "detail", "instance"} <= set(problem)
    assert problem["status"] == 403 and problem["instance"] == "/api/v1/applications"
    invalid = world.client.post(
        "/api/v1/applications",
        json={**DRAFT, "enterprise_id": world.enterprise_a, "amount_requested": 1.1},
        headers=world.auth("applicant"),
    )
    assert invalid.status_code == 400 and invalid.json()["code"] == "invalid_input"
    assert any(e["field"] == "amount_requested" for e in invalid.json()["errors"])


def test_an_ineligible_cost_category_is_refused_with_the_rules_reason(world: World) -> None:
    body = {
        **DRAFT,
        "enterprise_id": world.enterprise_a,
        "cost_lines": [{"category": "land", "description": "A site", "amount": "100"}],
    }
    answer = world.client.post("/api/v1/applications", json=body, headers=world.auth("officer"))
    assert answer.status_code == 400
    assert "Land" in answer.json()["detail"]  # the category in words, not its code


def test_documents_of_the_wrong_type_or_too_large_are_refused(world: World) -> None:
    with world.db.unit_of_work() as session:
        app = rfs_application(session, session.get_one(EnterpriseRow, world.enterprise_a))
    path = f"/api/v1/applications/{app.id}/documents"
    script = {"file": ("run.exe", b"MZ...", "application/x-msdownload")}
    assert world.client.post(path, files=script, headers=world.auth("officer")).status_code == 400
    huge = {"file": ("big.pdf", b"0" * (21 * 1024 * 1024 + 1), "application/pdf")}
    answer = world.client.post(path, files=huge, headers=world.auth("officer"))
    assert answer.status_code == 413 and answer.json()["code"] == "body_too_large"


def test_screening_returns_the_decision_with_its_trace(world: World) -> None:
    with world.db.unit_of_work() as session:
        app = rfs_application(
            session, session.get_one(EnterpriseRow, world.enterprise_a), state="screening"
        )
    path = f"/api/v1/applications/{app.id}/screening"
    screened = world.client.post(path, headers=world.auth("officer")).json()
    again = world.client.get(path, headers=world.auth("applicant")).json()
    assert screened["amount"] == again["amount"] == "15000000.00"
    assert again["trace"] and again["rules_version"] and again["decision_id"]


def test_the_openapi_document_is_published_with_every_api_router(world: World) -> None:
    document = world.client.get("/api/v1/openapi.json").json()
    paths = document["paths"]
    for path in (
        "/api/v1/session",
        "/api/v1/applications",
        "/api/v1/applications/{application_id}/claims",
        "/api/v1/meetings/{meeting_id}/agenda",
        "/api/v1/claims/{claim_id}/finance-approval",
        "/api/v1/enquiries/{enquiry_id}/answer",
        "/api/v1/itvf/deals",
        "/api/v1/audit/verification",
    ):
        assert path in paths, path
    schemas = document["components"]["schemas"]
    assert {"ApplicationCreate", "ApplicationPublic", "ClaimCreate", "ClaimPublic"} <= set(schemas)
    assert world.client.get("/api/v1/docs").status_code == 200


def test_the_audit_chain_checks_out_after_api_writes(any_world: World) -> None:
    world = any_world
    world.client.post(
        "/api/v1/applications",
        json={**DRAFT, "enterprise_id": world.enterprise_a},
        headers=world.auth("applicant"),
    )
    report = world.client.get("/api/v1/audit/verification", headers=world.auth("auditor")).json()
    assert report["ok"] is True and report["checked"] > 20
