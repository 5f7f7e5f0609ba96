"""Due notices: reports and milestones whose due date approaches or has passed.

Nothing in a project tells its people when a report is due, so reports were
filed late or not at all (issue 16). This job finds, on a day, every
project report and every milestone due within ``REMIND_DAYS`` (or already
overdue and still not filed or achieved) and writes one notice for it to
the outbox, in both languages, to the enterprise's applicant users who have
not turned that kind off. Each due date is registered in ``due_notices``
(unique per kind, subject and date), so running the job again, hourly from
``reind serve`` or daily from cron (``reind notices due``), tells nobody
twice; a changed due date is a new date and is told again.

The agreement records no report schedule, so the one the ITF-funded schemes
use is assumed here (unconfirmed, ADR 0166): a progress report for every
``PROGRESS_MONTHS`` of the project, due ``PROGRESS_GRACE_MONTHS`` after the
period it covers, and the final report due ``FINAL_GRACE_MONTHS`` after the
project ends. The schemes record no claim schedule either, so "claims due"
are the milestones due: the claim each allows follows the scheme's payment
conditions (``money.payment_conditions``).
"""

from __future__ import annotations

import calendar
import logging
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from reind.core.clock import Clock, SystemClock, hk_today
from reind.programme.applications.store import ApplicationRow
from reind.programme.money.store import AgreementRow, MilestoneRow, ProgressReportRow
from reind.programme.notices.outbox import notify_applicants
from reind.programme.notices.store import DueNoticeRow

logger = logging.getLogger(__name__)

REMIND_DAYS = 14
"""A due date is told this many days ahead (or at once, if it has already passed)."""
PROGRESS_MONTHS = 6
PROGRESS_GRACE_MONTHS = 1
FINAL_GRACE_MONTHS = 2
RUNNING = ("agreement_signed", "in_progress")
"""States of a project whose progress reports and milestones fall due."""
FINAL_DUE = (*RUNNING, "completed")
"""States of a project whose final report falls due (until it is filed)."""
REPORT_WORDS = {"progress": ("progress report", "進度報告"), "final": ("final report", "總結報告")}


@dataclass(frozen=True, slots=True)
class Due:
    """One thing due: what kind of notice, about what, by when, and for which project."""

    kind: str  # report_due | claim_due
    about_type: str  # report | milestone
    about_id: str
    due_on: date
    application_id: str
    what_en: str
    what_zh: str


def add_months(day: date, months: int) -> date:
    """``day`` moved on by whole months, kept within the month (31 Jan + 1 = 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _progress_due(starts: date, ends: date, filed: list[date], horizon: date) -> date | None:
    """The latest progress report due by ``horizon`` and not covered by a filed one."""
    latest: date | None = None
    months = PROGRESS_MONTHS
    while (period_end := add_months(starts, months)) < ends:
        due = add_months(period_end, PROGRESS_GRACE_MONTHS)
        if due > horizon:
            break
        if not any(end >= period_end for end in filed):
            latest = due
        months += PROGRESS_MONTHS
    return latest


def reports_due(session: Session, today: date) -> list[Due]:
    """Progress and final reports due within ``REMIND_DAYS`` of ``today`` or overdue."""
    horizon = today + timedelta(days=REMIND_DAYS)
    rows = session.execute(
        select(AgreementRow.id, AgreementRow.starts_on, AgreementRow.ends_on, ApplicationRow)
        .join(ApplicationRow, ApplicationRow.id == AgreementRow.application_id)
        .where(ApplicationRow.state.in_(FINAL_DUE))
        .where(AgreementRow.starts_on <= horizon)
    ).all()
    filed: dict[tuple[str, str], list[date]] = {}
    for agreement_id, kind, period_end in session.execute(
        select(ProgressReportRow.agreement_id, ProgressReportRow.kind, ProgressReportRow.period_end)
        .join(AgreementRow, AgreementRow.id == ProgressReportRow.agreement_id)
        .join(ApplicationRow, ApplicationRow.id == AgreementRow.application_id)
        .where(ApplicationRow.state.in_(FINAL_DUE))
    ):
        filed.setdefault((agreement_id, kind), []).append(period_end)
    found: list[Due] = []
    for agreement_id, starts, ends, app in rows:
        if app.state in RUNNING:
            due = _progress_due(starts, ends, filed.get((agreement_id, "progress"), []), horizon)
            if due is not None:
                en, zh = REPORT_WORDS["progress"]
                found.append(
                    Due("report_due", "report", f"{agreement_id}:progress", due, app.id, en, zh)
                )
        final = add_months(ends, FINAL_GRACE_MONTHS)
        if final <= horizon and (agreement_id, "final") not in filed:
            en, zh = REPORT_WORDS["final"]
            found.append(
                Due("report_due", "report", f"{agreement_id}:final", final, app.id, en, zh)
            )
    return found


def milestones_due(session: Session, today: date) -> list[Due]:
    """Milestones of running projects due within ``REMIND_DAYS`` or overdue, not achieved."""
    horizon = today + timedelta(days=REMIND_DAYS)
    rows = session.execute(
        select(MilestoneRow.id, MilestoneRow.title, MilestoneRow.due_on, ApplicationRow.id)
        .join(AgreementRow, AgreementRow.id == MilestoneRow.agreement_id)
        .join(ApplicationRow, ApplicationRow.id == AgreementRow.application_id)
        .where(ApplicationRow.state.in_(RUNNING))
        .where(MilestoneRow.achieved_on.is_(None))
        .where(MilestoneRow.due_on <= horizon)
    ).all()
    return [
        Due("claim_due", "milestone", str(mid), due, app_id, title, title)
        for mid, title, due, app_id in rows
    ]


def _told(session: Session, item: Due) -> bool:
    return (
        session.execute(
            select(DueNoticeRow.id)
            .where(DueNoticeRow.kind == item.kind)
            .where(DueNoticeRow.about_type == item.about_type)
            .where(DueNoticeRow.about_id == item.about_id)
            .where(DueNoticeRow.due_on == item.due_on)
        ).first()
        is not None
    )


def notify_due(session: Session, clock: Clock | None = None) -> int:
    """Write a notice for each report and milestone due and not told yet; how many due dates.

    Each due date is registered with its notices in one savepoint: a job
    running at the same moment that registered it first wins (the unique
    constraint), and this one leaves it, so nobody is told twice.
    """
    clock = clock or SystemClock()
    today = hk_today(clock)
    now = clock.now()
    told = 0
    for item in [*reports_due(session, today), *milestones_due(session, today)]:
        if _told(session, item):
            continue
        app = session.get_one(ApplicationRow, item.application_id)
        late = item.due_on < today
        values = {
            "reference": app.reference,
            "title": app.title,
            "day": item.due_on.isoformat(),
            "what_en": item.what_en,
            "what_zh": item.what_zh,
            "late_en": " and is now overdue" if late else "",
            "late_zh": "，現已逾期" if late else "",
        }
        try:
            with session.begin_nested():
                recipients = notify_applicants(
                    session,
                    item.kind,
                    app.enterprise_id,
                    (item.about_type, item.about_id),
                    values,
                    clock,
                )
                session.add(
                    DueNoticeRow(
                        kind=item.kind,
                        about_type=item.about_type,
                        about_id=item.about_id,
                        due_on=item.due_on,
                        created_at=now,
                        recipients=recipients,
                    )
                )
                session.flush()
        except IntegrityError:
            logger.info("due notice %s %s already told by another run", item.kind, item.about_id)
            continue
        told += 1
    return told
