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


def test_tax_rd_2018_19_deducts_type_b_incurred_before_1_april_2018_at_100_percent() -> None:
    ran = run_reind(
        "tax", "rd", "--year", "2018/19", "--type-b", "1500000",
        "--incurred", "B:500000:2018-03-15", "--json",
    )  # fmt: skip
    assert ran.code == 0, ran.error
    assert ran.json()["amount"] == "5000000.00"
    chosen = [t["chosen_by"] for t in ran.json()["trace"] if "chosen_by" in t]
    assert {"event": "incurred", "date": "2018-03-15"} in chosen


def test_the_trace_shows_which_date_chose_each_value() -> None:
    ran = run_reind(
        "tax", "rd", "--year", "2018/19", "--type-b", "1500000",
        "--incurred", "B:500000:2018-03-15",
    )  # fmt: skip
    assert ran.code == 0, ran.error
    assert "incurred 2018-03-15" in ran.out
    chinese = run_reind(
        "tax", "rd", "--year", "2018/19", "--incurred", "B:500000:2018-03-15", "--lang", "zh-Hant"
    )
    assert "招致 2018-03-15" in chinese.out and "參數" in chinese.out


def test_a_malformed_incurred_part_is_one_line_naming_the_option() -> None:
    ran = run_reind("tax", "rd", "--year", "2018/19", "--incurred", "C:5:2018-03-15")
    assert ran.code == 2
    assert "--incurred takes KIND:AMOUNT:DATE" in ran.error
