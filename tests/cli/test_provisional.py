"""A decision that used an unverified [C] value says so: provisional, listing the facts."""

from __future__ import annotations

from tests.cli.conftest import run_reind

# BUD's HK$7M cumulative ceiling dates from "Nov 2022": the day is a guess [C].
BUD_AFTER_NOV_2022 = ("grant", "bud", "--cost", "1000000", "--received", "2024-01-01")
# RFS in 2021 uses only official [A] values.
RFS_2021 = ("grant", "rfs", "--cost", "54000000", "--received", "2021-11-01")


def test_a_decision_on_a_guessed_date_is_provisional_in_json() -> None:
    body = run_reind(*BUD_AFTER_NOV_2022, "--json").json()
    assert body["provisional"] is True
    unverified = {u["parameter"] for u in body["unverified"]}
    assert "bud.cumulative_ceiling" in unverified


def test_a_decision_on_verified_facts_is_not_provisional() -> None:
    body = run_reind(*RFS_2021, "--json").json()
    assert body["provisional"] is False
    assert body["unverified"] == []


def test_provisional_is_shown_in_english_and_chinese() -> None:
    english = run_reind(*BUD_AFTER_NOV_2022)
    assert "(provisional)" in english.out and "unverified facts [C]" in english.out
    assert "bud.cumulative_ceiling" in english.out
    chinese = run_reind(*BUD_AFTER_NOV_2022, "--lang", "zh-Hant")
    assert "暫定" in chinese.out and "未經核實" in chinese.out
    plain = run_reind(*RFS_2021)
    assert "provisional" not in plain.out.lower()


def test_nittp_lead_time_rules_start_on_an_unverified_date() -> None:
    body = run_reind(
        "grant", "rttp", "--received", "2025-08-04", "--set", "course_start=2025-10-31",
        "--set", "course_fee=30000", "--set", "trainees=[{}]", "--json",
    ).json()  # fmt: skip
    assert body["provisional"] is True
    assert "rttp.grant_application_lead_weeks" in {u["parameter"] for u in body["unverified"]}
