"""Sign-in under attack (issue 12): a burst of wrong passwords leaves signed-in users served.

16-20 concurrent wrong-password sign-ins once exhausted the connection pool
(a failed sign-in held one connection while recording the failure opened a
second), and for about 30 s every other request waited and ended in 500. Now
a failed sign-in uses one connection, and during a burst of 40 a signed-in
user's reads are all answered. The test prints the signed-in user's slowest
read during the burst and at rest (measured in the same run, not asserted
against the clock).
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import event

from tests.web.world import World

BURST = 40
READS = 10


def _read(world: World) -> tuple[int, float]:
    started = time.perf_counter()
    answer = world.client.get("/api/v1/applications?limit=5", headers=world.auth("officer"))
    return answer.status_code, time.perf_counter() - started


def test_a_failed_sign_in_uses_one_connection(any_world: World) -> None:
    world = any_world
    checkouts: list[int] = []
    engine = world.db.engine

    def count(*_: object) -> None:
        checkouts.append(1)

    event.listen(engine, "checkout", count)
    try:
        answer = world.client.post(
            "/api/v1/session", json={"email": world.email("officer"), "password": "wrong"}
        )
    finally:
        event.remove(engine, "checkout", count)
    assert answer.status_code == 401
    assert len(checkouts) == 1


def test_a_burst_of_wrong_passwords_leaves_a_signed_in_user_served(any_world: World) -> None:
    world = any_world
    _read(world)  # warm up: the first request builds the app's caches
    at_rest = [_read(world) for _ in range(READS)]
    start = threading.Barrier(BURST + 1)
    emails = [world.email(who) for who in ("officer", "finance", "approver", "auditor")]

    def guess(number: int) -> int:
        start.wait()
        body = {"email": emails[number % len(emails)], "password": f"guess {number}"}
        return world.client.post("/api/v1/session", json=body).status_code

    def reads() -> list[tuple[int, float]]:
        start.wait()
        return [_read(world) for _ in range(READS)]

    with ThreadPoolExecutor(BURST + 1) as pool:
        guesses = [pool.submit(guess, n) for n in range(BURST)]
        during = pool.submit(reads).result()
        answers = Counter(g.result() for g in guesses)
    assert set(answers) <= {401, 429}, answers  # never a 500 or a 503
    assert [status for status, _ in during] == [200] * READS
    slowest, rest = max(s for _, s in during), max(s for _, s in at_rest)
    print(  # noqa: T201  (the figure the issue asks for; pytest -s shows it)
        f"\nsign-in burst of {BURST} ({world.db.engine.dialect.name}): signed-in read "
        f"slowest {slowest * 1000:.0f} ms during, {rest * 1000:.0f} ms at rest "
        f"(ratio {slowest / rest:.1f})"
    )
