"""``POST /api/v1/schemes/{code}/decisions``: each scheme's own inputs, the CLI's input rules.

The API decides a case through the same ``reind.schemes.intake.decide_case``
as ``reind grant`` and the calculator, so a case is refused for the same
reasons in the same words (English or Chinese, by the request's language).
"""

from __future__ import annotations

from functools import cache
from typing import Any

import pytest
from fastapi.testclient import TestClient

from reind.bootstrap import build_platform
from reind.schemes.catalogue import all_schemes
from reind.settings import Settings
from reind.web.app import create_app

RFS = {"received": "2021-06-01", "total_cost": "54000000"}


@cache
def client() -> TestClient:
    return TestClient(create_app(build_platform(Settings())))


def decide(code: str, inputs: dict[str, Any], **extra: Any) -> Any:
    headers = extra.pop("headers", {})
    return client().post(
        f"/api/v1/schemes/{code}/decisions", json={"inputs": inputs, **extra}, headers=headers
    )


@pytest.mark.parametrize("code", [s.code for s in all_schemes()])
def test_openapi_gives_each_scheme_its_own_input_schema(code: str) -> None:
    spec = client().get("/api/v1/openapi.json").json()
    operation = spec["paths"][f"/api/v1/schemes/{code}/decisions"]["post"]
    ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    request = spec["components"]["schemas"][ref.rsplit("/", 1)[1]]
    inputs_ref = request["properties"]["inputs"]["$ref"]
    fields = spec["components"]["schemas"][inputs_ref.rsplit("/", 1)[1]]["properties"]
    scheme = next(s for s in all_schemes() if s.code == code)
    assert set(fields) == set(scheme.inputs.model_fields)


def test_a_scheme_route_refuses_an_input_the_scheme_does_not_take() -> None:
    response = decide("emf", {"received": "2024-01-01", "total_cost": "200000"})
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert "total_cost" in response.json()["detail"]


def test_a_received_date_after_today_is_refused_unless_as_of_is_given() -> None:
    future = {**RFS, "received": "9999-12-31"}
    refused = decide("rfs", future)
    assert refused.status_code == 422  # well-formed, refused by a rule (not the validation 400)
    assert "received 9999-12-31 is after today" in refused.json()["detail"]
    chinese = decide("rfs", future, headers={"Accept-Language": "zh-HK"})
    assert "在今天" in chinese.json()["detail"]
    planned = decide("rfs", future, as_of="2024-06-01")
    assert planned.status_code == 200, planned.text
    assert planned.json()["as_at"] == "2024-06-01"


def test_excluded_costs_above_the_total_are_refused_as_on_the_command_line() -> None:
    response = decide("rfs", {**RFS, "ineligible_costs": "60000000"})
    assert response.status_code == 400
    assert "ineligible_costs 60000000 exceed total_cost 54000000" in response.json()["detail"]


def test_the_generic_route_takes_a_label_and_decides_the_same_way() -> None:
    by_code = decide("rfs", RFS).json()
    by_label = decide("RFS", RFS).json()
    assert by_label == by_code
    assert by_code["amount"] == "15000000.00"


def test_a_decision_on_an_unverified_fact_is_provisional_in_the_api() -> None:
    body = decide("bud", {"received": "2024-01-01", "total_cost": "1000000"}).json()
    assert body["provisional"] is True
    assert "bud.cumulative_ceiling" in {u["parameter"] for u in body["unverified"]}


def test_the_trace_says_which_date_chose_a_value() -> None:
    case = {
        "received": "2025-07-10",
        "approved_on": "2025-08-15",
        "course_start": "2025-10-31",
        "course_registered_on": "2025-03-01",
        "course_fee": "30000",
        "trainees": [{"permanent_resident": True, "relevant_background": True}],
    }
    body = decide("rttp", case).json()
    chosen = {t["parameter"]: t.get("chosen_by") for t in body["trace"]}
    assert chosen["rttp.company_fy_cap"] == {"event": "approved", "date": "2025-08-15"}
    assert chosen["rttp.matching_share"] is None


def test_the_calculator_marks_a_provisional_result_in_both_languages() -> None:
    form = {"received": "2024-01-01", "total_cost": "1000000"}
    english = client().post("/schemes/bud/calculate?lang=en", data=form)
    assert english.status_code == 200, english.text
    assert "rests on unverified facts [C]" in english.text
    # The unverified fact is named by its description (the page puts rules in words).
    assert "Cumulative funding ceiling per enterprise" in english.text
    chinese = TestClient(client().app).post("/schemes/bud/calculate?lang=zh-Hant", data=form)
    assert "未經核實" in chinese.text and "暫定" in chinese.text
    assert "每家企業在所有市場及申請類別" in chinese.text


def test_the_calculator_refuses_a_future_received_date_as_the_api_does() -> None:
    page = client().post(
        "/schemes/rfs/calculate?lang=en", data={"received": "9999-12-31", "total_cost": "1000000"}
    )
    assert page.status_code == 400
    assert "is after today" in page.text and 'value="9999-12-31"' in page.text


def test_the_calculator_names_the_date_that_chose_a_value_in_both_languages() -> None:
    form = {
        "received": "2025-07-10", "approved_on": "2025-08-15", "course_start": "2025-10-31",
        "course_registered_on": "2025-03-01", "course_fee": "30000",
        "trainees": '[{"permanent_resident": true, "relevant_background": true}]',
    }  # fmt: skip
    english = client().post("/schemes/rttp/calculate?lang=en", data=form)
    assert english.status_code == 200, english.text
    assert "chosen by the approval date 2025-08-15" in english.text
    chinese = TestClient(client().app).post("/schemes/rttp/calculate?lang=zh-Hant", data=form)
    assert "依據批核日 2025-08-15" in chinese.text
