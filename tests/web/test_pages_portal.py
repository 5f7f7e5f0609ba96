"""Applicant portal pages: schemes that fit, the generated form, draft, documents, submit, RFI."""

from __future__ import annotations

import re

from tests.web.test_pages_world import Browser, Demo, demo, demo_template, text_of

__all__ = ["demo", "demo_template"]  # fixtures

GOOD = {
    "title": "Egg-waffle line No. 3",
    "amount_requested": "1,000,000",
    "cost_machinery_equipment": "2,700,000",
    "desc_machinery_equipment": "Baking robots",
    "cost_staff_training": "300,000",
    "new_line_in_hong_kong": "yes",
    "smart_manufacturing": "yes",
}


def _new_draft(demo: Demo) -> tuple[Browser, str]:
    web = demo.browser("applicant")
    web.page("/portal/apply/rfs")
    saved = web.submit("/portal/apply/rfs", GOOD)
    assert saved.status_code == 303, saved.text
    found = re.search(r"/portal/applications/([0-9a-f-]+)", saved.headers["location"])
    assert found
    return web, found.group(1)


def test_the_catalogue_lists_the_schemes_the_rules_find_for_the_enterprise(demo: Demo) -> None:
    page = demo.browser("applicant").get("/portal/schemes")
    fits = page.text.split("Schemes you may qualify for")[1].split("<h2>")[0]
    assert "/portal/apply/rfs" in fits  # an SME manufacturer under Cap. 622
    assert "Not yet shown: a new production line in Hong Kong." in text_of(page)
    closed = page.text.split("Schemes that do not fit your enterprise")[1]
    assert "TVP" in closed  # closed to applications


def test_the_form_has_a_line_per_cost_category_and_the_schemes_questions(demo: Demo) -> None:
    page = demo.browser("applicant").get("/portal/apply/rfs?lang=zh-Hant")
    assert page.status_code == 200
    for category in ("machinery_equipment", "technical_consultancy", "testing", "staff_training"):
        assert f'id="f-cost_{category}"' in page.text
    assert 'id="f-new_line_in_hong_kong"' in page.text and "機器及設備" in page.text
    assert 'id="f-total_cost"' not in page.text  # the budget gives it
    assert 'name="csrf_token"' in page.text


def test_a_bad_form_comes_back_as_typed_with_the_error_beside_the_field(demo: Demo) -> None:
    web = demo.browser("applicant")
    web.page("/portal/apply/rfs")
    typed = {**GOOD, "title": "", "cost_testing": "twelve"}
    answer = web.submit("/portal/apply/rfs", typed)
    assert answer.status_code == 400
    assert 'value="2,700,000"' in answer.text and 'value="Baking robots"' in answer.text
    assert 'id="e-title"' in answer.text and 'id="e-cost_testing"' in answer.text
    assert 'aria-invalid="true"' in answer.text
    assert '<option value="yes" selected>' in answer.text


def test_saving_without_the_csrf_token_is_refused(demo: Demo) -> None:
    web = demo.browser("applicant")
    answer = web.post("/portal/apply/rfs", data=GOOD, follow_redirects=False)
    assert answer.status_code == 403 and "This form has expired" in answer.text


def test_a_draft_takes_documents_and_is_submitted_and_shows_the_public_label(demo: Demo) -> None:
    web, app_id = _new_draft(demo)
    page = web.page(f"/portal/applications/{app_id}")
    assert "Your draft is saved." in page.text or "Draft" in page.text
    assert "HK$3,000,000.00" in page.text  # total of the budget lines
    bad = web.submit(
        f"/portal/applications/{app_id}/documents",
        {},
        files={"document": ("plan.exe", b"MZ", "application/x-msdownload")},
    )
    assert bad.status_code == 400 and "not accepted" in bad.text
    good = web.submit(
        f"/portal/applications/{app_id}/documents",
        {},
        files={"document": ("plan.pdf", b"%PDF-1.4 plan", "application/pdf")},
    )
    assert good.status_code == 303
    assert web.submit(f"/portal/applications/{app_id}/submission", {}).status_code == 303
    page = web.page(f"/portal/applications/{app_id}")
    assert '<strong class="status" id="status">Received</strong>' in page.text
    assert "plan.pdf" in page.text and "Submit application" not in page.text
    assert "已收到" in web.get(f"/portal/applications/{app_id}?lang=zh-Hant").text


def test_another_enterprises_application_is_refused(demo: Demo) -> None:
    other = demo.app_id("RFS-DEMO-0001")
    answer = demo.browser("applicant").get(f"/portal/applications/{other}")
    assert answer.status_code == 403


def test_the_applicant_answers_a_request_for_information(demo: Demo) -> None:
    app_id = demo.app_id("RFS-DEMO-0001")
    officer = demo.browser("officer")
    officer.page(f"/workbench/applications/{app_id}")
    asked = officer.submit(
        f"/workbench/applications/{app_id}/transitions",
        {"action": "return_for_information", "note": "Please send the supplier's quotation."},
    )
    assert asked.status_code == 303
    applicant = demo.browser("applicant.b")
    page = applicant.page(f"/portal/applications/{app_id}")
    assert "Information needed from you" in page.text
    assert "Please send the supplier&#39;s quotation." in page.text
    empty = applicant.submit(f"/portal/applications/{app_id}/submission", {"answer": ""})
    assert empty.status_code == 400 and 'id="e-answer"' in empty.text
    sent = applicant.submit(
        f"/portal/applications/{app_id}/submission", {"answer": "Quotation attached."}
    )
    assert sent.status_code == 303
    assert "Under review" in applicant.get(f"/portal/applications/{app_id}").text


