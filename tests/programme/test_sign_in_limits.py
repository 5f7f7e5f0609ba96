"""Limits on password guessing: five failures lock an address for fifteen minutes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from argon2 import PasswordHasher

from reind.core.db import Database
from reind.programme.accounts.sign_in_limits import DEFAULT_POLICY, TooManySignInsError
from reind.programme.accounts.store import SignInAttemptsRow
from reind.programme.accounts.users import (
    NotAuthenticatedError,
    add_user,
    authenticate,
)
from reind.programme.actors import SYSTEM, Role

FAST = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
PASSWORD = "a long enough passphrase"
EMAIL = "officer.lee@itc.gov.hk"


@dataclass
class Ticking:
    """A clock the test moves by hand."""

    moment: datetime

    def now(self) -> datetime:
        return self.moment


def _officer(db: Database) -> None:
    with db.unit_of_work() as session:
        add_user(
            session,
            SYSTEM,
            email=EMAIL,
            display_name="Officer Lee",
            role=Role.OFFICER,
            password=PASSWORD,
            hasher=FAST,
        )


def _fail(db: Database, clock: Ticking, email: str = EMAIL) -> datetime | None:
    """One wrong password (``authenticate`` counts it); the end of the lock if it locked."""
    with db.unit_of_work() as session:
        before = session.get(SignInAttemptsRow, email.lower())
        was_locked = before is not None and before.locked_until is not None
    with pytest.raises(NotAuthenticatedError), db.unit_of_work() as session:
        authenticate(session, email, "not the password", FAST, clock)
    with db.unit_of_work() as session:
        until = session.get_one(SignInAttemptsRow, email.lower()).locked_until
    if until is None or was_locked:
        return None
    return until if until.tzinfo else until.replace(tzinfo=UTC)  # SQLite: stored in UTC


def test_the_fifth_failure_locks_the_address_even_against_the_right_password(
    db: Database,
) -> None:
    _officer(db)
    clock = Ticking(datetime(2026, 11, 24, 9, 0, tzinfo=UTC))
    ends = [_fail(db, clock) for _ in range(DEFAULT_POLICY.max_failures)]
    assert ends[:-1] == [None] * (DEFAULT_POLICY.max_failures - 1)
    assert ends[-1] == clock.moment + DEFAULT_POLICY.lockout
    clock.moment += timedelta(minutes=5)
    with db.unit_of_work() as session, pytest.raises(TooManySignInsError) as locked:
        authenticate(session, EMAIL.upper(), PASSWORD, FAST, clock)
    assert locked.value.status == 429
    assert locked.value.retry_after_seconds == 600
    assert locked.value.headers() == {"Retry-After": "600"}
    assert "10 minute" in str(locked.value)


def test_the_lock_ends_and_a_right_password_then_clears_the_count(db: Database) -> None:
    _officer(db)
    clock = Ticking(datetime(2026, 11, 24, 9, 0, tzinfo=UTC))
    for _ in range(DEFAULT_POLICY.max_failures):
        _fail(db, clock)
    clock.moment += DEFAULT_POLICY.lockout
    with db.unit_of_work() as session:
        assert authenticate(session, EMAIL, PASSWORD, FAST, clock).email == EMAIL
    with db.unit_of_work() as session:
        assert session.get(SignInAttemptsRow, EMAIL) is None


def test_failures_older_than_the_window_are_forgotten(db: Database) -> None:
    _officer(db)
    clock = Ticking(datetime(2026, 11, 24, 9, 0, tzinfo=UTC))
    for _ in range(DEFAULT_POLICY.max_failures - 1):
        _fail(db, clock)
    clock.moment += DEFAULT_POLICY.window
    assert _fail(db, clock) is None  # a new window: one failure, not five
    with db.unit_of_work() as session:
        assert session.get_one(SignInAttemptsRow, EMAIL).failures == 1
        assert authenticate(session, EMAIL, PASSWORD, FAST, clock).email == EMAIL


def test_an_address_with_no_account_is_locked_the_same_way(db: Database) -> None:
    _officer(db)
    clock = Ticking(datetime(2026, 11, 24, 9, 0, tzinfo=UTC))
    stranger = "nobody@example.com"
    ends = [_fail(db, clock, stranger) for _ in range(DEFAULT_POLICY.max_failures)]
    assert ends[-1] is not None
    with db.unit_of_work() as session, pytest.raises(TooManySignInsError):
        authenticate(session, stranger, PASSWORD, FAST, clock)
    with db.unit_of_work() as session:  # and the lock is per address: others still sign in
        assert authenticate(session, EMAIL, PASSWORD, FAST, clock).email == EMAIL


def test_an_invalid_address_is_not_counted(db: Database) -> None:
    clock = Ticking(datetime(2026, 11, 24, 9, 0, tzinfo=UTC))
    with db.unit_of_work() as session:
        with pytest.raises(NotAuthenticatedError):
            authenticate(session, "not an address", PASSWORD, FAST, clock)
        assert session.query(SignInAttemptsRow).count() == 0
