"""Request dependencies: the database unit of work of one request.

Each request gets one SQLAlchemy session from ``Database.unit_of_work()``.
The dependency has ``scope="function"``, so the commit happens when the
endpoint (and the serialisation of its answer) is done but *before* the
response is sent: a client is only told "created" once the row is
committed, and a failed commit becomes a problem-details error instead.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, FastAPI, Request
from sqlalchemy.orm import Session

from reind.core.db import Database

_lock = threading.Lock()


def database_of(app: FastAPI) -> Database:
    """The app's database; made from the settings on first use if none was given."""
    database: Database | None = app.state.database
    if database is None:
        with _lock:
            database = app.state.database
            if database is None:
                from reind.settings import Settings  # entry point: reads the environment once

                database = Database(Settings().effective_database_url)
                app.state.database = database
    return database


def unit_of_work(request: Request) -> Iterator[Session]:
    """A session for this request, committed at the end (rolled back on error)."""
    with database_of(request.app).unit_of_work() as session:
        yield session


UnitOfWork = Annotated[Session, Depends(unit_of_work, scope="function")]
"""The request's session: use this alias everywhere so it is shared, not repeated."""
