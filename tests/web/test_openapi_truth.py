"""The OpenAPI document tells the truth: problem statuses, security, no page routes."""

from __future__ import annotations

from typing import Any

from reind.web.openapi import statuses_of
from tests.web.world import World


def _document(world: World) -> dict[str, Any]:
    answer = world.client.get("/api/v1/openapi.json")
    assert answer.status_code == 200
    document: dict[str, Any] = answer.json()
    return document


def test_every_operation_documents_the_problem_statuses_it_answers_and_no_422_validation(
    world: World,
) -> None:
    document = _document(world)
    schemas = document["components"]["schemas"]
    wrong = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            expected = statuses_of(path, method, operation, schemas)
            problems = {s for s in responses if s[0] in "45"}
            if problems != expected:
                wrong.append(f"{method.upper()} {path}: {sorted(problems)} != {sorted(expected)}")
            for status in expected:
                if "application/problem+json" not in responses[status].get("content", {}):
                    wrong.append(f"{method.upper()} {path} {status}: not problem+json")
            if "HTTPValidationError" in str(responses):
                wrong.append(f"{method.upper()} {path}: FastAPI's 422 validation error")
    assert not wrong, "\n".join(wrong)
    assert len(document["paths"]) > 50


def test_an_operation_documents_only_what_it_can_answer(world: World) -> None:
    """No blanket list: a public read names no 401/403, a list no 404, a read no 409/413."""
    paths = _document(world)["paths"]
    schemes = set(paths["/api/v1/schemes"]["get"]["responses"])
    assert not schemes & {"401", "403", "404", "409", "413"}
    listing = set(paths["/api/v1/applications"]["get"]["responses"])
    assert {"400", "401", "403", "422"} <= listing and not listing & {"404", "409", "413"}
    change = set(paths["/api/v1/applications/{application_id}/transitions"]["post"]["responses"])
    assert {"400", "401", "403", "404", "409", "413", "422"} <= change
    assert {"401", "429"} <= set(paths["/api/v1/session"]["post"]["responses"])


def test_a_validation_error_is_sent_as_the_documented_400(world: World) -> None:
    answer = world.client.post(
        "/api/v1/enquiries", json={"question": 7}, headers=world.auth("officer")
    )
    assert answer.status_code == 400
    assert answer.headers["content-type"] == "application/problem+json"
    operation = _document(world)["paths"]["/api/v1/enquiries"]["post"]
    assert "400" in operation["responses"]


def test_page_routes_are_not_api_operations(world: World) -> None:
    paths = _document(world)["paths"]
    assert all(path.startswith("/api/") for path in paths), [
        p for p in paths if not p.startswith("/api/")
    ]


def test_the_security_is_documented_and_public_operations_say_so(world: World) -> None:
    document = _document(world)
    schemes = document["components"]["securitySchemes"]
    assert schemes["bearerToken"]["scheme"] == "bearer"
    assert schemes["sessionCookie"]["in"] == "cookie"
    paths = document["paths"]
    assert {"bearerToken": []} in paths["/api/v1/applications/{application_id}"]["get"]["security"]
    assert "security" not in paths["/api/v1/schemes"]["get"]
    assert "security" not in paths["/api/v1/session"]["post"]


def test_a_wrong_page_address_is_a_page_in_the_readers_language(world: World) -> None:
    english = world.client.get("/no/such/page", headers={"Accept": "text/html"})
    assert english.status_code == 404 and "text/html" in english.headers["content-type"]
    assert "There is no page at this address." in english.text
    chinese = world.client.get("/no/such/page?lang=zh-Hant")
    assert chinese.status_code == 404 and "此網址沒有任何頁面。" in chinese.text
    api = world.client.get("/api/v1/no-such-thing")
    assert api.status_code == 404 and api.headers["content-type"] == "application/problem+json"


def test_a_refusal_by_the_permission_table_names_no_internal_role(world: World) -> None:
    answer = world.client.get(
        f"/api/v1/enterprises/{world.enterprise_a}/contacts",
        headers=world.auth("plant_engineer") | {"Accept-Language": "zh-HK"},
    )
    assert answer.status_code == 403
    assert "plant_engineer" not in answer.text


def test_a_method_the_resource_does_not_take_is_405_with_its_allow_header(world: World) -> None:
    answer = world.client.request("TRACE", "/api/v1/schemes")
    assert answer.status_code == 405
    assert answer.headers["allow"] == "GET"
    assert answer.headers["content-type"] == "application/problem+json"


def test_an_unknown_scheme_is_404_not_a_rule_error(world: World) -> None:
    parameters = world.client.get("/api/v1/schemes/nope/parameters")
    decision = world.client.post("/api/v1/schemes/nope/decisions", json={"inputs": {}})
    assert parameters.status_code == decision.status_code == 404
    assert parameters.json()["code"] == "not_found"
