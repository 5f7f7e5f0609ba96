"""Each office role's journey in Chromium, in English and in Traditional Chinese.

Every journey runs twice, once per language, each against a demo server of
its own (``tests/e2e/journeys.py``): what the user is shown is asserted in
that language (the catalogue's words), and a zh-Hant page may carry no
English word but what people typed. Screenshots go to
``var/screenshots/journey-<role>-<what>[-zh].png``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from reind.web.views.portal_case import FINAL_REPORT_IN
from tests.e2e.journeys import (
    ASSESSMENT,
    EXTRA_FUNDED,
    EXTRA_SCREENING,
    PAGE,
    Office,
    expect_chinese,
    office,
    page,
)

__all__ = ["office", "page"]  # one demo server per language; pages that read its language

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
    office.shot(page, "journey-officer-search")
    page.get_by_role("link", name=reference).click()

    page.get_by_role("button", name=t("Run the screening rules")).click()
    expect(page.locator("#screening")).to_contain_text(t("Why this amount"))
    gap = page.locator("#gap")
    expect(gap).to_contain_text(
        t("Asked for %(asked)s; the rules give %(computed)s")
        % {"asked": office.money("1500000"), "computed": office.money("900000")}
    )
    expect(gap).to_contain_text(
        t("%(amount)s less than asked") % {"amount": office.money("600000")}
    )
    expect_chinese(page, office)
    office.shot(page, "journey-officer-gap")
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
    office.shot(page, "journey-officer-history")

    page.get_by_role("link", name=t("Committee agendas"), exact=True).click()
    page.locator(f"#take-{case_id}").check()
    page.locator("#f-meeting_id").select_option(office.next_meeting)
    page.get_by_role("button", name=t("Put the ticked cases on the agenda")).click()
    expect(page.get_by_role("status")).to_contain_text(
        t("Cases put on the agenda: %(count)s.") % {"count": 1}
    )
    expect(page.locator("main")).not_to_contain_text(reference)
    expect_chinese(page, office)


def test_committee_member_reads_the_pre_read_scores_blind_and_the_chair_sees_quorum(
    page: Page, office: Office
) -> None:
    t = office.t
    case_id, reference = office.cases["pre_read"]
    meeting = f"{office.url}/committee/meetings/{office.portfolio.meeting_id}"
    office.sign_in(page, "member")
    page.goto(meeting)
    item = page.locator(f"#item-{case_id}")
    expect(item).to_contain_text(t("The others' scores are shown once you have scored."))
    expect(item).not_to_contain_text(t("Weighted score so far"))
    expect_chinese(page, office)
    office.shot(page, "journey-committee-blind")
    item.get_by_role("link", name=f"{t('Score this application')} {reference}").click()
    pre_read = page.locator("section.pre-read")
    expect(pre_read).to_contain_text(t("The officer's assessment"))
    expect(pre_read).to_contain_text(ASSESSMENT)
    expect(pre_read.locator("#screening")).to_contain_text(t("Why this amount"))
    expect(pre_read.get_by_role("link", name="business-plan.pdf")).to_be_visible()
    expect_chinese(page, office)
    office.shot(page, "journey-committee-pre-read")
    for criterion in ("new_line_smart_technology", "financial", "viability", "capability"):
        page.check(f'input[name="score_{criterion}"][value="4"]')
    page.check('input[name="score_economic_benefit"][value="4"]')
    page.get_by_role("button", name=t("Save my scores")).click()
    expect(page.get_by_role("status")).to_contain_text(t("Your scores are saved."))
    # Dr Cheung gave 4s (80) and Ms Lam 3s (60): the average shows once he has scored.
    expect(item).to_contain_text(t("Weighted score so far") + " 70.0 / 100")
    expect_chinese(page, office)
    office.shot(page, "journey-committee-scored")

    chair = page.context.browser
    assert chair is not None
    other = office.new_page(chair)
    office.sign_in(other, "approver")
    other.goto(meeting)
    quorum = t("Members who have scored in full: %(scored)s; the quorum is %(quorum)s.")
    expect(other.locator(f"#item-{case_id} .quorum")).to_contain_text(
        quorum % {"scored": 2, "quorum": 1}
    )
    conflicts = other.locator("section[aria-labelledby=conflicts-h]")
    expect(conflicts).to_contain_text("Ms Lam")
    expect(conflicts).to_contain_text("RFS-DEMO-0002")
    expect_chinese(other, office)
    office.shot(other, "journey-committee-chair")
    other.context.close()


def test_finance_approves_pays_under_the_two_person_rule_and_pages_the_ledgers(
    page: Page, office: Office
) -> None:
    t = office.t
    office.sign_in(page, "finance")
    page.locator("#f-q").fill("RFS-DEMO-0004")
    page.locator("form.search button[type=submit]").click()
    page.get_by_role(
        "button", name=f"{t('Approve the claim of')} {office.exact('1500000')} · RFS-DEMO-0004"
    ).click()
    expect(page.get_by_role("status")).to_contain_text(t("Done."))
    expect(page.locator("main")).to_contain_text(
        t("You approved it: another finance officer pays it.")
    )
    expect(page.get_by_role("button", name=re.compile(t("Pay today")))).to_have_count(0)
    # Paying anyway (a form kept from before) is refused in words, in the reader's language.
    page.evaluate(
        """claim => {
            const form = document.createElement("form");
            form.method = "post";
            form.action = `/claims/${claim}/payment`;
            const token = document.querySelector("input[name=csrf_token]").cloneNode();
            form.appendChild(token);
            document.body.appendChild(form);
            form.submit();
        }""",
        office.portfolio.claim_id,
    )
    refusal = (
        "another finance officer must pay it" if office.lang == "en" else "須由另一名財務人員付款"
    )
    expect(page.get_by_role("alert")).to_contain_text(refusal)
    expect_chinese(page, office)
    office.shot(page, "journey-finance-two-person-refusal")

    payer = page.context.browser
    assert payer is not None
    other = office.new_page(payer)
    office.sign_in(other, "finance.chow")
    other.get_by_role("button", name=re.compile(t("Pay today"))).click()
    expect(other.get_by_role("status")).to_contain_text(t("Done."))
    other.get_by_role("link", name=t("Project ledgers"), exact=True).click()
    total = EXTRA_FUNDED + 2  # and the demo's RFS-DEMO-0004 and RFS-DEMO-0005 (the beer line)
    pager = other.locator("p.pager")
    expect(pager).to_contain_text(
        t("Showing %(shown)s of %(total)s") % {"shown": PAGE, "total": total}
    )
    expect_chinese(other, office)
    other.get_by_role("link", name=t("Next page")).click()
    expect(pager).to_contain_text(
        t("Showing %(shown)s of %(total)s") % {"shown": total - PAGE, "total": total}
    )
    other.locator("#f-q").fill("71234501")
    other.locator("form.search button[type=submit]").click()
    expect(other.locator("tbody tr")).to_have_count(1)
    office.shot(other, "journey-finance-ledgers")
    other.get_by_role("link", name=re.compile("RFS-DEMO-0004")).click()
    expect(other.locator("table.balances")).to_contain_text(office.exact("1500000"))
    expect_chinese(other, office)
    office.shot(other, "journey-finance-ledger")
    other.context.close()


LINKED = {"en": "2 funded production lines are linked", "zh-Hant": "共有 2 條獲資助的生產線已連結"}
"""The report's outcome section, in its own words (the report's templates, not the catalogue)."""


def test_analyst_reads_the_report_in_either_language_and_the_funded_lines_outcomes(
    page: Page, office: Office
) -> None:
    t = office.t
    office.sign_in(page, "analyst")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        t("Progress report on re-industrialisation")
    )
    funded = page.locator("#funded-lines")
    expect(funded.locator("h2")).to_have_text(t("Funded production lines: outcomes"))
    # before: what each applicant declared; after: the line's hour of telemetry
    for reference, before, after, change in (
        ("RFS-DEMO-0004", "24.0", "40.0", "+66.7% ▲"),
        ("RFS-DEMO-0005", "1,200.0", "6,000.0", "+400.0% ▲"),
    ):
        cells = funded.locator(f'tr[data-funded="{reference}"] td.num')
        expect(cells.nth(0)).to_have_text(before)
        expect(cells.nth(1)).to_have_text(after)
        expect(cells.nth(2)).to_have_text(change)
    expect_chinese(page, office)
    both = [("en", "re-industrialisation"), ("zh-Hant", "再工業化")]
    # the page's own language last, so the screenshot shows the report a reader of it chose
    for report_lang, title in sorted(both, key=lambda pair: pair[0] == office.lang):
        page.locator("#report_lang").select_option(report_lang)
        page.get_by_role("button", name=t("Show")).click()
        expect(page.frame_locator("iframe.preview").locator("h1")).to_contain_text(title)
    with page.expect_download() as waiting:
        page.get_by_role("link", name=t("Download the PDF")).click()
    assert Path(waiting.value.path()).read_bytes().startswith(b"%PDF")
    office.shot(page, "journey-analyst-report")
    report = page.frame_locator("iframe.preview")
    outcomes = report.locator("#outcomes + p")
    expect(outcomes).to_contain_text(LINKED[office.lang])
    expect(report.locator("table.outcome")).to_have_count(2)
    expect(report.locator("table.outcome").nth(1)).to_contain_text("6,000.0")
    report.locator("#outcomes").evaluate("heading => heading.scrollIntoView()")  # to the top
    office.shot(page, "journey-analyst-report-outcomes")

    funded.locator('tr[data-funded="RFS-DEMO-0005"]').get_by_role(
        "link", name=t("View outcomes")
    ).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("RFS-DEMO-0005")
    throughput = page.locator("#outcomes tbody tr").first
    expect(throughput.locator("th")).to_contain_text(t("Throughput"))
    expect(throughput.locator("td.num")).to_have_text(["1,200.0", "6,000.0", "+400.0% ▲"])
    expect(page.locator("main")).to_contain_text(t("the figures the applicant declared"))
    expect_chinese(page, office)
    office.shot(page, "journey-analyst-outcomes")


def test_auditor_searches_the_log_checks_the_chain_and_exports_csv(
    page: Page, office: Office
) -> None:
    t = office.t
    office.sign_in(page, "auditor")
    page.get_by_role("link", name=t("Audit log"), exact=True).click()
    page.get_by_role("button", name=t("Check the chain now")).click()
    expect(page.locator("#chain-result")).to_contain_text(t("The chain is intact"))
    expect(page.locator("#checkpoint-result")).to_contain_text(
        t("No signed checkpoints are kept by this server.")
    )
    expect_chinese(page, office)
    office.shot(page, "journey-auditor-chain")
    funded = office.portfolio.applications["RFS-DEMO-0004"]
    page.goto(f"{office.url}/audit")
    page.locator("#f-subject").fill(funded)
    page.locator("#f-kind").select_option("application.screened")
    today = page.evaluate("() => new Date().toISOString().slice(0, 10)")
    page.locator("#f-to").fill(today)
    page.locator("form.search button[type=submit]").click()
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text(t("Screening rules run"))
    office.shot(page, "journey-auditor-search")
    who = rows.first.locator("td").nth(3).get_by_role("link")
    name = who.inner_text()
    who.click()  # everything this person did
    expect(page).to_have_url(re.compile(r"actor="))
    expect(page.locator("tbody tr").first).to_contain_text(t("Programme officer"))
    expect_chinese(page, office)
    with page.expect_download() as waiting:
        page.get_by_role("link", name=t("Download these events as CSV")).click()
    text = Path(waiting.value.path()).read_text(encoding="utf-8-sig")
    assert text.startswith("seq,recorded_at,actor,actor_id,role,kind,what")
    assert t("Screening rules run") in text and f",{name}," in text  # the person, not an id
    page.locator("#f-actor").fill("nobody-xyz")
    page.locator("form.search button[type=submit]").click()
    refusal = page.get_by_role("alert")  # said once: no table of nothing repeating it
    said = "沒有名為 nobody-xyz 的使用者" if office.lang != "en" else "No one named nobody-xyz"
    expect(refusal).to_have_text(said)
    assert page.locator("main").inner_text().count(said) == 1
    expect(page.locator("main table")).to_have_count(0)
    expect(page.locator("#f-actor")).to_have_attribute("aria-invalid", "true")
    office.shot(page, "journey-auditor-unknown")


def test_applicant_edits_a_draft_reads_its_estimate_and_follows_a_project(
    page: Page, office: Office
) -> None:
    t = office.t
    office.sign_in(page, "applicant")
    page.get_by_role("link", name=t("Schemes for you"), exact=True).click()
    fit = page.locator("ul.cards")
    expect(fit).to_contain_text("RFS")
    for venture_or_trial in ("ITVF", "PSTS"):
        expect(fit).not_to_contain_text(venture_or_trial)
    expect_chinese(page, office)
    office.shot(page, "journey-applicant-schemes")
    page.get_by_role("link", name=f"{t('Apply for')} RFS").click()
    title = "Egg-waffle line No. 5" if office.lang == "en" else "雞蛋仔生產線五號"
    page.locator("#f-title").fill(title)
    page.locator("#f-amount_requested").fill("1,500,000")
    page.fill("#f-cost_machinery_equipment", "2,700,000")
    page.select_option("#f-new_line_in_hong_kong", "yes")
    page.select_option("#f-smart_manufacturing", "yes")
    page.fill("#f-ineligible_costs", "40,000")
    page.get_by_role("button", name=t("Save as draft")).click()
    estimate = page.locator("#estimate")
    expect(estimate).to_contain_text(t("Grant estimate"))
    expect(estimate).to_contain_text(office.money("886666.66"))
    expect(estimate).to_contain_text(t("Rules used"))
    expect(estimate).not_to_contain_text("True")  # a rule's boolean reads Yes
    expect(page.locator("#answers + dl")).to_contain_text(re.compile("40,000|4萬"))
    expect(page.locator("#next + *")).not_to_be_empty()
    expect_chinese(page, office)
    office.shot(page, "journey-applicant-draft-estimate")
    page.get_by_role("link", name=t("Edit the draft")).click()
    page.locator("#f-title").fill(title + " (B)")
    page.get_by_role("button", name=t("Save as draft")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title + " (B)")

    page.get_by_role("link", name=t("My applications"), exact=True).click()
    page.get_by_role("link", name="RFS-DEMO-0004").click()
    expect(page.locator("#next + p")).to_have_text(t(FINAL_REPORT_IN))
    milestones = page.locator("table").filter(has_text=t("Milestone"))
    expect(milestones.locator("tbody tr")).to_have_count(2)
    claims = page.locator("#claims + table")
    expect(claims).to_contain_text(office.exact("1500000"))
    expect_chinese(page, office)
    office.shot(page, "journey-applicant-project")
