"""What reading the journeys' screenshots as their users found (issue 16), pinned without a browser.

Each test is one defect seen on a screenshot: an English colon on a Chinese
page, a case history out of order, the case officer called two things in
Chinese, a demo with one officer (so no case could change hands).
"""

from __future__ import annotations

import re

from babel.messages.pofile import read_po

from reind.demo.users import DEMO_USERS
from reind.programme.actors import Role
from reind.web.i18n import LOCALE_DIR
from tests.web.test_pages_world import Demo, demo, demo_template, text_of
from tests.web.test_zh_hant_chrome import ascii_colons

__all__ = ["demo", "demo_template"]  # fixtures


def test_a_step_done_reads_with_the_full_width_colon_on_a_chinese_case_page(demo: Demo) -> None:
    case = demo.app_id("RFS-DEMO-0001")
    officer = demo.browser("officer")
    page = f"/workbench/applications/{case}?done=pass_screening"
    chinese = text_of(officer.get(f"{page}&lang=zh-Hant"))
    assert "已完成：通過初步審查" in chinese
    assert "狀況：" in chinese and "（申請人看到：" in chinese
    assert ascii_colons(chinese) == []
    english = text_of(officer.get(f"{page}&lang=en"))
    assert "Done: Pass screening" in english and "(the applicant sees: " in english


def test_a_case_history_reads_in_the_order_things_happened_and_says_so(demo: Demo) -> None:
    """RFS-DEMO-0001 was entered with the date it was received, weeks before it was keyed in."""
    case = demo.app_id("RFS-DEMO-0001")
    page = demo.browser("officer").get(f"/workbench/applications/{case}?lang=en").text
    listed = re.search(r'<ol class="history">(.*?)</ol>', page, re.S)
    assert listed is not None
    times = re.findall(r"<time>([^<]+)</time>", listed.group(1))
    assert len(times) >= 3
    assert times == sorted(times)
    assert "In the order things happened, in Hong Kong time" in page


def test_the_case_officer_has_one_name_in_chinese() -> None:
    """個案主任 on the case, in the history and in the assignment forms; never 計劃主任."""
    po = LOCALE_DIR / "zh_Hant_HK" / "LC_MESSAGES" / "messages.po"
    with po.open("rb") as handle:
        catalogue = {m.id: m.string for m in read_po(handle) if m.id}
    for msgid in ("Case officer", "Choose an officer", "Assign to the officer"):
        assert "個案主任" in str(catalogue[msgid]), msgid
    assert "個案主任" in str(catalogue["Officer (to assign to)"])
    assert [i for i, s in catalogue.items() if "計劃主任" in str(s)] == []


def test_the_demo_has_two_officers_so_a_case_can_change_hands(demo: Demo) -> None:
    officers = [u for u in DEMO_USERS if u.role is Role.OFFICER]
    assert [u.display_name for u in officers] == ["Chan Siu Ming", "Lee Ka Wai"]
    case = demo.app_id("RFS-DEMO-0001")
    page = demo.browser("officer.lee").get(f"/workbench/applications/{case}?lang=en")
    assert page.status_code == 200
    choices = re.search(r'<select id="f-officer".*?</select>', page.text, re.S)
    assert choices is not None
    assert "Chan Siu Ming" in choices.group(0) and "Lee Ka Wai" in choices.group(0)


def test_the_chair_reads_not_scored_yet_rather_than_a_score_of_nought(demo: Demo) -> None:
    meeting = demo.portfolio.meeting_id
    english = text_of(demo.browser("approver").get(f"/committee/meetings/{meeting}?lang=en"))
    assert "Not scored yet (pass mark 60)" in english and "0.0 / 100" not in english
    chinese = text_of(demo.browser("approver").get(f"/committee/meetings/{meeting}?lang=zh-Hant"))
    assert "尚未評分（合格分數 60）" in chinese
