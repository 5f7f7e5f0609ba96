"""Parallel requests keep the money and the records exact, on SQLite and on PostgreSQL alike.

Each scenario fires about thirty requests at once through the API (real
threads released together by a barrier) and then checks the books: every
record has its audit event, live claims <= committed <= approved, disbursed
= the sum of the payments, no answer was a 500, and the audit chain verifies.
No wall-clock assertions: only counts.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from functools import partial
from typing import Any, Literal

import httpx2 as httpx  # what Starlette's TestClient speaks
import pytest
from argon2 import PasswordHasher
from sqlalchemy import func, select

from reind.core.clock import FixedClock
from reind.core.money import HKD
from reind.programme.accounts.sign_in_limits import DEFAULT_POLICY
from reind.programme.actors import Role
from reind.programme.applications.store import ApplicationRow
from reind.programme.audit import verify_chain
from reind.programme.audit.completeness import check_completeness
from reind.programme.audit.store import AuditEventRow
from reind.programme.committee.criteria import criteria_for
from reind.programme.committee.store import ScoreRow
from reind.programme.enterprises.store import EnterpriseRow
from reind.programme.money.claims import submit_claim
from reind.programme.money.store import ClaimRow, DisbursementRow, LedgerRow
from reind.schemes.catalogue import default_engine
from tests.programme.factories import OFFICER, funded_rfs_project, rfs_application
from tests.web.test_api_guarantees import DRAFT
from tests.web.world import PASSWORD, World, add_person, committee_meeting

PARALLEL = 30


def _burst(calls: Sequence[Callable[[], httpx.Response]]) -> list[httpx.Response]:
    """Run ``calls`` in as many threads, released together."""
    barrier = threading.Barrier(len(calls))

    def run(call: Callable[[], httpx.Response]) -> httpx.Response:
        barrier.wait()
        return call()

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(run, calls))


def _statuses(answers: list[httpx.Response]) -> Counter[int]:
    return Counter(a.status_code for a in answers)


def _project(world: World, grant: str) -> str:
    with world.db.unit_of_work() as session:
        company = session.get_one(EnterpriseRow, world.enterprise_a)
        app = funded_rfs_project(session, company, grant=HKD(grant), completed=True)
        return app.id


def _events(session: Any, kind: str) -> Counter[str]:
    rows = session.execute(select(AuditEventRow.subject_id).where(AuditEventRow.kind == kind))
    return Counter(rows.scalars())


def _assert_books_hold(world: World) -> None:
    """Every record has its events, the ledgers add up, and the chain verifies."""
    with world.db.unit_of_work() as session:
        created = _events(session, "application.created")
        for app_id in session.execute(select(ApplicationRow.id)).scalars():
            assert created[app_id] == 1, f"application {app_id} has {created[app_id]} events"
        claimed = _events(session, "money.claimed")
        disbursed = _events(session, "money.disbursed")
        for claim in session.execute(select(ClaimRow)).scalars():
            assert claimed[claim.id] == 1, f"claim {claim.id} has {claimed[claim.id]} events"
            assert disbursed[claim.id] == (claim.state == "paid"), f"claim {claim.id}"
        assert (
            sum(disbursed.values())
            == session.execute(select(func.count()).select_from(DisbursementRow)).scalar_one()
        )
        for ledger in session.execute(select(LedgerRow)).scalars():
            live = session.execute(
                select(func.coalesce(func.sum(ClaimRow.amount_cents), 0)).where(
                    ClaimRow.application_id == ledger.application_id,
                    ClaimRow.state != "rejected",
                )
            ).scalar_one()
            paid = session.execute(
                select(func.coalesce(func.sum(DisbursementRow.amount_cents), 0)).where(
                    DisbursementRow.application_id == ledger.application_id
                )
            ).scalar_one()
            assert live == ledger.claimed_cents
            assert live <= ledger.committed_cents <= ledger.approved_cents
            assert ledger.disbursed_cents == paid <= ledger.claims_approved_cents
        report = verify_chain(session)
        complete = check_completeness(session)
    assert report.ok, report
    assert complete.ok, complete


def _claim(world: World, app_id: str, amount: str, key: str | None = None) -> httpx.Response:
    headers = world.auth("applicant")
    if key is not None:
        headers["Idempotency-Key"] = key
    return world.client.post(
        f"/api/v1/applications/{app_id}/claims",
        json={"amount": amount},
        headers=headers,
    )


def test_parallel_claims_never_claim_more_than_is_left_and_each_refusal_leaves_nothing(
    any_world: World,
) -> None:
    world = any_world
    app_id = _project(world, "490000")
    answers = _burst([lambda: _claim(world, app_id, "50000") for _ in range(PARALLEL)])
    with world.db.unit_of_work() as session:
        stored = session.execute(
            select(func.count()).select_from(ClaimRow).where(ClaimRow.application_id == app_id)
        ).scalar_one()
        events = sum(_events(session, "money.claimed").values())
    # Nine claims of 50,000 fit in 490,000: the other 21 are refused and leave nothing.
    assert (_statuses(answers), stored, events) == ({201: 9, 409: 21}, 9, 9)
    _assert_books_hold(world)


def test_parallel_approvals_and_payments_pass_each_claim_once(any_world: World) -> None:
    world = any_world
    app_id = _project(world, "1000000")
    with world.db.unit_of_work() as session:
        claim_ids = [
            submit_claim(
                session,
                app_id,
                HKD("100000"),
                OFFICER,
                clock=FixedClock.on(date(2024, 9, 1)),
                engine=default_engine(),
            ).id
            for _ in range(10)
        ]
    add_person(world, "paying_finance", Role.FINANCE)  # who approved does not pay (issue 12)
    stages: list[tuple[str, str, dict[str, str] | None, int]] = [
        ("officer", "officer-approval", None, 200),
        ("finance", "finance-approval", None, 200),
        ("paying_finance", "disbursement", {"paid_on": "2024-10-01"}, 201),
    ]
    for who, step, body, ok in stages:
        calls = [
            partial(
                world.client.post,
                f"/api/v1/claims/{claim_id}/{step}",
                json=body,
                headers=world.auth(who),
            )
            for claim_id in claim_ids
            for _ in range(3)
        ]
        answers = _burst(calls)
        assert _statuses(answers) == {ok: 10, 409: 20}, (step, [a.text for a in answers])
    _assert_books_hold(world)
    with world.db.unit_of_work() as session:
        ledger = session.get_one(LedgerRow, app_id)
        assert ledger.disbursed_cents == HKD("1000000").cents


def test_parallel_new_applications_from_one_applicant_are_each_stored_once_with_their_event(
    any_world: World,
) -> None:
    world = any_world
    body = {**DRAFT, "enterprise_id": world.enterprise_a}
    answers = _burst(
        [
            partial(
                world.client.post,
                "/api/v1/applications",
                json={**body, "title": f"Line {n}"},
                headers=world.auth("applicant"),
            )
            for n in range(PARALLEL)
        ]
    )
    assert _statuses(answers) == {201: PARALLEL}, [a.text for a in answers if a.status_code != 201]
    with world.db.unit_of_work() as session:
        stored = session.execute(select(func.count()).select_from(ApplicationRow)).scalar_one()
    assert stored == PARALLEL
    _assert_books_hold(world)


def test_an_officers_reads_are_answered_during_a_burst_of_writers(any_world: World) -> None:
    """Reads do not queue behind writers (ADR 0095): every read is answered while thirty new
    applications are written at once. Prints the slowest read during the burst and at rest,
    measured in the same run (not asserted against the clock)."""
    world = any_world
    body = {**DRAFT, "enterprise_id": world.enterprise_a}

    def read() -> tuple[int, float]:
        started = time.perf_counter()
        answer = world.client.get("/api/v1/applications?limit=5", headers=world.auth("officer"))
        return answer.status_code, time.perf_counter() - started

    read()  # warm up: the first request builds the app's caches and the officer's holder
    at_rest = [read() for _ in range(10)]
    writes = [
        partial(
            world.client.post,
            "/api/v1/applications",
            json={**body, "title": f"Burst {n}"},
            headers=world.auth("applicant"),
        )
        for n in range(PARALLEL)
    ]
    during: list[tuple[int, float]] = []

    def reads() -> httpx.Response:
        during.extend(read() for _ in range(10))
        return httpx.Response(200)

    answers = _burst([*writes, reads])
    assert _statuses(answers[:PARALLEL]) == {201: PARALLEL}
    assert [status for status, _ in during] == [200] * 10
    slowest, rest = max(s for _, s in during), max(s for _, s in at_rest)
    print(  # noqa: T201  (the figure; pytest -s shows it)
        f"\nwriter burst of {PARALLEL} ({world.db.engine.dialect.name}): officer's read "
        f"slowest {slowest * 1000:.0f} ms during, {rest * 1000:.0f} ms at rest "
        f"(ratio {slowest / rest:.1f})"
    )
    _assert_books_hold(world)


def test_one_idempotency_key_sent_thirty_times_at_once_makes_one_claim(any_world: World) -> None:
    world = any_world
    app_id = _project(world, "490000")
    answers = _burst(
        [lambda: _claim(world, app_id, "50000", key="claim-burst-0001") for _ in range(PARALLEL)]
    )
    assert _statuses(answers) == {201: PARALLEL}, [a.text for a in answers if a.status_code != 201]
    assert len({a.json()["id"] for a in answers}) == 1
    with world.db.unit_of_work() as session:
        assert session.get_one(LedgerRow, app_id).claimed_cents == HKD("50000").cents
    _assert_books_hold(world)


def test_one_idempotency_key_sent_thirty_times_at_once_makes_one_application(
    any_world: World,
) -> None:
    world = any_world
    body = {**DRAFT, "enterprise_id": world.enterprise_a}
    headers = {**world.auth("applicant"), "Idempotency-Key": "draft-burst-0001"}
    answers = _burst(
        [
            lambda: world.client.post("/api/v1/applications", json=body, headers=headers)
            for _ in range(PARALLEL)
        ]
    )
    assert _statuses(answers) == {201: PARALLEL}, [a.text for a in answers if a.status_code != 201]
    assert len({a.json()["id"] for a in answers}) == 1
    _assert_books_hold(world)


def test_parallel_wrong_passwords_check_no_more_guesses_than_the_limit(
    any_world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = any_world
    checked: list[str] = []
    verify = PasswordHasher.verify

    def counted(self: PasswordHasher, hash: str | bytes, password: str | bytes) -> Literal[True]:
        checked.append("guess")  # list.append is atomic: no lock needed across threads
        return verify(self, hash, password)

    monkeypatch.setattr(PasswordHasher, "verify", counted)
    body = {"email": world.email("officer"), "password": "not the password"}
    answers = _burst(
        [lambda: world.client.post("/api/v1/session", json=body) for _ in range(PARALLEL)]
    )
    limit = DEFAULT_POLICY.max_failures
    assert (_statuses(answers), len(checked)) == ({401: limit, 429: PARALLEL - limit}, limit)
    locked = world.client.post("/api/v1/session", json={**body, "password": PASSWORD})
    assert locked.status_code == 429 and int(locked.headers["Retry-After"]) > 0


def test_parallel_scores_by_one_member_keep_one_score_per_criterion_each_audited(
    any_world: World,
) -> None:
    world = any_world
    criteria = [c.code for c in criteria_for("rfs").items]
    with world.db.unit_of_work() as session:
        company = session.get_one(EnterpriseRow, world.enterprise_a)
        app_id = rfs_application(session, company, state="vetting_committee").id
        meeting_id = committee_meeting(session, world, [app_id]).id
    url = f"/api/v1/meetings/{meeting_id}/applications/{app_id}/scores"
    answers = _burst(
        [
            partial(
                world.client.post,
                url,
                json={"criterion": criteria[n % len(criteria)], "score": n % 6},
                headers=world.auth("member"),
            )
            for n in range(PARALLEL)
        ]
    )
    assert _statuses(answers) == {201: PARALLEL}, [a.text for a in answers if a.status_code != 201]
    with world.db.unit_of_work() as session:
        scores = session.execute(
            select(ScoreRow.criterion).where(ScoreRow.application_id == app_id)
        ).scalars()
        events = _events(session, "committee.scored")
    assert sorted(scores) == sorted(criteria)
    assert events[app_id] == PARALLEL
    _assert_books_hold(world)
