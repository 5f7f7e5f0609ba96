"""The chair and the secretariat see the conflicts declared on the agenda; members do not."""

from __future__ import annotations

from tests.web.test_pages_world import Demo, demo, demo_template, text_of

__all__ = ["demo", "demo_template"]  # fixtures


def test_the_chair_sees_who_declared_a_conflict_on_what_and_a_member_does_not(demo: Demo) -> None:
    url = f"/committee/meetings/{demo.portfolio.meeting_id}"
    chair = text_of(demo.browser("approver").get(url))
    assert "Declared conflicts of interest" in chair
    assert "Ms Lam RFS-DEMO-0002 Shareholder of the applicant&#39;s supplier" in chair
    secretariat = text_of(demo.browser("officer").get(url))
    assert "Ms Lam RFS-DEMO-0002" in secretariat
    zh = text_of(demo.browser("approver").get(url + "?lang=zh-Hant"))
    assert "已申報的利益衝突" in zh and "Declared conflicts of interest" not in zh
    member = text_of(demo.browser("member").get(url))
    assert "Declared conflicts of interest" not in member and "Shareholder" not in member
