"""A claim approved and a claim paid are told to the applicant, through the outbox.

On SQLite and PostgreSQL; the e-mails go to a real SMTP server (aiosmtpd).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import delete, select

from reind.core.clock import FixedClock
from reind.core.db import Database
from reind.core.money import HKD
from reind.programme.money.claims import (
    approve_claim_as_finance,
    approve_claim_as_officer,
    disburse,
    reject_claim,
    submit_claim,
)
from reind.programme.notices import deliver_due
from reind.programme.notices.store import OutboxRow
from reind.schemes.catalogue import default_engine
from tests.programme.factories import (
    FINANCE,
    OFFICER,
    SECOND_FINANCE,
    SECOND_OFFICER,
    funded_rfs_project,
)
from tests.programme.test_notices import MailServer, _applicant_enterprise, mail

__all__ = ["mail"]  # fixture

PAID = date(2026, 6, 30)


def test_the_applicant_is_told_when_a_claim_is_approved_and_when_it_is_paid(
    db: Database, mail: MailServer
) -> None:
    with db.unit_of_work() as session:
        app = funded_rfs_project(session, _applicant_enterprise(session), completed=True)
        session.execute(delete(OutboxRow))  # the notices of the application's own steps
        claim = submit_claim(
            session,
            app.id,
            HKD("1000000"),
            OFFICER,
            clock=FixedClock.on(PAID),
            engine=default_engine(),
        )
        approve_claim_as_officer(session, claim.id, SECOND_OFFICER)
        assert session.scalars(select(OutboxRow.kind)).all() == []  # not yet: finance decides
        approve_claim_as_finance(session, claim.id, FINANCE, clock=FixedClock.on(PAID))
        disburse(session, claim.id, SECOND_FINANCE, paid_on=PAID, engine=default_engine())
        reference = app.reference
    assert deliver_due(db, mail.url) == (2, 0)
    subjects = sorted(" ".join(m["Subject"].split()) for m in mail.inbox.messages)
    assert f"Your claim of HK$1,000,000.00 on {reference} is approved" in subjects[0]
    assert f"你就 {reference} 提出的 HK$1,000,000.00 申領已獲批核" in subjects[0]
    assert f"Your claim of HK$1,000,000.00 on {reference} is paid" in subjects[1]
    assert "申領已付款" in subjects[1]
    paid = next(m for m in mail.inbox.messages if "is paid" in m["Subject"])
    assert "was paid on 2026-06-30" in paid.get_content()


def test_a_rejected_claim_is_not_told_as_approved(db: Database) -> None:
    with db.unit_of_work() as session:
        app = funded_rfs_project(session, _applicant_enterprise(session), completed=True)
        session.execute(delete(OutboxRow))
        claim = submit_claim(
            session,
            app.id,
            HKD("1000000"),
            OFFICER,
            clock=FixedClock.on(PAID),
            engine=default_engine(),
        )
        reject_claim(session, claim.id, OFFICER, "the invoice is missing")
        assert session.scalars(select(OutboxRow.kind)).all() == []
