"""The two-person rule on claims (issue 12): whoever submitted a claim approves no stage of it.

An officer could submit a claim and approve its first stage, and the
submitter was not recorded; a finance officer could approve a claim and then
pay it. Now the claim keeps who submitted it, each stage who approved it, the
payment who paid it; the submitter is refused at every stage, and whoever did
one stage is refused the next, with the reason in English and Chinese.
"""

from __future__ import annotations

from datetime import date

import pytest

from reind.core.db import Database
from reind.core.errors import ForbiddenError
from reind.core.money import HKD
from reind.programme.actors import Actor, Role
from reind.programme.money.claims import (
    approve_claim_as_finance,
    approve_claim_as_officer,
    disburse,
    submit_claim,
)
from reind.programme.money.store import ClaimRow
from reind.schemes.catalogue import default_engine
from tests.programme.factories import (
    FINANCE,
    OFFICER,
    SECOND_FINANCE,
    SECOND_OFFICER,
    funded_rfs_project,
)


def _claim(db: Database, submitter: Actor = OFFICER) -> str:
    with db.unit_of_work() as session:
        app = funded_rfs_project(session, grant=HKD("1000000"), completed=True)
        claim = submit_claim(session, app.id, HKD("50000"), submitter, engine=default_engine())
        assert claim.submitted_by == submitter.id
        return claim.id


def test_the_officer_who_submitted_a_claim_may_not_approve_it(db: Database) -> None:
    claim_id = _claim(db)
    with db.unit_of_work() as session, pytest.raises(ForbiddenError) as refused:
        approve_claim_as_officer(session, claim_id, OFFICER)
    assert "two-person rule" in str(refused.value)
    assert "雙人原則" in (refused.value.message_zh or "")


def test_another_officer_approves_and_each_stage_records_its_approver(db: Database) -> None:
    claim_id = _claim(db)
    with db.unit_of_work() as session:
        approve_claim_as_officer(session, claim_id, SECOND_OFFICER)
        approved = approve_claim_as_finance(session, claim_id, FINANCE)
        payment = disburse(
            session, claim_id, SECOND_FINANCE, paid_on=date(2026, 6, 30), engine=default_engine()
        )
        assert (approved.submitted_by, approved.officer_id, approved.finance_id) == (
            OFFICER.id,
            SECOND_OFFICER.id,
            FINANCE.id,
        )
        assert payment.paid_by == SECOND_FINANCE.id


def test_a_finance_officer_who_submitted_a_claim_may_not_approve_or_pay_it(
    db: Database,
) -> None:
    # Finance cannot submit claims today; a claim recorded as submitted by the same id
    # (the system acting for a person, an import) still meets the rule at finance's stage.
    claim_id = _claim(db, Actor(FINANCE.id, Role.SYSTEM))
    with db.unit_of_work() as session:
        approve_claim_as_officer(session, claim_id, SECOND_OFFICER)
    with db.unit_of_work() as session, pytest.raises(ForbiddenError, match="two-person rule"):
        approve_claim_as_finance(session, claim_id, FINANCE)


def test_the_finance_officer_who_approved_a_claim_may_not_pay_it(db: Database) -> None:
    claim_id = _claim(db)
    with db.unit_of_work() as session:
        approve_claim_as_officer(session, claim_id, SECOND_OFFICER)
        approve_claim_as_finance(session, claim_id, FINANCE)
    with db.unit_of_work() as session, pytest.raises(ForbiddenError) as refused:
        disburse(session, claim_id, FINANCE, paid_on=date(2026, 6, 30), engine=default_engine())
    assert "another finance officer must pay it (two-person rule)" in str(refused.value)
    assert (
        refused.value.message_zh == "你已在財務階段批核此申領，須由另一名財務人員付款（雙人原則）"
    )
    with db.unit_of_work() as session:  # refused and left as it was: still waiting to be paid
        claim = session.get_one(ClaimRow, claim_id)
        assert (claim.state, claim.finance_id) == ("approved", FINANCE.id)
        payment = disburse(
            session, claim_id, SECOND_FINANCE, paid_on=date(2026, 6, 30), engine=default_engine()
        )
        assert payment.paid_by == SECOND_FINANCE.id
