"""YAML rules tests: the packaged cases pass, a wrong one is reported, every scheme has some.

The first case of each scheme's file is also decided through ``reind grant
--input`` and through the API, so every scheme is computed from both.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from reind.bootstrap import build_platform
from reind.core.clock import hk_today
from reind.rules.casefile import Case, case_files, load_cases, run_files
from reind.rules.decision import Decision
from reind.schemes.catalogue import CASES, all_schemes, default_engine
from reind.schemes.intake import decide_case
from reind.settings import Settings
from reind.web.app import create_app
from tests.cli.conftest import run_reind

FIRST_CASES = [load_cases(path)[0] for path in case_files(CASES)]


def decide(scheme: str, inputs: Mapping[str, Any], as_of: date | None) -> Decision:
    return decide_case(default_engine(), scheme, inputs, today=hk_today(), as_of=as_of)


def test_every_packaged_case_gives_what_its_file_expects() -> None:
    results = run_files(case_files(CASES), decide)
    assert len(results) >= len(all_schemes())
    assert [(r.case.where, r.problems) for r in results if not r.passed] == []


def test_every_scheme_has_a_file_of_cases() -> None:
    assert {p.stem for p in case_files(CASES)} == {s.code for s in all_schemes()}


def test_reind_rules_test_runs_the_packaged_files() -> None:
    ran = run_reind("rules", "test")
    assert ran.code == 0, ran.error
    assert " 0 failed" in ran.out


def test_a_wrong_expectation_fails_and_says_what_differs(tmp_path: Path) -> None:
    (tmp_path / "rfs.yaml").write_text(
        "- name: wrong on purpose\n"
        "  inputs: {received: 2021-06-01, total_cost: 54000000}\n"
        "  expect: {outcome: eligible, amount: 14000000}\n",
        encoding="utf-8",
    )
    ran = run_reind("rules", "test", str(tmp_path))
    assert ran.code == 1
    assert "rfs.yaml #1 (wrong on purpose)" in ran.error
    assert "expected 14,000,000.00, got 15,000,000.00" in ran.error
    assert "expected eligible, got tentative" in ran.error


def test_a_malformed_case_file_is_named(tmp_path: Path) -> None:
    (tmp_path / "rfs.yaml").write_text("- name: x\n  inputs: [1\n", encoding="utf-8")
    ran = run_reind("rules", "test", str(tmp_path / "rfs.yaml"))
    assert ran.code == 2
    assert "rfs.yaml: malformed YAML" in ran.error
    (tmp_path / "rfs.yaml").write_text("- name: x\n  inputs: {}\n  expect: {amount: 1}\n")
    assert "expect needs outcome and amount" in run_reind("rules", "test", str(tmp_path)).error


@pytest.mark.parametrize(
    "case", [c for c in FIRST_CASES if "error" not in c.expect], ids=lambda c: c.scheme
)
def test_every_scheme_is_computed_from_the_command_line(case: Case, tmp_path: Path) -> None:
    path = tmp_path / "case.json"
    path.write_text(json.dumps(case.inputs), encoding="utf-8")
    ran = run_reind("grant", case.scheme, "--input", str(path), "--json")
    assert ran.code == 0, ran.error
    body = ran.json()
    assert (body["outcome"], body["amount"]) == (
        case.expect["outcome"],
        f"{Decimal(str(case.expect['amount'])):.2f}",
    )


@cache
def client() -> TestClient:
    return TestClient(create_app(build_platform(Settings())))


@pytest.mark.parametrize(
    "case", [c for c in FIRST_CASES if "error" not in c.expect], ids=lambda c: c.scheme
)
def test_every_scheme_is_computed_from_the_api(case: Case) -> None:
    response = client().post(
        f"/api/v1/schemes/{case.scheme}/decisions", json={"inputs": case.inputs}
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["outcome"], body["amount"]) == (
        case.expect["outcome"],
        f"{Decimal(str(case.expect['amount'])):.2f}",
    )
