"""What the role journeys (tests/e2e/test_role_journeys.py) found, pinned without a browser."""

from __future__ import annotations

import re

from reind.web.i18n import translations
from reind.web.views.words import EVENT_WORDS, value_words
from tests.web.test_pages_world import Demo, demo, demo_template, text_of

__all__ = ["demo", "demo_template"]  # fixtures


def test_the_workbench_offers_schemes_by_name_not_the_default_workflows_code(demo: Demo) -> None:
    page = demo.browser("officer").get("/workbench?state=screening&lang=zh-Hant").text
    options = re.findall(r'<select id="f-scheme".*?</select>', page, re.S)[0]
    assert "default" not in options.lower()
    assert 'value="rfs"' in options


def test_every_kind_of_audit_event_reads_differently_in_the_auditors_menu() -> None:
    words = list(EVENT_WORDS.values())
    twice = sorted({w for w in words if words.count(w) > 1})
    assert twice == []


def test_committee_pages_name_the_enterprise_in_the_readers_language(demo: Demo) -> None:
    meeting, app_id = demo.portfolio.meeting_id, demo.app_id("RFS-DEMO-0003")
    member = demo.browser("member")
    agenda = text_of(member.get(f"/committee/meetings/{meeting}?lang=zh-Hant"))
    assert "金蛋雞蛋仔有限公司" in agenda and "Golden Egg Waffle Co Ltd" not in agenda
    score = text_of(member.get(f"/committee/meetings/{meeting}/applications/{app_id}?lang=zh-Hant"))
    assert "金蛋雞蛋仔有限公司" in score
    english = text_of(member.get(f"/committee/meetings/{meeting}?lang=en"))
    assert "Golden Egg Waffle Co Ltd" in english


def test_a_completed_project_whose_final_report_is_in_is_not_asked_for_it_again(
    demo: Demo,
) -> None:
    app_id = demo.app_id("RFS-DEMO-0004")  # completed, its final report filed and accepted
    web = demo.browser("applicant")
    shown = text_of(web.get(f"/portal/applications/{app_id}?lang=en"))
    assert "File your final report" not in shown
    assert "Your final report is in" in shown
    chinese = text_of(web.get(f"/portal/applications/{app_id}?lang=zh-Hant"))
    assert "請提交總結報告" not in chinese and "你已提交總結報告" in chinese


def test_a_traced_true_or_false_reads_yes_or_no_in_either_language() -> None:
    english, chinese = translations("en").gettext, translations("zh-Hant").gettext
    assert [value_words(v, english) for v in (True, False)] == ["Yes", "No"]
    assert [value_words(v, chinese) for v in (True, False)] == ["是", "否"]


def test_the_audit_log_names_people_and_cases_as_the_auditor_knows_them(demo: Demo) -> None:
    funded = demo.app_id("RFS-DEMO-0004")
    shown = text_of(demo.browser("auditor").get(f"/audit?subject={funded}&lang=zh-Hant"))
    assert "Chan Siu Ming" in shown  # the officer, by name, not an id
    assert "申請 RFS-DEMO-0004" in shown and funded[:8] not in shown
