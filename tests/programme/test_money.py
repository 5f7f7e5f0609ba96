"""Claims, two-stage approval, disbursement and the rules of the money ledger."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from reind.core.clock import FixedClock
from reind.core.db import Database
from reind.core.errors import ConflictError, ForbiddenError
from reind.core.money import HKD
from reind.programme.audit.chain import verify_chain
from reind.programme.committee.services import decide
from reind.programme.enterprises.registry import connect_enterprises
from reind.programme.money.agreements import sign_agreement
from reind.programme.money.claims import (
    approve_claim_as_finance,
    approve_claim_as_officer,
    disburse,
    ledger_of,
    submit_claim,
)
from reind.programme.money.store import ClaimRow
from reind.schemes.catalogue import default_engine
from tests.programme.factories import (
    APPROVER,
    FINANCE,
    OFFICER,
    SECOND_FINANCE,
    SECOND_OFFICER,
    enterprise,
    funded_rfs_project,
    meeting,
    rfs_application,
    score_fully,
)

PAID = date(2026, 6, 30)


def test_rfs_pays_on_completion_only(db: Database) -> None:
    with db.unit_of_work() as session:
        app = funded_rfs_project(session)
        with pytest.raises(ConflictError, match="pays on completion only"):
            submit_claim(
                session,
                app.id,
                HKD("1000000"),
                OFFICER,
                clock=FixedClock.on(PAID),
                engine=default_engine(),
            )


def test_a_claim_goes_through_officer_then_finance_then_payment(db: Database) -> None:
    with db.unit_of_work() as session:
        app = funded_rfs_project(session, completed=True)
        claim = submit_claim(
            session,
            app.id,
            HKD("15000000"),
            OFFICER,
            clock=FixedClock.on(PAID),
            engine=default_engine(),
        )
        with pytest.raises(ConflictError, match="not waiting for finance"):
            approve_claim_as_finance(session, claim.id, FINANCE)
        approve_claim_as_officer(session, claim.id, SECOND_OFFICER)
        approve_claim_as_finance(session, claim.id, FINANCE)
        disburse(session, claim.id, SECOND_FINANCE, paid_on=PAID, engine=default_engine())
        ledger = ledger_of(session, app.id, OFFICER)
        assert ledger.disbursed == ledger.committed == HKD("15000000")
        assert ledger.available == HKD("0")
        assert verify_chain(session).ok


def test_finance_cannot_approve_what_it_approved_as_officer(db: Database) -> None:
    with db.unit_of_work() as session:
        app = funded_rfs_project(session, completed=True)
        claim = submit_claim(
            session, app.id, HKD("100"), OFFICER, clock=FixedClock.on(PAID), engine=default_engine()
        )
        with pytest.raises(ForbiddenError):
            approve_claim_as_officer(session, claim.id, FINANCE)


def test_claims_never_exceed_the_commitment(db: Database) -> None:
    with db.unit_of_work() as session:
        app = funded_rfs_project(session, completed=True)
        submit_claim(
            session,
            app.id,
            HKD("10000000"),
            OFFICER,
            clock=FixedClock.on(PAID),
            engine=default_engine(),
        )
        with pytest.raises(ConflictError, match="more than the HK\\$5,000,000.00 still available"):
            submit_claim(
                session,
                app.id,
                HKD("5000000.01"),
                OFFICER,
                clock=FixedClock.on(PAID),
                engine=default_engine(),
            )


def test_a_retried_claim_returns_the_first_claim(db: Database) -> None:
    with db.unit_of_work() as session:
        app = funded_rfs_project(session, completed=True)
        first = submit_claim(
            session,
            app.id,
            HKD("100"),
            OFFICER,
            clock=FixedClock.on(PAID),
            idempotency_key="claim-1",
            engine=default_engine(),
        )
        again = submit_claim(
            session,
            app.id,
            HKD("100"),
            OFFICER,
            clock=FixedClock.on(PAID),
            idempotency_key="claim-1",
            engine=default_engine(),
        )
        assert again.id == first.id
        assert session.execute(select(func.count()).select_from(ClaimRow)).scalar_one() == 1
        assert ledger_of(session, app.id, OFFICER).claimed == HKD("100")


def test_connected_enterprises_share_the_cumulative_cap(db: Database) -> None:
    with db.unit_of_work() as session:
        parent, subsidiary = enterprise(session), enterprise(session)
        connect_enterprises(session, parent.id, subsidiary.id, "subsidiary", OFFICER)
        funded_rfs_project(session, parent)
        funded_rfs_project(session, subsidiary)
        app = rfs_application(session, subsidiary, state="vetting_committee")
        held = meeting(session, [app.id])
        score_fully(session, held.id, app.id)
        decide(
            session,
            held.id,
            app.id,
            APPROVER,
            supported=True,
            reasons_en="Good.",
            reasons_zh="好。",
            decided_on=date(2024, 4, 1),
            grant=HKD("15000000"),
            engine=default_engine(),
        )
        # 15M + 15M already committed in the group; the HK$45M cap leaves exactly 15M.
        with pytest.raises(ConflictError, match="exceeds the cumulative cap"):
            sign_agreement(
                session,
                app.id,
                OFFICER,
                grant=HKD("15000000.01"),
                signed_on=date(2024, 5, 1),
                starts_on=date(2024, 6, 1),
                ends_on=date(2025, 6, 1),
                engine=default_engine(),
            )


def test_a_project_is_completed_only_once_every_milestone_is_achieved(db: Database) -> None:
    from reind.programme.applications.transitions import transition_application
    from reind.programme.money.agreements import achieve_milestone
    from reind.programme.money.store import AgreementRow, MilestoneRow

    with db.unit_of_work() as session:
        app = funded_rfs_project(session)
        agreement = session.execute(
            select(AgreementRow).where(AgreementRow.application_id == app.id)
        ).scalar_one()
        first = MilestoneRow(agreement_id=agreement.id, title="Line installed", due_on=PAID)
        session.add(first)
        session.flush()
        with pytest.raises(ConflictError, match="Line installed") as refused:
            transition_application(session, app.id, "complete", OFFICER)
        assert "里程碑" in refused.value.localized("zh-Hant")
        assert app.state == "in_progress"
        achieve_milestone(session, first.id, PAID, OFFICER)
        transition_application(session, app.id, "complete", OFFICER)
        assert app.state == "completed"
