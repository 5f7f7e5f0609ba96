"""ITVF deals keep 1:2 matching and caps; TSSSU counts per university and year."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import pytest

from reind.core.db import Database
from reind.core.errors import ConflictError, RuleError
from reind.core.money import HKD
from reind.core.periods import FinancialYear
from reind.programme.money.claims import min_attendance
from reind.programme.ventures.services import (
    add_partner,
    private_capital_attracted,
    record_deal,
    record_startup,
    startups_per_university,
)
from reind.schemes.catalogue import default_engine
from tests.programme.factories import OFFICER


def test_itvf_refuses_more_than_one_third_and_the_investee_cap(db: Database) -> None:
    with db.unit_of_work() as session:
        partner = add_partner(session, "Harbour Ventures Fund II", date(2018, 9, 1), OFFICER)
        with pytest.raises(ConflictError, match="1:2"):
            record_deal(
                session,
                partner.id,
                "RoboChef",
                date(2019, 1, 1),
                government=HKD("10000000.01"),
                partner=HKD("20000000"),
                actor=OFFICER,
                engine=default_engine(),
            )
        record_deal(
            session,
            partner.id,
            "RoboChef",
            date(2019, 1, 1),
            government=HKD("30000000"),
            partner=HKD("60000000"),
            actor=OFFICER,
            engine=default_engine(),
        )
        with pytest.raises(ConflictError, match="in total"):
            record_deal(
                session,
                partner.id,
                "RoboChef",
                date(2020, 1, 1),
                government=HKD("20000000.01"),
                partner=HKD("60000000"),
                actor=OFFICER,
                engine=default_engine(),
            )
        assert private_capital_attracted(session) == (HKD("30000000"), HKD("60000000"))


def test_tsssu_start_ups_are_counted_per_university_and_year(db: Database) -> None:
    with db.unit_of_work() as session:
        year = FinancialYear(2023)
        record_startup(session, "HKUST", "EggBot", year, HKD("1500000"), OFFICER)
        record_startup(session, "HKUST", "FishSense", year, HKD("800000"), OFFICER)
        record_startup(session, "PolyU", "TexLoop", year, HKD("1000000"), OFFICER)
        assert startups_per_university(session, year) == {"HKUST": 2, "PolyU": 1}


def test_itvf_ratio_and_caps_come_from_the_rules_in_force_on_the_day(db: Database) -> None:
    with db.unit_of_work() as session:
        partner = add_partner(session, "Lion Rock Capital", date(2018, 9, 1), OFFICER)
        with pytest.raises(ConflictError, match="itvf.deal_cap"):
            record_deal(
                session,
                partner.id,
                "SoyBot",
                date(2019, 1, 1),
                government=HKD("30000000.01"),
                partner=HKD("90000000"),
                actor=OFFICER,
                engine=default_engine(),
            )
        with pytest.raises(RuleError, match="no value in force"):
            record_deal(  # the fund opened on 15 September 2017
                session,
                partner.id,
                "SoyBot",
                date(2017, 1, 1),
                government=HKD("1000000"),
                partner=HKD("2000000"),
                actor=OFFICER,
                engine=default_engine(),
            )


def test_rttp_minimum_attendance_is_the_rules_seven_tenths() -> None:
    assert min_attendance(default_engine(), date(2024, 1, 1)) == Fraction(7, 10)
    with pytest.raises(RuleError):
        min_attendance(default_engine(), date(2017, 1, 1))
