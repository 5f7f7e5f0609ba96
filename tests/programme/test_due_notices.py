"""Due notices: reports and milestones falling due are told once, by e-mail, in both languages.

On SQLite and PostgreSQL, sent to a real SMTP server (aiosmtpd, as the
outbox tests do). The project is set up straight in its tables: what is
tested is the job that reads them, not the workflow that got them there.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from reind.cli import app as cli
from reind.core.clock import FixedClock, hk_today
from reind.core.db import Database
from reind.programme.accounts.store import UserRow
from reind.programme.accounts.users import actor_of
from reind.programme.money.store import AgreementRow, MilestoneRow, ProgressReportRow
from reind.programme.notices import deliver_due
from reind.programme.notices.due import add_months, notify_due
from reind.programme.notices.preferences import preferences_of, set_preferences
from reind.programme.notices.store import DueNoticeRow, OutboxRow
from tests.programme.factories import rfs_application
from tests.programme.test_notices import ADMIN, MailServer, _applicant_enterprise, mail

__all__ = ["mail"]  # fixture

STARTS, ENDS = date(2026, 1, 1), date(2027, 6, 30)


def _project(session: Session, state: str = "in_progress") -> tuple[str, str, str]:
    """A running project (application id, agreement id, applicant's user id), mail cleared."""
    company = _applicant_enterprise(session)
    application = rfs_application(session, company, state="submitted")
    application.state = state
    agreement = AgreementRow(
        application_id=application.id,
        signed_on=STARTS,
        grant_cents=500_000_00,
        starts_on=STARTS,
        ends_on=ENDS,
    )
    session.add(agreement)
    session.flush()
    session.add(
        MilestoneRow(agreement_id=agreement.id, title="Line installed", due_on=date(2026, 8, 5))
    )
    session.query(OutboxRow).delete()  # the "received" notice of the submission
    user_id = session.execute(
        select(UserRow.id).where(UserRow.enterprise_id == company.id)
    ).scalar_one()
    return application.id, agreement.id, user_id


def _outbox(session: Session) -> list[tuple[str, str]]:
    return [
        (r.kind, r.subject) for r in session.scalars(select(OutboxRow).order_by(OutboxRow.kind))
    ]


def test_a_report_and_a_milestone_falling_due_are_told_once_in_both_languages(
    db: Database, mail: MailServer
) -> None:
    with db.unit_of_work() as session:
        _project(session)
    on = FixedClock.on(date(2026, 7, 25))  # the first progress report is due on 1 August
    with db.unit_of_work() as session:
        assert notify_due(session, on) == 2
    with db.unit_of_work() as session:
        assert notify_due(session, on) == 0  # the same due dates: told once
        assert notify_due(session, FixedClock.on(date(2026, 7, 30))) == 0
        kinds = [kind for kind, _ in _outbox(session)]
        assert kinds == ["claim_due", "report_due"]
    assert deliver_due(db, mail.url) == (2, 0)
    subjects = {m["Subject"]: m.get_content() for m in mail.inbox.messages}
    report = next(body for subject, body in subjects.items() if "report is due" in subject)
    assert "progress report" in report and "2026-08-01" in report and "進度報告" in report
    assert "overdue" not in report
    milestone = next(body for subject, body in subjects.items() if "milestone" in subject)
    assert "Line installed" in milestone and "里程碑「Line installed」" in milestone


def test_an_overdue_report_says_so_and_a_filed_one_is_not_asked_for(db: Database) -> None:
    with db.unit_of_work() as session:
        _app_id, agreement_id, _user = _project(session)
        session.add(
            ProgressReportRow(
                agreement_id=agreement_id,
                kind="progress",
                period_end=date(2026, 7, 1),
                submitted_on=date(2026, 7, 20),
                summary="on track",
            )
        )
    with db.unit_of_work() as session:  # the first report is filed: only the milestone is due
        assert notify_due(session, FixedClock.on(date(2026, 7, 25))) == 1
        assert [k for k, _ in _outbox(session)] == ["claim_due"]
    with db.unit_of_work() as session:  # the second period's report, now late
        assert notify_due(session, FixedClock.on(date(2027, 2, 10))) == 1
        body = session.scalars(select(OutboxRow.body).where(OutboxRow.kind == "report_due")).one()
        assert "2027-02-01 and is now overdue" in body and "現已逾期" in body


def test_the_final_report_is_asked_for_after_completion_until_it_is_filed(db: Database) -> None:
    with db.unit_of_work() as session:
        _project(session, state="completed")
    due = add_months(ENDS, 2)
    with db.unit_of_work() as session:
        assert notify_due(session, FixedClock.on(due)) == 1  # completed: milestones no longer
        body = session.scalars(select(OutboxRow.body)).one()
        assert "final report" in body and "總結報告" in body and due.isoformat() in body


def test_a_person_who_turned_report_notices_off_gets_only_the_others(db: Database) -> None:
    with db.unit_of_work() as session:
        _app_id, _agreement, user_id = _project(session)
        owner = session.get_one(UserRow, user_id)
        set_preferences(session, user_id, {"report_due": False}, actor_of(owner))
        assert preferences_of(session, user_id, ADMIN)["report_due"] is False
    with db.unit_of_work() as session:
        assert notify_due(session, FixedClock.on(date(2026, 7, 25))) == 2  # both registered
        assert [k for k, _ in _outbox(session)] == ["claim_due"]
        told = session.execute(
            select(DueNoticeRow.kind, DueNoticeRow.recipients).order_by(DueNoticeRow.kind)
        ).all()
        assert [tuple(t) for t in told] == [("claim_due", 1), ("report_due", 0)]


def test_reind_notices_due_runs_the_job_from_cron(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'cron.db'}"
    monkeypatch.setenv("REIND_DATABASE_URL", url)
    database = Database(url)
    database.migrate()
    with database.unit_of_work() as session:
        _project(session)  # a report overdue since 1 August, and a milestone due today
        session.execute(update(MilestoneRow).values(due_on=hk_today()))
    first = CliRunner().invoke(cli, ["notices", "due"])
    assert first.exit_code == 0 and "2 due date(s) notified" in first.output, first.output
    again = CliRunner().invoke(cli, ["notices", "due"])
    assert "0 due date(s) notified" in again.output
    with database.unit_of_work() as session:
        assert session.execute(select(func.count()).select_from(OutboxRow)).scalar_one() == 2
    database.dispose()