def test_a_completed_project_takes_claims_and_reports(demo: Demo) -> None:
    app_id = demo.app_id("RFS-DEMO-0004")
    web = demo.browser("applicant")
    page = web.page(f"/portal/applications/{app_id}")
    assert "Funding agreement" in page.text and "Checked by an officer" in page.text
    too_much = web.submit(f"/portal/applications/{app_id}/claims", {"claim_amount": "900,000"})
    assert too_much.status_code == 400 and 'value="900,000"' in too_much.text
    claimed = web.submit(f"/portal/applications/{app_id}/claims", {"claim_amount": "100,000"})
    assert claimed.status_code == 303
    report = {"kind": "final", "period_end": "2025-03-31", "summary": "Line in production."}
    assert web.submit(f"/portal/applications/{app_id}/reports", report).status_code == 303
    shown = text_of(web.get(f"/portal/applications/{app_id}"))
    assert "HK$100,000.00" in shown and "Final report" in shown and "Line in production." in shown


def test_a_waffle_maker_is_offered_only_the_schemes_for_its_kind_of_enterprise(
    demo: Demo,
) -> None:
    page = demo.browser("applicant").get("/portal/schemes")
    fits = page.text.split("Schemes you may qualify for")[1].split("<h2>")[0]
    for other in ("itvf", "psts", "crs", "tsssu"):
        assert f"/portal/apply/{other}" not in fits  # venture, trial, rebate, start-up schemes
    assert "/portal/apply/bud" in fits
    shown = text_of(page)
    assert "Cap. 310" not in shown.split("Schemes that do not fit")[0]  # its BR is known
    assert "holding a BR" not in shown
    assert "advanced_manufacturing_new_energy" not in shown  # codes are put in words
    assert "advanced manufacturing and new energy technology" in shown
    assert "Schemes for other kinds of applicant" in shown
    zh = text_of(demo.browser("applicant").get("/portal/schemes?lang=zh-Hant"))
    assert "advanced_manufacturing_new_energy" not in zh and "其他類別申請者的資助計劃" in zh


def test_a_saved_draft_shows_its_answers_and_a_grant_estimate_and_can_be_edited(
    demo: Demo,
) -> None:
    web = demo.browser("applicant")
    web.page("/portal/apply/rfs")
    typed = {**GOOD, "ineligible_costs": "50,000"}
    saved = web.submit("/portal/apply/rfs", typed)
    found = re.search(r"/portal/applications/([0-9a-f-]+)", saved.headers["location"])
    assert found
    app_id = found.group(1)
    page = web.page(f"/portal/applications/{app_id}")
    shown = text_of(page)
    assert "Costs in your budget that the scheme does not fund (HK$)" in shown
    assert "HK$50,000.00" in shown  # the declared ineligible costs, shown back
    assert "Grant estimate" in shown and "Rules used" in shown
    assert "What happens next" in shown
    assert f'href="/portal/applications/{app_id}/edit"' in page.text
    form = web.page(f"/portal/applications/{app_id}/edit")
    assert 'value="Egg-waffle line No. 3"' in form.text and 'value="2,700,000.00"' in form.text
    assert "Change your draft" in form.text
    changed = web.submit(
        f"/portal/applications/{app_id}/edit",
        {**typed, "title": "Egg-waffle line No. 4", "cost_machinery_equipment": "3,000,000"},
    )
    assert changed.status_code == 303
    after = text_of(web.get(f"/portal/applications/{app_id}"))
    assert "Egg-waffle line No. 4" in after and "HK$3,300,000.00" in after
    zh = text_of(web.get(f"/portal/applications/{app_id}?lang=zh-Hant"))
    assert "資助估算" in zh and "修改草稿" in zh and "rfs.matching_share" not in zh


def test_a_submitted_application_can_no_longer_be_edited(demo: Demo) -> None:
    web, app_id = _new_draft(demo)
    assert web.submit(f"/portal/applications/{app_id}/submission", {}).status_code == 303
    page = web.get(f"/portal/applications/{app_id}")
    assert f"/portal/applications/{app_id}/edit" not in page.text
    web.page(f"/portal/applications/{app_id}/edit")
    refused = web.submit(f"/portal/applications/{app_id}/edit", GOOD)
    assert refused.status_code == 400 and "only a draft can be changed" in refused.text


def test_a_cost_line_left_without_a_description_stores_none_in_english(demo: Demo) -> None:
    web = demo.browser("applicant")
    web.page("/portal/apply/rfs?lang=zh-Hant")
    typed = {**GOOD, "desc_machinery_equipment": "", "title": "雞蛋仔生產線"}
    saved = web.submit("/portal/apply/rfs", typed)
    app_id = saved.headers["location"].split("/portal/applications/")[1].split("?")[0]
    shown = text_of(web.get(f"/portal/applications/{app_id}?lang=zh-Hant"))
    assert "機器及設備" in shown and "Machinery and equipment" not in shown
