"""The secretariat puts referred cases on a meeting's agenda from one screen, many at once."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from reind.core.clock import hk_today
from reind.programme.committee.services import schedule_meeting
from reind.programme.committee.store import AgendaItemRow, CommitteeRow
from reind.programme.enterprises.store import EnterpriseRow
from tests.programme.factories import OFFICER, rfs_application
from tests.web.test_pages_world import Demo, demo, demo_template, text_of

__all__ = ["demo", "demo_template"]  # fixtures


def _setting(demo: Demo) -> tuple[list[str], str, str]:
    """Two referred RFS cases, one still in screening, and a meeting next week."""
    with demo.db.unit_of_work() as session:
        company = session.scalars(select(EnterpriseRow).limit(1)).one()
        referred = [rfs_application(session, company, state="vetting_committee") for _ in range(2)]
        early = rfs_application(session, company, state="screening")
        committee = session.scalars(
            select(CommitteeRow).where(CommitteeRow.scheme == "rfs")
        ).first()
        assert committee is not None
        held = schedule_meeting(session, committee.id, hk_today() + timedelta(days=7), [], OFFICER)
        return [a.id for a in referred], early.id, held.id


def test_the_officer_puts_two_referred_cases_on_next_weeks_agenda_in_one_go(demo: Demo) -> None:
    ids, _early, meeting_id = _setting(demo)
    web = demo.browser("officer")
    page = web.page("/workbench/agenda")
    assert page.status_code == 200 and 'href="/workbench/agenda"' in page.text
    assert all(i in page.text for i in ids) and meeting_id in page.text
    done = web.submit_many(
        "/workbench/agenda", [("meeting_id", meeting_id), *(("application_id", i) for i in ids)]
    )
    assert done.status_code == 303, text_of(done)
    assert "Cases put on the agenda: 2." in text_of(web.get(done.headers["location"]))
    with demo.db.unit_of_work() as session:
        placed = session.execute(
            select(AgendaItemRow.application_id, AgendaItemRow.position)
            .where(AgendaItemRow.meeting_id == meeting_id)
            .order_by(AgendaItemRow.position)
        ).all()
    assert [tuple(p) for p in placed] == [(ids[0], 1), (ids[1], 2)]
    zh = text_of(web.get("/workbench/agenda?lang=zh-Hant"))
    assert "委員會議程" in zh and "Committee agendas" not in zh


def test_one_case_that_cannot_go_keeps_the_whole_batch_off_with_its_reason(demo: Demo) -> None:
    ids, early, meeting_id = _setting(demo)
    web = demo.browser("officer")
    web.page("/workbench/agenda")
    refused = web.submit_many(
        "/workbench/agenda",
        [("meeting_id", meeting_id), ("application_id", ids[0]), ("application_id", early)],
    )
    assert refused.status_code == 400
    shown = text_of(refused)
    assert "only a case referred to the committee goes on an agenda" in shown
    # the state in words in both languages, not its code (issue 16: "is screening")
    assert "is Screening: only" in shown and "is screening" not in shown
    web.page("/workbench/agenda?lang=zh-Hant")
    chinese = web.submit_many(
        "/workbench/agenda",
        [("meeting_id", meeting_id), ("application_id", ids[0]), ("application_id", early)],
    )
    assert "現為「初步審查」：只有已轉介委員會的個案可列入議程" in text_of(chinese)
    assert "screening" not in text_of(chinese)
    with demo.db.unit_of_work() as session:
        assert (
            session.execute(
                select(AgendaItemRow.id).where(AgendaItemRow.meeting_id == meeting_id)
            ).first()
            is None
        )
    assert demo.browser("finance").get("/workbench/agenda").status_code == 403
