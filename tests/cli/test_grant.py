"""``reind grant SCHEME``: every scheme, its own inputs, one clear line for bad input."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from tests.cli.conftest import run_reind

# One case per scheme, hand-derived from ../shared/reference/schemes-facts.md.
EVERY_SCHEME = [
    # RFS: Nissin Foods, ≈$54M total -> 1/3 is $18M, capped at $15M.
    ("rfs", ["--cost", "54000000", "--received", "2021-11-01"], "15000000.00"),
    # ESS: 1:1 up to $10M per project.
    ("ess", ["--cost", "4000000", "--received", "2022-01-01"], "2000000.00"),
    # NIAS: Jean-Marie Pharmacal, ≈$600M -> min(1/3, $200M).
    ("nias", ["--cost", "600000000", "--received", "2025-02-01"], "200000000.00"),
    # BUD before 14 Mar 2025: 50% of the cost, $1M per application.
    ("bud", ["--cost", "1000000", "--received", "2024-01-01"], "500000.00"),
    # EMF: min(50% of approved expenditure, $100k).
    (
        "emf",
        ["--received", "2024-01-01", "--set", "activity=exhibition_outside_hk",
         "--set", "approved_expenditure=200000"],
        "100000.00",
    ),
    # TVP from 1 Apr 2020: 3:1, i.e. 75%.
    ("tvp", ["--cost", "400000", "--received", "2021-01-01"], "300000.00"),
    # RTTP 2018-19: 2:1, two weeks' lead.
    (
        "rttp",
        ["--received", "2019-01-01", "--set", "course_start=2019-03-01",
         "--set", "course_fee=30000", "--set", "trainees=[{}]"],
        "20000.00",
    ),
    # TSSSU: up to $1.5M a year per start-up.
    (
        "tsssu",
        ["--set", "financial_year=2023-24", "--set", "university=hkust",
         "--set", "requested=1500000"],
        "1500000.00",
    ),
    # ITVF: 1:2 with the partner, capped at $30M a deal.
    ("itvf", ["--received", "2021-01-01", "--set", "cp_investment=60000000"], "30000000.00"),
    # ITVF enhanced: $1 for every $3 raised, $150M-$250M a fund.
    (
        "itvf-es",
        ["--received", "2024-12-20", "--set", "market_capital=600000000"],
        "200000000.00",
    ),
    # CRS: 40% cash rebate.
    ("crs", ["--received", "2022-01-01", "--set", "eligible_spending=1000000"], "400000.00"),
    # PSTS-ITF: up to 50% of the original project's actual cost.
    (
        "psts",
        ["--received", "2022-01-01", "--set", "trial_cost=1000000",
         "--set", "original_project_actual_cost=2000000"],
        "1000000.00",
    ),
    # RTH: a Master's talent at $21,000 a month for 12 months (2020-21 ceilings).
    (
        "rth",
        ["--received", "2022-01-01",
         "--set", 'talents=[{"degree": "master", "months": 12, "monthly_pay": 25000}]'],
        "252000.00",
    ),
    # R&D tax: 300% of the first $2M of Type B and 200% of the rest.
    (
        "rd_tax",
        ["--set", "year_of_assessment=2019/20", "--set", "type_b=5000000"],
        "12000000.00",
    ),
]  # fmt: skip


@pytest.mark.parametrize(
    ("scheme", "args", "amount"), EVERY_SCHEME, ids=[c[0] for c in EVERY_SCHEME]
)
def test_every_scheme_computes_from_the_command_line(
    scheme: str, args: list[str], amount: str
) -> None:
    ran = run_reind("grant", scheme, *args, "--json")
    assert ran.code == 0, ran.error
    assert ran.json()["amount"] == amount


def test_the_cases_cover_every_scheme_in_the_catalogue() -> None:
    from reind.schemes.catalogue import default_engine

    engine = default_engine()
    covered = {engine.scheme(name).code for name, _, _ in EVERY_SCHEME}
    assert covered == {s.code for s in engine.schemes}


def test_cost_on_a_scheme_without_total_cost_names_the_scheme_inputs() -> None:
    ran = run_reind(
        "grant", "emf", "--cost", "200000", "--received", "2024-01-01",
        "--set", "activity=exhibition_outside_hk", "--set", "approved_expenditure=200000",
    )  # fmt: skip
    assert ran.code == 2
    assert "EMF takes no --cost" in ran.error and "approved_expenditure" in ran.error


def test_grant_help_for_a_scheme_lists_each_input_with_its_description() -> None:
    ran = run_reind("grant", "emf", "--help")
    assert ran.code == 0
    assert "approved_expenditure" in ran.out and "Approved expenditure, HK$." in ran.out
    assert "--input" in ran.out


def test_schemes_show_lists_the_inputs() -> None:
    ran = run_reind("schemes", "show", "emf", "--as-of", "2024-01-01")
    assert ran.code == 0
    assert "approved_expenditure" in ran.out


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["--cost", "100000", "--received", "2021-01-01", "--set", "total_cost=90000000"],
         ("--set total_cost", "--cost")),
        (["--cost", "100000", "--received", "2021-01-01", "--set", "received=2024-01-08"],
         ("--set received", "--received")),
    ],
)  # fmt: skip
def test_set_cannot_override_a_named_option(args: list[str], named: tuple[str, str]) -> None:
    ran = run_reind("grant", "rfs", *args)
    assert ran.code == 2
    assert all(name in ran.error for name in named)


@pytest.mark.parametrize("suffix", [".json", ".yaml"])
def test_input_file_gives_a_whole_case(tmp_path: Path, suffix: str) -> None:
    case = {
        "received": "2024-01-01",
        "activity": "exhibition_outside_hk",
        "approved_expenditure": 200000,
    }
    path = tmp_path / f"case{suffix}"
    path.write_text(json.dumps(case) if suffix == ".json" else
                    "\n".join(f"{k}: {v}" for k, v in case.items()))  # fmt: skip
    ran = run_reind("grant", "emf", "--input", str(path), "--json")
    assert ran.code == 0, ran.error
    assert Decimal(ran.json()["amount"]) == Decimal(100000)


def test_unknown_set_name_lists_the_scheme_inputs() -> None:
    ran = run_reind("grant", "rfs", "--cost", "1000", "--received", "2021-01-01", "--set", "nope=1")
    assert ran.code == 2
    assert "'nope'" in ran.error and "total_cost" in ran.error
