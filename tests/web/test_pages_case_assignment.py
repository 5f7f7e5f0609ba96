"""The officer assigns a case on its page, finds it under My cases, and staff choose the notice.

On the demo (SQLite): the assignment form, the history in words in both
languages, "My cases" and the queue's assigned-officer filter; the staff's
own notice settings offer "a case is assigned to me" and keep the choice.
"""

from __future__ import annotations

import re

from sqlalchemy import text

from reind.programme import accounts
from reind.programme.accounts.staff import staff_in
from reind.programme.actors import SYSTEM, Role
from reind.programme.notices.preferences import preferences_of
from tests.programme.factories import enterprise, rfs_application
from tests.web.test_pages_world import Demo, demo, demo_template, text_of

__all__ = ["demo", "demo_template"]  # fixtures
STATE_OF = text("SELECT state FROM applications WHERE id = :id")
"""The state of one application: the queue the case is in."""


def _officer_id(demo: Demo) -> str:
    """The actor id of the demo's officer (Chan Siu Ming)."""
    with demo.db.unit_of_work() as session:
        return next(
            p.actor_id for p in staff_in(session, Role.OFFICER) if p.name == "Chan Siu Ming"
        )


def test_the_officer_assigns_a_case_to_themself_and_finds_it_under_my_cases(demo: Demo) -> None:
    with demo.db.unit_of_work() as session:  # a new case: the demo's own are assigned already
        case_row = rfs_application(session, enterprise(session), state="submitted")
        app_id, reference = case_row.id, case_row.reference
    me = _officer_id(demo)
    web = demo.browser("officer")
    case = web.page(f"/workbench/applications/{app_id}")
    assert case.status_code == 200 and "Not assigned yet" in text_of(case)
    refused = web.submit(
        f"/workbench/applications/{app_id}/assignment", {"duty": "officer", "officer": me}
    )
    assert refused.status_code == 400 and "Please fill this in." in text_of(refused)
    done = web.submit(
        f"/workbench/applications/{app_id}/assignment",
        {"duty": "officer", "officer": me, "reason": "Food cases this quarter"},
    )
    assert done.status_code == 303, text_of(done)
    page = text_of(web.get(done.headers["location"]))
    assert "Case officer: Chan Siu Ming" in page
    assert "Case assigned to Chan Siu Ming as case officer" in page
    assert "Food cases this quarter" in page
    zh = text_of(web.get(f"/workbench/applications/{app_id}?lang=zh-Hant"))
    assert "個案已分派給 Chan Siu Ming 擔任個案主任" in zh and "個案主任" in zh
    mine = web.page("/workbench/mine")
    assert 'href="/workbench/mine"' in mine.text and app_id in mine.text
    assert reference in text_of(mine)
    assert "我的個案" in text_of(web.get("/workbench/mine?lang=zh-Hant"))
    with demo.db.unit_of_work() as session:
        state = session.execute(STATE_OF, {"id": app_id}).scalar_one()
    queue = text_of(web.get(f"/workbench?state={state}&officer=me&lang=en"))
    assert reference in queue and "Showing 1 of 1" in queue


def test_staff_turn_the_case_assigned_notice_off_on_their_own_settings(demo: Demo) -> None:
    web = demo.browser("assessor")
    page = web.page("/account/notices")
    assert page.status_code == 200 and 'href="/account/notices"' in page.text
    assert "A case is assigned to me" in text_of(page)
    assert "A project report is due" not in text_of(page)  # the applicant's kinds are not offered
    assert web.submit("/account/notices", {}).status_code == 303
    email = demo.portfolio.user("assessor").email
    with demo.db.unit_of_work() as session:
        (me,) = accounts.list_users(session, SYSTEM, accounts.UserFilters(q=email)).items
        assert preferences_of(session, me.id, SYSTEM) == {"case_assigned": False}
    zh = text_of(web.get("/account/notices?lang=zh-Hant"))
    assert "有個案分派給我" in zh and "A case is assigned" not in zh


def test_the_queue_tabs_count_only_my_cases_when_the_list_shows_only_mine(demo: Demo) -> None:
    """A tab said 12 while "Assigned to: Me" listed 3 (issue 16): both count the same cases."""
    me = _officer_id(demo)
    with demo.db.unit_of_work() as session:  # someone else's case (nobody's yet)
        rfs_application(session, enterprise(session), state="submitted")
    with demo.db.unit_of_work() as session:
        mine: dict[str, int] = dict(
            session.execute(
                text(
                    "SELECT state, count(*) FROM applications"
                    " WHERE assigned_officer = :me GROUP BY state"
                ),
                {"me": me},
            ).all()
        )
        everyone: dict[str, int] = dict(
            session.execute(text("SELECT state, count(*) FROM applications GROUP BY state")).all()
        )
    state = "submitted"
    assert mine.get(state, 0) < everyone[state]
    page = demo.browser("officer").page(f"/workbench?state={state}&officer=me&lang=en")
    tab = re.search(
        rf'<a href="/workbench\?state={state}&amp;officer=me" aria-current="page">'
        r'[^<]*<span class="count">([^<]+)</span>',
        page.text,
    )
    assert tab is not None, page.text
    assert tab.group(1) == f"{mine.get(state, 0):,}"
