"""``reind tax rd``: the deduction of the regime that governs the year of assessment."""

from __future__ import annotations

from tests.cli.conftest import run_reind


def test_tax_rd_2017_18_computes_the_100_percent_deduction_before_the_enhanced_regime() -> None:
    ran = run_reind("tax", "rd", "--year", "2017/18", "--type-b", "5000000", "--json")
    assert ran.code == 0, ran.error
    assert ran.json()["amount"] == "5000000.00"


def test_tax_rd_2019_20_computes_the_two_tier_deduction() -> None:
    ran = run_reind("tax", "rd", "--year", "2019/20", "--type-b", "5000000", "--json")
    assert ran.code == 0, ran.error
    assert ran.json()["amount"] == "12000000.00"
    assert ran.json()["provisional"] is False
