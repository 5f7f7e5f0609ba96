"""Programme-office journeys in Debian's Chromium, one per role, against a live server.

The server runs the real app on a SQLite database holding the demo portfolio
(``reind.demo.users``): each journey works on its own demo case, so they
share one server. They save screenshots under ``var/screenshots/``, except of
the screens the role journeys (``test_role_journeys.py``) picture in both
languages: one name, one writer (``test_docs_screenshots.py``).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import FilePayload, Page, expect

from reind.demo.users import DemoPortfolio
from tests.e2e.conftest import LiveServer, demo_office, screenshot

pytestmark = pytest.mark.integration


class Office:
    """The live server and the demo in it."""

    def __init__(self, server: LiveServer, portfolio: DemoPortfolio) -> None:
        self.url = server.url
        self.portfolio = portfolio

    def sign_in(self, page: Page, who: str) -> None:
        """Sign in through the form as demo user ``who``."""
        user = self.portfolio.user(who)
        page.goto(f"{self.url}/sign-in")
        page.get_by_label("E-mail address").fill(user.email)
        page.get_by_label("Password").fill(user.password)
        page.get_by_role("button", name="Sign in").click()


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Office]:
    """One server with the demo portfolio for the whole module."""
    with demo_office(tmp_path_factory.mktemp("office")) as demo:
        yield Office(demo.server, demo.portfolio)


def test_applicant_applies_for_rfs_and_submits(page: Page, office: Office) -> None:
    office.sign_in(page, "applicant")
    page.get_by_role("link", name="Schemes for you").click()
    page.get_by_role("link", name="Apply for RFS").click()
    page.get_by_label("Project title").fill("Egg-waffle line No. 3")
    page.get_by_label("Amount of funding you ask for (HK$)").fill("1,000,000")
    page.fill("#f-cost_machinery_equipment", "2,700,000")
    page.fill("#f-desc_machinery_equipment", "Baking robots and vision inspection")
    page.fill("#f-cost_staff_training", "300,000")
    page.select_option("#f-new_line_in_hong_kong", "yes")
    page.select_option("#f-smart_manufacturing", "yes")
    page.get_by_role("button", name="Save as draft").click()
    expect(page.get_by_role("status")).to_contain_text("Your draft is saved.")
    plan: FilePayload = {
        "name": "business-plan.pdf",
        "mimeType": "application/pdf",
        "buffer": b"%PDF-1.4",
    }
    page.set_input_files("#f-document", files=[plan])
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_role("status")).to_contain_text("The document is attached.")
    page.get_by_role("button", name="Submit application").click()
    expect(page.locator("#status")).to_have_text("Received")
    expect(page.locator("main")).to_contain_text("business-plan.pdf")
    screenshot(page, "journey-applicant-submitted")
    page.get_by_role("link", name="中文").click()
    expect(page.locator("#status")).to_have_text("已收到")
    screenshot(page, "journey-applicant-submitted-zh")


def test_officer_screens_and_advances(page: Page, office: Office) -> None:
    office.sign_in(page, "officer")
    page.get_by_role("link", name="Screening").click()
    page.get_by_role("link", name="RFS-DEMO-0001").click()
    expect(page.get_by_role("button", name="Refer to the vetting committee")).to_have_count(0)
    page.get_by_role("button", name="Run the screening rules").click()
    screening = page.locator("#screening")
    expect(screening).to_contain_text("Why this amount")
    expect(screening).to_contain_text("Most the Government funds for one project.")
    screenshot(page, "journey-officer-screening-trace")
    page.get_by_role("button", name="Pass screening").click()
    expect(page.locator("#status")).to_have_text("Assessment")
    page.get_by_role("button", name="Refer to the vetting committee").click()
    expect(page.locator("#status")).to_have_text("With the vetting committee")
    screenshot(page, "journey-officer-advanced")


def test_committee_member_scores_and_a_conflicted_member_cannot_see(
    page: Page, office: Office
) -> None:
    office.sign_in(page, "member")
    page.get_by_role("link", name="Open the agenda").first.click()
    page.get_by_role("link", name="Score this application RFS-DEMO-0003").click()
    for criterion, score in (
        ("new_line_smart_technology", "5"),
        ("financial", "4"),
        ("viability", "4"),
        ("capability", "3"),
        ("economic_benefit", "4"),
    ):
        page.check(f'input[name="score_{criterion}"][value="{score}"]')
    page.fill("#f-comment_financial", "Sound cash flow.")
    page.get_by_role("button", name="Save my scores").click()
    expect(page.get_by_role("status")).to_contain_text("Your scores are saved.")
    expect(page.locator("main")).to_contain_text("Weighted score so far 84.0 / 100")

    conflicted = page.context.browser
    assert conflicted is not None
    other = conflicted.new_context(viewport={"width": 1280, "height": 900}).new_page()
    office.sign_in(other, "member.lam")
    other.get_by_role("link", name="Open the agenda").first.click()
    expect(other.locator("main")).to_contain_text("RFS-DEMO-0003")
    expect(other.locator("main")).not_to_contain_text("RFS-DEMO-0002")
    hidden = office.portfolio.applications["RFS-DEMO-0002"]
    other.goto(
        f"{office.url}/committee/meetings/{office.portfolio.meeting_id}/applications/{hidden}"
    )
    expect(other.get_by_role("heading", level=1)).to_have_text("You may not see this page")
    screenshot(other, "journey-committee-conflict-refused")
    other.context.close()


def test_finance_approves_a_claim_and_another_finance_officer_pays_it(
    page: Page, office: Office
) -> None:
    office.sign_in(page, "finance")
    expect(page.locator("main")).to_contain_text("RFS-DEMO-0004")
    page.get_by_role("button", name="Approve the claim of HK$1,500,000.00 · RFS-DEMO-0004").click()
    expect(page.get_by_role("status")).to_contain_text("Done.")
    # The two-person rule (issue 12): who approved the claim for finance does not pay it.
    expect(page.locator("main")).to_contain_text("You approved it: another finance officer pays")
    expect(page.get_by_role("button", name="Pay today")).to_have_count(0)
    screenshot(page, "journey-finance-approved")
    page.context.clear_cookies()
    office.sign_in(page, "finance.chow")
    page.get_by_role("button", name="Pay today").click()
    expect(page.get_by_role("status")).to_contain_text("Done.")
    page.get_by_role("link", name="Project ledgers").click()
    page.get_by_role("link", name="RFS-DEMO-0004").click()
    expect(page.locator("table.balances")).to_contain_text("HK$1,500,000.00")


def test_analyst_downloads_the_report_pdf(page: Page, office: Office) -> None:
    office.sign_in(page, "analyst")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Progress report")
    with page.expect_download() as waiting:
        page.get_by_role("link", name="Download the PDF").click()
    download = waiting.value
    saved = Path(download.path())
    assert saved.read_bytes().startswith(b"%PDF")
    assert download.suggested_filename.startswith("reind-progress-report-")


def test_applicant_edits_a_draft_after_reading_its_grant_estimate(
    page: Page, office: Office
) -> None:
    office.sign_in(page, "applicant")
    page.goto(f"{office.url}/portal/schemes?lang=zh-Hant")
    expect(page.locator("main")).to_contain_text("其他類別申請者的資助計劃")
    expect(page.locator("main")).not_to_contain_text("advanced_manufacturing_new_energy")
    page.goto(f"{office.url}/portal/apply/rfs?lang=en")
    page.get_by_label("Project title").fill("Egg-waffle line No. 5")
    page.get_by_label("Amount of funding you ask for (HK$)").fill("1,500,000")
    page.fill("#f-cost_machinery_equipment", "2,700,000")
    page.select_option("#f-new_line_in_hong_kong", "yes")
    page.select_option("#f-smart_manufacturing", "yes")
    page.fill("#f-ineligible_costs", "40,000")
    page.get_by_role("button", name="Save as draft").click()
    expect(page.locator("#estimate")).to_contain_text("Grant estimate")
    expect(page.locator("#answers + dl")).to_contain_text("HK$40,000.00")
    page.get_by_role("link", name="Edit the draft").click()
    page.get_by_label("Project title").fill("Egg-waffle line No. 6")
    page.get_by_role("button", name="Save as draft").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Egg-waffle line No. 6")
    page.get_by_role("link", name="中文").click()
    expect(page.locator("#estimate")).to_contain_text("資助估算")


def test_desk_officer_records_who_asked_and_routes_once(page: Page, office: Office) -> None:
    office.sign_in(page, "officer")
    page.goto(f"{office.url}/desk")
    page.get_by_label("What did they ask?").fill(
        "Can we get funding to set up a smart production line?"
    )
    page.get_by_label("Enquirer's name", exact=True).fill("Ms Chan Tai Man")
    page.get_by_label("Telephone or e-mail").fill("chan@example.hk")
    page.select_option("#f-incorporated_under", "cap622")
    page.select_option("#f-manufacturing", "yes")
    page.get_by_role("button", name="Record the enquiry").click()
    page.select_option("#f-centre", "sme_one_hkpc")
    page.get_by_role("button", name="Route", exact=True).click()
    expect(page.locator("#f-centre")).to_have_value("sme_one_hkpc")
    expect(page.get_by_role("button", name="Route to another centre")).to_be_visible()
    page.get_by_role("button", name="Answer with the schemes that fit").click()
    expect(page.locator("main")).to_contain_text("RFS")
    expect(page.locator("main")).to_contain_text("Ms Chan Tai Man")
    screenshot(page, "journey-desk-answered")
    page.get_by_role("link", name="中文").click()
    expect(page.locator("main")).to_contain_text("公司條例")
    expect(page.locator("main")).not_to_contain_text("cap622")
    answer = page.locator("section.decision")  # each scheme by its Chinese name, not RFS
    expect(
        answer.get_by_role("link", name="再工業化資助計劃（新型工業化資助計劃）")
    ).to_be_visible()
    expect(answer).not_to_contain_text("RFS")
    screenshot(page, "journey-desk-answered-zh")


def test_auditor_checks_the_chain_and_the_administrator_reads_the_outbox(
    page: Page, office: Office
) -> None:
    office.sign_in(page, "auditor")
    page.get_by_role("link", name="Audit log").click()
    page.get_by_role("button", name="Check the chain now").click()
    expect(page.locator("#chain-result")).to_contain_text("The chain is intact")
    screenshot(page, "journey-auditor-log")
    page.get_by_role("link", name="中文").click()
    page.get_by_role("button", name="立即核對記錄鏈").click()
    expect(page.locator("#chain-result")).to_contain_text("記錄鏈完整")
    screenshot(page, "journey-auditor-log-zh")
    admin = page.context.browser
    assert admin is not None
    other = admin.new_context(viewport={"width": 1280, "height": 900}).new_page()
    office.sign_in(other, "admin")
    other.get_by_role("link", name="Notices outbox").click()
    expect(other.locator("main")).to_contain_text("We have received your application")
    screenshot(other, "journey-admin-outbox")
    other.context.close()
