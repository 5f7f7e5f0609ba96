"""The HK financial year and year of assessment run 1 April to 31 March."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reind.core.errors import InvalidInputError
from reind.core.periods import FinancialYear, YearOfAssessment, parse_date


def test_financial_year_runs_april_to_march() -> None:
    fy = FinancialYear.containing(date(2021, 8, 31))
    assert str(fy) == "2021-22"
    assert fy.start == date(2021, 4, 1) and fy.end == date(2022, 3, 31)
    assert FinancialYear.containing(date(2022, 3, 31)) == fy
    assert FinancialYear.containing(date(2022, 4, 1)) == FinancialYear(2022)


def test_year_of_assessment_labels_and_parses() -> None:
    assert str(YearOfAssessment.parse("2019/20")) == "2019/20"
    assert YearOfAssessment.parse("2019-2020") == YearOfAssessment(2019)
    assert YearOfAssessment.parse("1999/00").start == date(1999, 4, 1)


@pytest.mark.parametrize("bad", ["2019/21", "2019", "twenty", "2019/2021"])
def test_bad_years_are_refused(bad: str) -> None:
    with pytest.raises(InvalidInputError):
        YearOfAssessment.parse(bad)


def test_bad_dates_are_refused_with_the_text() -> None:
    with pytest.raises(InvalidInputError, match="2021-13-01"):
        parse_date("2021-13-01")


# years 2-9998, so the neighbouring financial years exist as Python dates too
@given(st.dates(min_value=date(2, 4, 1), max_value=date(9998, 3, 31)))
def test_every_day_is_in_exactly_its_financial_year(day: date) -> None:
    fy = FinancialYear.containing(day)
    assert day in fy
    assert day not in FinancialYear(fy.start_year + 1)
    assert day not in FinancialYear(fy.start_year - 1)
