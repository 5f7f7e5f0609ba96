"""Each office role's journey in Chromium, in English and in Traditional Chinese.

Every journey runs twice, once per language, each against a demo server of
its own (``tests/e2e/journeys.py``): what the user is shown is asserted in
that language (the catalogue's words), and a zh-Hant page may carry no
English word but what people typed. Screenshots go to
``var/screenshots/journey-<role>-<what>[-zh].png``.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.journeys import EXTRA_SCREENING, PAGE, Office, expect_chinese, office

__all__ = ["office"]  # one demo server per language for the module

pytestmark = pytest.mark.integration


def test_officer_finds_a_case_sees_the_gap_and_puts_it_on_an_agenda(
    page: Page, office: Office
) -> None:
    t = office.t
    case_id, reference = office.cases["gap"]
    office.sign_in(page, "officer")
    page.get_by_role("link", name=t("Applications"), exact=True).first.click()
    page.locator('nav.queues a[href="/workbench?state=screening"]').click()
    queue = EXTRA_SCREENING + 2  # the demo's RFS-DEMO-0001 and the gap case
    pager = page.locator("p.pager")
    expect(pager).to_contain_text(
        t("Showing %(shown)s of %(total)s") % {"shown": PAGE, "total": queue}
    )
    expect_chinese(page, office)
    page.get_by_role("link", name=t("Next page")).click()
    expect(pager).to_contain_text(
        t("Showing %(shown)s of %(total)s") % {"shown": queue - PAGE, "total": queue}
    )
    page.locator("#f-q").fill(reference)
    page.locator("form.search button[type=submit]").click()
    expect(page.locator("tbody tr")).to_have_count(1)
    office.shot(page, "officer", "search")
    page.get_by_role("link", name=reference).click()

    page.get_by_role("button", name=t("Run the screening rules")).click()
    expect(page.locator("#screening")).to_contain_text(t("Why this amount"))
    gap = page.locator("#gap")
    expect(gap).to_contain_text(
        t("Asked for %(asked)s; the rules give %(computed)s")
        % {"asked": "HK$1,500,000.00", "computed": "HK$900,000.00"}
    )
    expect(gap).to_contain_text(t("%(amount)s less than asked") % {"amount": "HK$600,000.00"})
    expect_chinese(page, office)
    office.shot(page, "officer", "gap")
    note = (
        "Asked for more than the rules give: told the applicant."
        if office.lang == "en"
        else ("申請額高於規則所定，已通知申請人。")
    )
    page.locator("#f-note").fill(note)
    page.get_by_role("button", name=t("Pass screening")).click()
    page.get_by_role("button", name=t("Refer to the vetting committee")).click()
    history = page.locator("ol.history")
    expect(history).to_contain_text(t("Screening rules run"))
    expect(history).to_contain_text(note)
    expect(history).not_to_contain_text("application.")
    expect_chinese(page, office)
    office.shot(page, "officer", "history")

    page.get_by_role("link", name=t("Committee agendas"), exact=True).click()
    page.locator(f"#take-{case_id}").check()
    page.locator("#f-meeting_id").select_option(office.next_meeting)
    page.get_by_role("button", name=t("Put the ticked cases on the agenda")).click()
    expect(page.get_by_role("status")).to_contain_text(
        t("%(count)s case(s) put on the agenda.") % {"count": 1}
    )
    expect(page.locator("main")).not_to_contain_text(reference)
    expect_chinese(page, office)
