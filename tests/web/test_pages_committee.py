"""Committee pages: agenda without conflicted applications, scoring form, decisions."""

from __future__ import annotations

from tests.web.test_pages_world import Demo, demo, demo_template, text_of

__all__ = ["demo", "demo_template"]  # fixtures


def test_a_conflicted_member_neither_sees_nor_opens_the_application(demo: Demo) -> None:
    meeting = demo.portfolio.meeting_id
    conflicted = demo.app_id("RFS-DEMO-0002")
    lam = demo.browser("member.lam")
    agenda = lam.get(f"/committee/meetings/{meeting}").text
    assert "RFS-DEMO-0003" in agenda and "RFS-DEMO-0002" not in agenda
    refused = lam.get(f"/committee/meetings/{meeting}/applications/{conflicted}")
    assert refused.status_code == 403 and "conflict of interest" in refused.text
    cheung = demo.browser("member").get(f"/committee/meetings/{meeting}").text
    assert "RFS-DEMO-0002" in cheung and "RFS-DEMO-0003" in cheung


def test_the_scoring_form_has_the_schemes_weighted_criteria(demo: Demo) -> None:
    meeting, app_id = demo.portfolio.meeting_id, demo.app_id("RFS-DEMO-0003")
    page = demo.browser("member").get(f"/committee/meetings/{meeting}/applications/{app_id}")
    shown = text_of(page)
    assert "Setting up the new line and adopting smart technologies (weight 35%)" in shown
    assert page.text.count('type="radio" name="score_financial"') == 6  # 0 to 5
    chinese = demo.browser("member").get(
        f"/committee/meetings/{meeting}/applications/{app_id}?lang=zh-Hant"
    )
    assert "財務考慮" in chinese.text and "比重" in chinese.text


def test_scores_are_saved_and_a_missing_one_keeps_the_rest(demo: Demo) -> None:
    meeting, app_id = demo.portfolio.meeting_id, demo.app_id("RFS-DEMO-0003")
    url = f"/committee/meetings/{meeting}/applications/{app_id}"
    web = demo.browser("member")
    web.page(url)
    scores = {
        "score_new_line_smart_technology": "5",
        "comment_new_line_smart_technology": "Clear plan",
        "score_financial": "4",
        "score_viability": "4",
        "score_capability": "3",
    }
    missing = web.submit(url, scores)
    assert missing.status_code == 400 and 'id="e-score_economic_benefit"' in missing.text
    assert 'value="5" checked' in missing.text and "Clear plan" in missing.text
    saved = web.submit(url, {**scores, "score_economic_benefit": "4"})
    assert saved.status_code == 303
    assert "Weighted score so far 84.0 / 100" in text_of(web.get(saved.headers["location"]))


def test_the_approver_records_the_decision_with_reasons_in_both_languages(demo: Demo) -> None:
    meeting, app_id = demo.portfolio.meeting_id, demo.app_id("RFS-DEMO-0003")
    web = demo.browser("approver")
    web.page(f"/committee/meetings/{meeting}")
    url = f"/committee/meetings/{meeting}/applications/{app_id}/decision"
    half = web.submit(url, {f"outcome_{app_id}": "supported", f"reasons_en_{app_id}": "Good."})
    assert half.status_code == 400 and f'id="e-reasons_zh_{app_id}"' in half.text
    assert "Good." in half.text
    done = web.submit(
        url,
        {
            f"outcome_{app_id}": "supported",
            f"reasons_en_{app_id}": "Good.",
            f"reasons_zh_{app_id}": "良好。",
            f"decided_on_{app_id}": "2026-01-05",
        },
    )
    assert done.status_code == 303
    officer_view = demo.browser("officer").get(f"/workbench/applications/{app_id}")
    assert "Supported in principle" in officer_view.text


def test_a_member_scores_blind_and_reads_the_pre_read_first(demo: Demo) -> None:
    meeting, app_id = demo.portfolio.meeting_id, demo.app_id("RFS-DEMO-0003")
    member = demo.browser("member")
    agenda = member.get(f"/committee/meetings/{meeting}")
    item = agenda.text.split(f'id="item-{app_id}"')[1].split("</li>")[0]
    assert "Weighted score so far" not in item
    assert "scores are shown once you have scored." in item
    approver = demo.browser("approver").get(f"/committee/meetings/{meeting}").text
    assert "Weighted score so far" in approver.split(f'id="item-{app_id}"')[1].split("</li>")[0]
    pre_read = text_of(member.get(f"/committee/meetings/{meeting}/applications/{app_id}"))
    assert "Pre-read" in pre_read and "The officer's assessment" in pre_read
    assert "Screening result" in pre_read and "Rules used" in pre_read
    assert "Government share of the total approved project cost" in pre_read
    assert "Documents" in pre_read and "rfs.matching_share" not in pre_read
