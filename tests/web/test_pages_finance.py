"""Finance pages: second-stage approval, payment, the project ledger."""

from __future__ import annotations

from reind.programme.money.store import ClaimRow
from tests.web.test_pages_world import Demo, demo, demo_template, text_of

__all__ = ["demo", "demo_template"]  # fixtures


def test_finance_approves_a_checked_claim_another_pays_it_and_the_ledger_shows_it(
    demo: Demo,
) -> None:
    claim = demo.portfolio.claim_id
    web = demo.browser("finance")
    page = web.page("/finance")
    assert "RFS-DEMO-0004" in page.text and "HK$1,500,000.00" in page.text
    assert web.submit(f"/claims/{claim}/decision", {"verdict": "approve"}).status_code == 303
    payer = demo.browser("finance.chow")
    assert f"/claims/{claim}/payment" in payer.page("/finance").text
    assert payer.submit(f"/claims/{claim}/payment", {}).status_code == 303
    ledger = text_of(web.get(f"/finance/projects/{demo.app_id('RFS-DEMO-0004')}"))
    assert "Paid HK$1,500,000.00" in ledger and "Still available to claim HK$500,000.00" in ledger
    assert (
        "款項變動" in web.get(f"/finance/projects/{demo.app_id('RFS-DEMO-0004')}?lang=zh-Hant").text
    )


def test_the_finance_officer_who_approved_a_claim_may_not_pay_it(demo: Demo) -> None:
    """The two-person rule at payment (issue 12): the page offers no button, the service refuses."""
    claim = demo.portfolio.claim_id
    web = demo.browser("finance")
    web.page("/finance")
    assert web.submit(f"/claims/{claim}/decision", {"verdict": "approve"}).status_code == 303
    page = web.page("/finance")
    assert "You approved it: another finance officer pays it." in text_of(page)
    assert f"/claims/{claim}/payment" not in page.text
    refused = web.submit(f"/claims/{claim}/payment", {})
    assert refused.status_code == 400
    assert "another finance officer must pay it (two-person rule)" in refused.text
    # said once, in the claim's row: not again in a summary, nor by the row's standing note
    assert refused.text.count("two-person rule") == 1
    assert "You approved it: another finance officer pays it." not in text_of(refused)
    chinese = web.get("/finance?lang=zh-Hant").text
    assert "你已批核此申領：須由另一名財務人員付款。" in chinese
    with demo.db.unit_of_work() as session:
        assert session.get_one(ClaimRow, claim).state == "approved"  # still waiting to be paid


def test_rejecting_needs_a_reason_and_keeps_the_form(demo: Demo) -> None:
    claim = demo.portfolio.claim_id
    web = demo.browser("finance")
    web.page("/finance")
    answer = web.submit(f"/claims/{claim}/decision", {"verdict": "reject"})
    assert answer.status_code == 400 and f'id="e-reason_{claim}"' in answer.text


def test_approving_without_the_csrf_token_is_refused(demo: Demo) -> None:
    claim = demo.portfolio.claim_id
    web = demo.browser("finance")
    refused = web.post(f"/claims/{claim}/decision", data={"verdict": "approve"})
    assert refused.status_code == 403
    assert "RFS-DEMO-0004" in web.get("/finance").text  # still waiting


def test_the_officer_queue_holds_submitted_claims_only(demo: Demo) -> None:
    page = demo.browser("officer").get("/workbench/claims")
    assert page.status_code == 200 and "No claims are waiting for you." in page.text
    assert demo.browser("applicant").get("/finance/projects").status_code == 403
