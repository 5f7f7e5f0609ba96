"""Many parallel claims and approvals on one project never pay more than was committed.

Run on SQLite and PostgreSQL alike (issue 12): SQLite serialises the writers with
``BEGIN IMMEDIATE`` where PostgreSQL locks the ledger row.
"""

from __future__ import annotations

import threading
from datetime import date

import pytest
from sqlalchemy import func, select

from reind.core.clock import FixedClock
from reind.core.db import Database
from reind.core.errors import ConflictError
from reind.core.money import HKD
from reind.programme.audit.chain import verify_chain
from reind.programme.money.claims import (
    approve_claim_as_finance,
    approve_claim_as_officer,
    disburse,
    ledger_of,
    submit_claim,
)
from reind.programme.money.store import DisbursementRow
from reind.programme.uow import retrying
from reind.schemes.catalogue import default_engine
from tests.programme.factories import (
    FINANCE,
    OFFICER,
    SECOND_FINANCE,
    SECOND_OFFICER,
    funded_rfs_project,
)

WORKERS = 12
CLAIM = HKD("1000000")  # 12 x 1M claimed against 10M committed: two must be refused


@pytest.mark.integration
def test_parallel_claims_never_disburse_more_than_committed(db: Database) -> None:
    with db.unit_of_work() as session:
        app = funded_rfs_project(session, machinery="30000000", completed=True)
        app_id = app.id
    barrier = threading.Barrier(WORKERS)
    refused: list[str] = []
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        barrier.wait()
        try:
            claim = retrying(
                db,
                lambda s: submit_claim(
                    s,
                    app_id,
                    CLAIM,
                    OFFICER,
                    clock=FixedClock.on(date(2026, 6, 1)),
                    idempotency_key=f"parallel-{n}",
                    engine=default_engine(),
                ),
            )
            retrying(db, lambda s: approve_claim_as_officer(s, claim.id, SECOND_OFFICER))
            retrying(db, lambda s: approve_claim_as_finance(s, claim.id, FINANCE))
            # Two payers race for the same claim: exactly one may pay it.
            for _ in range(2):
                try:
                    retrying(
                        db,
                        lambda s: disburse(
                            s,
                            claim.id,
                            SECOND_FINANCE,
                            paid_on=date(2026, 7, 1),
                            engine=default_engine(),
                        ),
                    )
                except ConflictError as exc:
                    refused.append(str(exc))
        except ConflictError as exc:
            refused.append(str(exc))
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    with db.unit_of_work() as session:
        ledger = ledger_of(session, app_id, OFFICER)
        paid = session.execute(select(func.sum(DisbursementRow.amount_cents))).scalar_one()
        assert ledger.committed == HKD("10000000")
        assert ledger.disbursed == ledger.committed  # ten claims fit, and all were paid once
        assert paid == ledger.disbursed.cents
        assert sum("still available" in r for r in refused) == 2
        assert verify_chain(session).ok
