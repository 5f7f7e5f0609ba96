"""The budget table's total (issue 16): a case with no budget lines shows its answered total.

Historic BUD cases came in with ``total_cost`` among their answers and no
budget lines; the table read "Total cost HK$0.00" beside a HK$1.5M project.
"""

from __future__ import annotations

import re
from dataclasses import replace

from reind.core.money import HKD
from reind.programme.applications.services import ApplicationDraft, create_application
from reind.schemes.catalogue import default_engine
from tests.programme.factories import OFFICER, enterprise, rfs_draft
from tests.web.test_pages_world import Demo, demo, demo_template

__all__ = ["demo", "demo_template"]  # fixtures

TOTAL = re.compile(r'Total cost</th><td class="num">([^<]+)</td>')


def _case(demo: Demo, draft: ApplicationDraft) -> str:
    with demo.db.unit_of_work() as session:
        company = enterprise(session, name="Historic Branding Ltd")
        made = create_application(
            session,
            replace(draft, enterprise_id=company.id),
            OFFICER,
            engine=default_engine(),
        )
        return made.id


def test_a_case_without_budget_lines_shows_the_total_cost_it_answered(demo: Demo) -> None:
    app_id = _case(
        demo,
        ApplicationDraft(
            scheme="bud",
            enterprise_id="",
            title="Branding and upgrading (asean)",
            amount_requested=HKD("750000"),
            cost_lines=(),
            facts={"total_cost": "1500000", "programme": "general", "market": "asean"},
        ),
    )
    page = demo.browser("officer").get(f"/workbench/applications/{app_id}")
    assert page.status_code == 200
    found = TOTAL.search(page.text)
    assert found is not None and found.group(1) == "HK$1,500,000.00"


def test_a_case_with_budget_lines_shows_their_sum(demo: Demo) -> None:
    with demo.db.unit_of_work() as session:
        draft = rfs_draft(enterprise(session), machinery="45000000")
    app_id = _case(demo, draft)
    found = TOTAL.search(demo.browser("officer").get(f"/workbench/applications/{app_id}").text)
    assert found is not None and found.group(1) == "HK$45,000,000.00"
