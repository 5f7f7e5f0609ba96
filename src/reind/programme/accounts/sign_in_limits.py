"""Limits on password guessing: too many failed sign-ins lock an address for a while.

NIST SP 800-63B (5.2.2) asks a verifier to limit the failed attempts an
attacker can make against one account. Failures are counted per normalised
e-mail address in the database, so every worker (and every entry point: the
API and the sign-in page) sees the same count, and an address that has no
account is counted and locked the same way, so the answer still tells nobody
which addresses exist. A lock refuses even the right password until it ends;
a successful sign-in clears the count.

Each guess is counted as a failure before the password is checked
(``admit_guess``, committed at once), so parallel guesses cannot overtake
the count, and a failed sign-in needs no second unit of work.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from reind.core.clock import Clock, SystemClock
from reind.core.errors import TooManyRequestsError
from reind.programme.accounts.store import SignInAttemptsRow


@dataclass(frozen=True, slots=True)
class SignInPolicy:
    """How many failures within ``window`` lock an address, and for how long."""

    max_failures: int = 5
    window: timedelta = timedelta(minutes=15)
    lockout: timedelta = timedelta(minutes=15)


DEFAULT_POLICY = SignInPolicy()


class TooManySignInsError(TooManyRequestsError):
    """The address is locked after too many failed sign-ins; try again after ``retry_after``."""

    code = "too_many_sign_ins"
    title = "Too many failed sign-ins"

    def __init__(self, until: datetime, now: datetime) -> None:
        seconds = max(1, math.ceil((until - now).total_seconds()))
        super().__init__(
            "too many failed sign-ins for this e-mail address: try again in {minutes} minute(s)",
            retry_after_seconds=seconds,
            minutes=math.ceil(seconds / 60),
            locked_until=until.isoformat(),
        )


def _aware(moment: datetime | None) -> datetime | None:
    """SQLite gives back naive datetimes: they were stored in UTC."""
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment


def admit_guess(
    session: Session,
    address: str,
    clock: Clock | None = None,
    policy: SignInPolicy = DEFAULT_POLICY,
) -> datetime | None:
    """Count a guess at ``address`` as failed *before* it is checked, or refuse it while locked.

    The check of the lock and the count are one step under the row's lock
    (``FOR UPDATE`` on PostgreSQL, the write lock on SQLite), so however many
    guesses arrive at once, no more than ``policy.max_failures`` get checked.
    A right password then clears the count (``clear_failures``). Returns the
    end of the lock if this guess locks the address.
    """
    now = (clock or SystemClock()).now()
    row = _locked_row(session, address, now)
    until = _aware(row.locked_until)
    if until is not None and until > now:
        raise TooManySignInsError(until, now)
    return _count(session, row, now, policy)


def _locked_row(session: Session, address: str, now: datetime) -> SignInAttemptsRow:
    """The address's row, made if missing (a parallel first guess may make it too), locked."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    session.execute(
        insert(SignInAttemptsRow)
        .values(address=address, failures=0, window_started_at=now)
        .on_conflict_do_nothing()
    )
    return session.execute(
        select(SignInAttemptsRow)
        .where(SignInAttemptsRow.address == address)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one()


def _count(
    session: Session, row: SignInAttemptsRow, now: datetime, policy: SignInPolicy
) -> datetime | None:
    started = _aware(row.window_started_at) or now
    until = _aware(row.locked_until)
    if now - started >= policy.window or (until is not None and until <= now):
        row.failures, row.window_started_at, row.locked_until = 0, now, None
    row.failures += 1
    locks = row.failures >= policy.max_failures and row.locked_until is None
    if locks:
        row.locked_until = now + policy.lockout
    session.flush()
    return row.locked_until if locks else None


def clear_failures(session: Session, address: str) -> None:
    """Forget the failures of ``address`` (it has just signed in)."""
    session.execute(delete(SignInAttemptsRow).where(SignInAttemptsRow.address == address))
