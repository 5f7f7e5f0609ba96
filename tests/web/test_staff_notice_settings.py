"""Staff reach their notice settings, like the applicant's /portal/notices (issue 16).

Officers, finance, the committee and administrators had no notice
preferences page; ``/account/notices`` (the same view code as the portal's)
served officers and assessors only from their navigation; finance, the
committee's members and approvers and administrators now have the link too.
"""

from __future__ import annotations

import pytest

from tests.web.test_pages_world import Demo, demo, demo_template, text_of

__all__ = ["demo", "demo_template"]  # fixtures


@pytest.mark.parametrize("who", ["officer", "finance", "member", "approver", "admin"])
def test_each_staff_role_has_its_notice_settings_in_both_languages(demo: Demo, who: str) -> None:
    web = demo.browser(who)
    page = web.page("/account/notices")
    assert page.status_code == 200 and 'href="/account/notices"' in page.text
    assert "A case is assigned to me" in text_of(page)
    assert web.submit("/account/notices", {"case_assigned": "on"}).status_code == 303
    zh = text_of(web.get("/account/notices?saved=1&lang=zh-Hant"))
    assert "有個案分派給我" in zh and "A case is assigned" not in zh
    assert demo.browser(who).get("/portal/notices").status_code == 403  # the applicant's page
