"""Scheme pages and API: bilingual, problem details, forms that keep input."""

import re

from fastapi.testclient import TestClient

from reind.bootstrap import build_platform, rules_engine
from reind.settings import Settings
from reind.web.app import create_app
from reind.web.i18n import translations
from reind.web.views.words import value_words


def client() -> TestClient:
    return TestClient(create_app(build_platform(Settings())))


def test_catalogue_page_switches_language_and_remembers_it() -> None:
    web = client()
    assert "Funding schemes" in web.get("/schemes").text
    chinese = web.get("/schemes?lang=zh-Hant")
    assert "資助計劃" in chinese.text and 'lang="zh-Hant-HK"' in chinese.text
    assert "再工業化資助計劃" in web.get("/schemes").text  # the cookie keeps the choice


def test_scheme_page_shows_parameters_in_force_with_sources() -> None:
    page = client().get("/schemes/rfs?as_of=2021-08-31").text
    assert "HK$15,000,000.00" in page and "news.gov.hk" in page
    assert "not in force on this date" in page  # 3-project limit only from 2024


def test_calculator_explains_the_amount() -> None:
    form = {
        "received": "2021-06-01",
        "total_cost": "54,000,000",
        "incorporated_under": "cap622",
        "new_line_in_hong_kong": "yes",
        "smart_manufacturing": "yes",
    }
    page = client().post("/schemes/rfs/calculate", data=form)
    assert page.status_code == 200
    assert "HK$15,000,000.00" in page.text and "Why this amount" in page.text
    assert "Most the Government funds for one project." in page.text  # the rule in words


def test_calculator_keeps_what_was_typed_when_input_is_bad() -> None:
    page = client().post(
        "/schemes/rfs/calculate", data={"received": "2021-06-01", "total_cost": "-4"}
    )
    assert page.status_code == 400
    assert 'value="-4"' in page.text and 'value="2021-06-01"' in page.text
    assert "total_cost" in page.text


def test_api_decides_a_case_with_its_trace() -> None:
    body = {"inputs": {"received": "2021-06-01", "total_cost": "54000000"}}
    response = client().post("/api/v1/schemes/rfs/decisions", json=body)
    assert response.status_code == 200
    decision = response.json()
    assert decision["amount"] == "15000000.00" and decision["outcome"] == "tentative"
    assert decision["rules_version"]


def test_api_errors_are_problem_details() -> None:
    response = client().post("/api/v1/schemes/rfs/decisions", json={"inputs": {"total_cost": "1"}})
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert "received" in response.json()["detail"]
    missing = client().post("/api/v1/schemes/rfs/decisions", json={})
    assert missing.status_code == 400 and missing.json()["errors"][0]["field"] == "inputs"


def test_openapi_is_published() -> None:
    spec = client().get("/api/v1/openapi.json").json()
    assert "/api/v1/schemes/{code}/decisions" in spec["paths"]


def test_the_public_rfs_page_cites_only_official_sources() -> None:
    web = client()
    page = web.get("/schemes/rfs").text
    for unofficial in ("unsourced recollection", "third-party code repo", "bastillepost"):
        assert unofficial not in page
    assert "to be confirmed" in page and "news.gov.hk" in page
    chinese = web.get("/schemes/rfs?lang=zh-Hant").text
    assert "有待確認" in chinese and "to be confirmed" not in chinese


def test_the_calculator_names_each_rule_in_words() -> None:
    form = {
        "received": "2021-06-01",
        "total_cost": "3,000,000",
        "incorporated_under": "cap622",
        "new_line_in_hong_kong": "yes",
        "smart_manufacturing": "yes",
    }
    page = client().post("/schemes/rfs/calculate", data=form).text
    assert "rfs.matching_share" not in page
    # the values too (the calculator's screenshot showed "cap622" and "yes")
    assert "<td>cap622</td>" not in page and "Companies Ordinance (Cap. 622)</td>" in page
    assert "<td>yes</td>" not in page


def test_every_code_a_rule_value_holds_is_in_words_in_both_languages() -> None:
    """A scheme page reads "Business missions" / "商貿考察團", never ``business_mission``."""
    gettext = translations("zh-Hant").gettext
    unnamed = {
        f"{parameter.key}: {code}"
        for parameter in rules_engine().parameters
        for dated in parameter.values
        if isinstance(dated.value, (list, tuple))
        for code in dated.value
        if re.fullmatch(r"[a-z0-9_]+", value_words(code, gettext))
    }
    assert not unnamed, sorted(unnamed)


def test_scheme_page_in_chinese_names_the_codes_of_its_values() -> None:
    page = client().get("/schemes/emf?as_of=2026-12-06&lang=zh-Hant").text
    assert "商貿考察團" in page and "香港以外地區的展覽會" in page
    assert "business_mission" not in page and "exhibition_outside_hk" not in page
