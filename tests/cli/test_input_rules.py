"""Input the command line refuses: one clear line naming the option, exit 2, both languages."""

from __future__ import annotations

import pytest

from tests.cli.conftest import run_reind


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("grant", "rfs", "--cost", "100000", "--received", "9999-12-31"),
         "--received 9999-12-31 is after today"),
        (("grant", "rfs", "--cost", "0", "--received", "2021-01-01"),
         "--cost must be more than HK$0"),
        (("grant", "rfs", "--cost", "-0", "--received", "2021-01-01"),
         "--cost must be more than HK$0"),
        (("grant", "rfs", "--cost", "-5", "--received", "2021-01-01"),
         "--cost must not be negative"),
        (("grant", "rfs", "--cost", "abc", "--received", "2021-01-01"),
         "--cost must be an amount"),
        (("tax", "rd", "--year", "2019/20", "--type-b", "-5"), "--type-b must not be negative"),
        (("tax", "rd", "--year", "2019/20"), "no R&D expenditure given"),
        (("tax", "rd", "--year", "9999/00", "--type-b", "5"), "--year 9999/00 has not begun"),
        (("tax", "rd", "--year", "0999/00", "--type-b", "5"), "--year 0999/00"),
        (("grant", "rfs", "--cost", "100000", "--received", "2021-01-01",
          "--set", "ineligible_costs=200000"), "ineligible_costs"),
        (("grant", "rfs", "--cost", "100000", "--received", "2021-01-01",
          "--set", "prior_approvals=[{"), "malformed JSON"),
    ],
)  # fmt: skip
def test_bad_input_is_one_clear_line_naming_the_option(args: tuple[str, ...], message: str) -> None:
    ran = run_reind(*args)
    assert ran.code == 2, ran.out
    assert message in ran.error
    assert len(ran.error.strip().splitlines()) == 1


def test_ineligible_costs_above_the_total_are_refused() -> None:
    ran = run_reind(
        "grant", "rfs", "--cost", "100000", "--received", "2021-01-01",
        "--set", "ineligible_costs=200000",
    )  # fmt: skip
    assert ran.code == 2
    assert "exceed" in ran.error and "total_cost" in ran.error


def test_a_future_received_date_is_allowed_for_planning_with_as_of() -> None:
    ran = run_reind(
        "grant", "rfs", "--cost", "100000", "--received", "9999-12-31",
        "--as-of", "2024-06-01", "--json",
    )  # fmt: skip
    assert ran.code == 0, ran.error
    assert ran.json()["as_at"] == "2024-06-01"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("grant", "rfs", "--cost", "0", "--received", "2021-01-01"), "--cost 須大於港幣 0 元"),
        (("grant", "rfs", "--cost", "100000", "--received", "9999-12-31"), "在今天"),
        (("tax", "rd", "--year", "2019/20", "--type-b", "-5"), "--type-b 不可為負數"),
        (("tax", "rd", "--year", "2019/20"), "未有提供研發開支"),
    ],
)
def test_bad_input_is_refused_in_chinese_too(args: tuple[str, ...], message: str) -> None:
    ran = run_reind(*args, "--lang", "zh-Hant")
    assert ran.code == 2
    assert message in ran.error


def test_an_earlier_approval_after_the_governing_date_is_left_out_with_a_reason() -> None:
    ran = run_reind(
        "grant", "rfs", "--cost", "45000000", "--received", "2024-02-01",
        "--set", 'prior_approvals=[{"amount": 15000000, "approved_on": "2023-06-01"}, '
                 '{"amount": 15000000, "approved_on": "2023-07-01"}, '
                 '{"amount": 15000000, "approved_on": "2099-01-01"}]',
        "--json",
    )  # fmt: skip
    assert ran.code == 0, ran.error
    body = ran.json()
    assert body["amount"] == "15000000.00"
    assert any("2099-01-01" in r["en"] for r in body["reasons"])
