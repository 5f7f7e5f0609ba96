"""Officer workbench pages: queues, screening with its trace, only the allowed actions."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime

from reind.programme.applications.services import create_application
from reind.programme.applications.store import DocumentRow
from reind.programme.applications.transitions import transition_application
from reind.schemes.catalogue import default_engine
from tests.programme.factories import (
    OFFICER,
    applicant_of,
    enterprise,
    rfs_application,
    rfs_draft,
)
from tests.web.test_pages_world import Demo, demo, demo_template, text_of

__all__ = ["demo", "demo_template"]  # fixtures


def test_queues_count_applications_by_state_with_staff_labels(demo: Demo) -> None:
    page = demo.browser("officer").get("/workbench?state=vetting_committee")
    assert page.status_code == 200
    assert "With the vetting committee" in page.text and "RFS-DEMO-0002" in page.text
    assert "RFS-DEMO-0001" not in page.text  # it is in the screening queue
    chinese = demo.browser("officer").get("/workbench?state=screening&lang=zh-Hant")
    assert "初步審查" in chinese.text and "RFS-DEMO-0001" in chinese.text


def test_screening_shows_the_amount_and_why_with_every_parameter(demo: Demo) -> None:
    app_id = demo.app_id("RFS-DEMO-0001")
    web = demo.browser("officer")
    page = web.page(f"/workbench/applications/{app_id}")
    assert "Not screened yet" in page.text
    assert web.submit(f"/workbench/applications/{app_id}/screening", {}).status_code == 303
    shown = text_of(web.get(f"/workbench/applications/{app_id}"))
    assert "Screening result: eligible · HK$1,000,000.00" in shown
    assert "Why this amount" in shown and "news.gov.hk" in shown


def test_only_the_actions_the_workflow_allows_the_officer_are_offered(demo: Demo) -> None:
    app_id = demo.app_id("RFS-DEMO-0001")
    page = demo.browser("officer").get(f"/workbench/applications/{app_id}").text
    offered = {
        action
        for action in ("pass_screening", "return_for_information", "withdraw", "refer_to_committee")
        if f'value="{action}"' in page
    }
    assert offered == {"pass_screening", "return_for_information", "withdraw"}
    committee = demo.browser("officer").get(
        f"/workbench/applications/{demo.app_id('RFS-DEMO-0002')}"
    )
    assert 'value="support"' not in committee.text  # the approver's, through the committee


def test_a_forged_action_is_refused_and_a_guarded_one_explains_itself(demo: Demo) -> None:
    app_id = demo.app_id("RFS-DEMO-0001")
    web = demo.browser("officer")
    web.page(f"/workbench/applications/{app_id}")
    forged = web.submit(f"/workbench/applications/{app_id}/transitions", {"action": "support"})
    assert forged.status_code == 403
    early = web.submit(
        f"/workbench/applications/{app_id}/transitions",
        {"action": "pass_screening", "note": "looks fine"},
    )
    assert early.status_code == 400 and "screen the application first" in early.text
    assert "looks fine" in early.text


def test_asking_for_information_needs_a_note(demo: Demo) -> None:
    app_id = demo.app_id("RFS-DEMO-0001")
    web = demo.browser("officer")
    web.page(f"/workbench/applications/{app_id}")
    answer = web.submit(
        f"/workbench/applications/{app_id}/transitions", {"action": "return_for_information"}
    )
    assert answer.status_code == 400 and 'id="e-note"' in answer.text


def test_documents_download_for_staff_only(demo: Demo) -> None:
    app_id = demo.app_id("RFS-DEMO-0003")
    applicant = demo.browser("applicant")
    with demo.db.unit_of_work() as session:
        # attached while it was a draft (the service takes documents on drafts only)
        doc = DocumentRow(
            application_id=app_id,
            filename="q.pdf",
            media_type="application/pdf",
            size=4,
            sha256=hashlib.sha256(b"%PDF").hexdigest(),
            content=b"%PDF",
            uploaded_at=datetime.now(UTC),
        )
        session.add(doc)
        session.flush()
        doc_id = doc.id
    officer = demo.browser("officer")
    got = officer.get(f"/documents/{doc_id}")
    assert got.status_code == 200 and got.content == b"%PDF"
    assert "attachment" in got.headers["content-disposition"]
    assert demo.browser("applicant.b").get(f"/documents/{doc_id}").status_code == 403
    assert demo.browser("finance").get(f"/documents/{doc_id}").status_code == 403
    assert applicant.get("/workbench").status_code == 403


def test_the_case_reads_in_words_and_flags_the_gap_between_asked_and_computed(demo: Demo) -> None:
    with demo.db.unit_of_work() as session:
        company = enterprise(session)
        draft = rfs_draft(company, machinery="3000000", requested="1500000")
        app_id = create_application(session, draft, OFFICER, engine=default_engine()).id
        transition_application(session, app_id, "submit", applicant_of(company))
        transition_application(session, app_id, "start_screening", OFFICER)
    web = demo.browser("officer")
    web.page(f"/workbench/applications/{app_id}")
    web.submit(f"/workbench/applications/{app_id}/screening", {})
    shown = text_of(web.get(f"/workbench/applications/{app_id}?lang=en"))
    assert "Asked for HK$1,500,000.00; the rules give HK$1,000,000.00" in shown
    assert "HK$500,000.00 less than asked" in shown
    assert "Government share of the total approved project cost" in shown
    assert "Companies Ordinance (Cap. 622)" in shown
    for raw in ("rfs.matching_share", "application.transitioned", "cap622", "application.screened"):
        assert raw not in shown
    assert "Screening rules run" in shown and "Programme officer" in shown
    zh = text_of(web.get(f"/workbench/applications/{app_id}?lang=zh-Hant"))
    assert "《公司條例》（第 622 章）" in zh and "較申請額少 50萬港元" in zh
    for raw in ("rfs.matching_share", "application.transitioned", "cap622", "Screening rules run"):
        assert raw not in zh


def test_a_screening_on_an_unverified_fact_is_marked_provisional_with_the_facts(
    demo: Demo,
) -> None:
    # Received today (after 8 Jan 2024): RFS's HK$45M enterprise total cap is read, and it is [C].
    with demo.db.unit_of_work() as session:
        company = enterprise(session)
        draft = rfs_draft(company, machinery="3000000", requested="1000000")
        app_id = create_application(session, draft, OFFICER, engine=default_engine()).id
        transition_application(session, app_id, "submit", applicant_of(company))
        transition_application(session, app_id, "start_screening", OFFICER)
    web = demo.browser("officer")
    web.page(f"/workbench/applications/{app_id}")
    web.submit(f"/workbench/applications/{app_id}/screening", {})
    shown = text_of(web.get(f"/workbench/applications/{app_id}?lang=en"))
    assert "Screening result: eligible · HK$1,000,000.00 provisional" in shown
    assert "rests on unverified facts [C]" in shown
    assert "hongkongbusiness.hk" in shown  # the unverified value's source is listed
    zh = text_of(web.get(f"/workbench/applications/{app_id}?lang=zh-Hant"))
    assert "暫定" in zh and "未經核實" in zh


def test_a_screening_on_verified_facts_is_not_marked_provisional(demo: Demo) -> None:
    # Received in 2021: every RFS value then in force is official [A].
    with demo.db.unit_of_work() as session:
        app_id = rfs_application(session, state="screening", received=date(2021, 6, 1)).id
    web = demo.browser("officer")
    web.page(f"/workbench/applications/{app_id}")
    web.submit(f"/workbench/applications/{app_id}/screening", {})
    shown = text_of(web.get(f"/workbench/applications/{app_id}?lang=en"))
    assert "Screening result: eligible" in shown
    assert "provisional" not in shown.lower()


def test_the_case_history_names_the_person_who_acted_not_only_the_role(demo: Demo) -> None:
    """The history said "Programme officer" for every officer; officers need to know who."""
    with demo.db.unit_of_work() as session:
        app_id = rfs_application(session, enterprise(session), state="screening").id
    web = demo.browser("officer")
    web.page(f"/workbench/applications/{app_id}")
    web.submit(f"/workbench/applications/{app_id}/screening", {})
    name = demo.portfolio.user("officer").display_name
    for lang in ("en", "zh-Hant"):
        page = web.get(f"/workbench/applications/{app_id}?lang={lang}").text
        history = page[page.index('class="history"') :]
        assert f'<span translate="no">{name}</span>' in history, lang
