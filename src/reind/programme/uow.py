"""Saving changes: stale-version conflicts and retries in one place.

Services take a SQLAlchemy ``Session`` (the unit of work the caller opened
with ``Database.unit_of_work()``) and never commit it; ``flush`` turns an
optimistic-locking failure into a ``ConflictError`` the API can show as 409,
and ``retrying`` reruns a whole unit of work when that happens.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from reind.core.db import Database
from reind.core.errors import ConflictError
from reind.core.integrity import problem_for

logger = logging.getLogger(__name__)
T = TypeVar("T")

# SQLSTATEs PostgreSQL uses when a transaction lost a race and may simply be retried.
_RETRYABLE_SQLSTATES = {"40001", "40P01"}


class StaleVersionError(ConflictError):
    """Someone else changed the record since it was read (optimistic locking)."""

    code = "stale_version"


def flush(session: Session, what: str) -> None:
    """Flush pending changes; a stale version or a refused constraint becomes reind's error.

    A stale version is a ``StaleVersionError`` naming ``what``; a constraint the
    database refused is a duplicate (409), an unknown reference (422) or bad
    input (400) from ``core.integrity``.
    """
    try:
        session.flush()
    except IntegrityError as exc:
        raise problem_for(exc, what) from exc
    except StaleDataError:
        raise StaleVersionError(
            f"{what} was changed by someone else in the meantime; reload and try again"
        ) from None


def retrying(db: Database, work: Callable[[Session], T], attempts: int = 5) -> T:
    """Run ``work`` in a fresh unit of work, again if it lost a race (stale version)."""
    for attempt in range(1, attempts + 1):
        try:
            with db.unit_of_work() as session:
                return work(session)
        except (StaleVersionError, StaleDataError) as exc:
            logger.info("retrying after a stale version (attempt %d): %s", attempt, exc)
        except DBAPIError as exc:
            code = getattr(exc.orig, "sqlstate", None)
            if code not in _RETRYABLE_SQLSTATES:
                raise
            logger.info("retrying after %s (attempt %d)", code, attempt)
    raise ConflictError(
        "gave up after {attempts} attempts: too many concurrent changes", attempts=attempts
    )
