"""The applicant turns a kind of e-mail notice off on the portal, in either language."""

from __future__ import annotations

from reind.programme import accounts
from reind.programme.actors import SYSTEM
from reind.programme.notices.preferences import preferences_of
from tests.web.test_pages_world import Demo, demo, demo_template, text_of

__all__ = ["demo", "demo_template"]  # fixtures


def test_an_applicant_turns_report_reminders_off_and_the_choice_is_kept(demo: Demo) -> None:
    web = demo.browser("applicant")
    page = web.page("/portal/notices")
    assert page.status_code == 200 and 'href="/portal/notices"' in page.text
    assert page.text.count(" checked>") == 7  # every kind is sent until turned off
    kinds = ("received", "information_requested", "decision", "claim_due", "claim_paid")
    kept = dict.fromkeys(kinds, "on")  # claim_approved and report_due left unticked
    saved = web.submit("/portal/notices", kept)
    assert saved.status_code == 303
    assert "Your choices are saved." in text_of(web.get("/portal/notices?saved=1"))
    email = demo.portfolio.user("applicant").email
    with demo.db.unit_of_work() as session:
        (me,) = accounts.list_users(session, SYSTEM, accounts.UserFilters(q=email)).items
        wanted = preferences_of(session, me.id, SYSTEM)
    assert wanted["report_due"] is False and wanted["claim_approved"] is False
    assert wanted["claim_due"] is True and wanted["claim_paid"] is True
    zh = text_of(web.get("/portal/notices?lang=zh-Hant"))
    assert "電郵通知" in zh and "項目報告即將到期或已逾期" in zh and "E-mail notices" not in zh
    assert demo.browser("officer").get("/portal/notices").status_code == 403
