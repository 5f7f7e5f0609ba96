"""Committee pages: agenda without conflicted applications, scoring form, decisions."""

from __future__ import annotations

from sqlalchemy import select

from reind.programme.actors import Actor, Role
from reind.programme.committee.criteria import criteria_for
from reind.programme.committee.governance import declare_conflict
from reind.programme.committee.store import MemberRow
from tests.web.test_pages_world import Demo, demo, demo_template, text_of

SECRETARIAT_OFFICER = Actor("officer-secretariat", Role.OFFICER)

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
    decision = {
        f"outcome_{app_id}": "supported",
        f"reasons_en_{app_id}": "Good.",
        f"reasons_zh_{app_id}": "良好。",
        f"decided_on_{app_id}": "2026-01-05",
    }
    early = web.submit(url, decision)  # nobody has scored: the committee has no quorum
    assert early.status_code == 400 and "no quorum: 0 member(s) have scored" in early.text
    member = demo.browser("member")
    scoring = f"/committee/meetings/{meeting}/applications/{app_id}"
    member.page(scoring)
    scored = member.submit(
        scoring, {f"score_{c}": "4" for c in ("new_line_smart_technology", "financial",
                                            "viability", "capability", "economic_benefit")}
    )  # fmt: skip
    assert scored.status_code == 303
    web.page(f"/committee/meetings/{meeting}")
    half = web.submit(url, {f"outcome_{app_id}": "supported", f"reasons_en_{app_id}": "Good."})
    assert half.status_code == 400 and f'id="e-reasons_zh_{app_id}"' in half.text
    assert "Good." in half.text
    form = web.page(f"/committee/meetings/{meeting}").text.split(f'id="f-outcome_{app_id}"')[1]
    choices = form.split("</select>")[0]  # the chair chooses: nothing pre-chosen
    assert choices.split("<option")[1].startswith(' value=""') and choices.count(" selected") <= 1
    assert '"supported" selected' not in choices and '"not_supported" selected' not in choices
    reasons = {f"reasons_en_{app_id}": "Good.", f"reasons_zh_{app_id}": "良好。"}
    unchosen = web.submit(url, {**reasons, f"decided_on_{app_id}": "2026-01-05"})
    assert unchosen.status_code == 400 and "Choose supported or not supported." in unchosen.text
    web.page(f"/committee/meetings/{meeting}?lang=zh-Hant")
    zh = web.submit(f"{url}?lang=zh-Hant", {**reasons, f"decided_on_{app_id}": "2026-01-05"})
    assert zh.status_code == 400 and "請選擇支持或不支持。" in zh.text
    undecided = demo.browser("officer").get(f"/workbench/applications/{app_id}").text
    assert "Supported in principle" not in undecided and "Not supported" not in undecided
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
    chair_item = approver.split(f'id="item-{app_id}"')[1].split("</li>")[0]
    assert "shown once you have scored" not in chair_item and "Not scored yet" in chair_item
    pre_read = text_of(member.get(f"/committee/meetings/{meeting}/applications/{app_id}"))
    assert "Pre-read" in pre_read and "The officer's assessment" in pre_read
    assert "Screening result" in pre_read and "Rules used" in pre_read
    assert "Government share of the total approved project cost" in pre_read
    assert "Documents" in pre_read and "rfs.matching_share" not in pre_read


def test_the_chair_sees_the_quorum_and_scores_voided_by_a_later_conflict(demo: Demo) -> None:
    meeting, app_id = demo.portfolio.meeting_id, demo.app_id("RFS-DEMO-0003")
    scoring = f"/committee/meetings/{meeting}/applications/{app_id}"
    lam = demo.browser("member.lam")
    lam.page(scoring)
    zeros = {f"score_{c.code}": "0" for c in criteria_for("rfs").items}
    assert lam.submit(scoring, zeros).status_code == 303
    chair = demo.browser("approver")
    before = text_of(chair.get(f"/committee/meetings/{meeting}"))
    assert "Members who have scored in full: 1; the quorum is 1." in before
    assert "Weighted score so far 0.0 / 100" in before
    with demo.db.unit_of_work() as session:
        lam_member = session.execute(
            select(MemberRow.id).where(MemberRow.name == "Ms Lam")
        ).scalar_one()
        declare_conflict(session, lam_member, app_id, "Shareholding", SECRETARIAT_OFFICER)
    after = text_of(chair.get(f"/committee/meetings/{meeting}"))
    assert "Members who have scored in full: 0; the quorum is 1." in after
    assert "5 score(s) voided: the member declared a conflict of interest after scoring." in after
    chinese = chair.get(f"/committee/meetings/{meeting}?lang=zh-Hant").text
    assert "5 項評分已作廢" in chinese
