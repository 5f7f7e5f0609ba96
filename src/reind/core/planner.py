"""PostgreSQL's planner told that the pages it reads are in memory, for one stretch of work.

With the default ``random_page_cost`` of 4 (a spinning disk's), PostgreSQL
judges a few hundred probes of an index dearer than reading a whole table,
and reads the table: an import's 500 look-ups a chunk read all of
``applications`` (19 ms a chunk against 1 ms by the index, issue 19); the
report's RFS applications by industry hashed all 32,000 enterprises to
join 270 applications (50-75 ms against 2 ms, issue 16). The pages such work
reads are in memory, so within it the cost of a random page is 1.1, the
usual figure for cached data or SSDs (docs/decisions/0194).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import text
from sqlalchemy.orm import Session

RANDOM_PAGE_COST = "1.1"
"""PostgreSQL's ``random_page_cost`` while pages are read from memory."""
_SET_LOCAL = text("SELECT set_config('random_page_cost', :cost, true)")


@contextmanager
def costed_as_cached(session: Session) -> Iterator[None]:
    """On PostgreSQL, ``random_page_cost`` is 1.1 within: ``SET LOCAL``, given back after.

    Inside a savepoint a failure undoes the setting with the savepoint; on
    success the cost before is set again, so the rest of the transaction
    plans as it would have. SQLite has no such setting.
    """
    if session.get_bind().dialect.name != "postgresql":
        yield
        return
    before = session.execute(text("SHOW random_page_cost")).scalar_one()
    session.execute(_SET_LOCAL, {"cost": RANDOM_PAGE_COST})
    yield
    session.execute(_SET_LOCAL, {"cost": before})
