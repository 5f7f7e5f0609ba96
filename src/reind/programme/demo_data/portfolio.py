"""Generate the whole seed-consistent portfolio, and fingerprint it.

One call, one unit of work: a fresh (migrated, empty) programme database
gets the portfolio for ``seed``. The same seed always gives the same
records; ``portfolio_fingerprint`` hashes their business content (natural
keys and amounts, not the random ids services assign) to prove it.
"""

from __future__ import annotations

import gc
import hashlib
import logging
import random
import time
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from reind.core.db import Database
from reind.core.errors import ConflictError
from reind.core.sqlite_load import bulk_load
from reind.programme.applications.store import ApplicationRow
from reind.programme.demo_data import desk, research, rfs, staff, trade, training, ventures
from reind.programme.demo_data.bulk import SimClock, hk_moment
from reind.rules.engine import Engine

logger = logging.getLogger(__name__)
CACHE_KIB = 262_144
"""SQLite's page cache while the portfolio loads: 256 MiB (its database is about 400 MB)."""

DEFAULT_SEED = 20210831


@dataclass(frozen=True, slots=True)
class PortfolioSummary:
    """What was generated, and how long it took."""

    seed: int
    applications: int
    enquiries: int
    tax_claims: int
    itf_projects: int
    seconds: float


def seed_portfolio(
    database: Database, seed: int = DEFAULT_SEED, *, engine: Engine, staff_accounts: bool = True
) -> PortfolioSummary:
    """Write the portfolio for ``seed`` into an empty programme database.

    ``staff_accounts``: also the accounts of the people the records were made by
    (``staff.record_staff``); the demo adds them after its own sign-ins instead,
    since one of those is a seed committee member.
    """
    started = time.perf_counter()
    # Hundreds of thousands of acyclic row dicts: the cyclic collector would
    # rescan them again and again (as decide_many notes), so it pauses here.
    collecting = gc.isenabled()
    gc.disable()
    try:
        summary = _generate(database, seed, engine, staff_accounts)
    finally:
        if collecting:
            gc.enable()
    seconds = time.perf_counter() - started
    logger.info("seed portfolio %d written in %.1f s", seed, seconds)
    return PortfolioSummary(seed, *summary, seconds)


def _generate(
    database: Database, seed: int, engine: Engine, staff_accounts: bool
) -> tuple[int, int, int, int]:
    with database.unit_of_work() as session:
        if session.execute(select(func.count()).select_from(ApplicationRow)).scalar_one():
            raise ConflictError(
                "the database already holds applications: seed a fresh, empty database"
            )
        with bulk_load(session, cache_kib=CACHE_KIB):
            clock = SimClock(hk_moment(date(2017, 6, 1)))
            rng = random.Random(seed)
            step = _Steps()
            apps = step(
                "RFS", rfs.generate, session, random.Random(rng.random()), clock, engine, 10_000_001
            )
            step(
                "ITVF", ventures.generate_itvf, session, random.Random(rng.random()), clock, engine
            )
            step(
                "TSSSU",
                ventures.generate_tsssu,
                session,
                random.Random(rng.random()),
                clock,
                engine,
            )
            apps += step(
                "RTTP",
                training.generate,
                session,
                random.Random(rng.random()),
                clock,
                engine,
                20_000_001,
            )
            apps += step(
                "BUD",
                trade.generate_bud,
                session,
                random.Random(rng.random()),
                clock,
                engine,
                30_000_001,
            )
            apps += step(
                "EMF",
                trade.generate_emf,
                session,
                random.Random(rng.random()),
                clock,
                engine,
                40_000_001,
            )
            enquiries = step(
                "enquiries", desk.generate, session, random.Random(rng.random()), clock, engine
            )
            claims = step(
                "R&D tax",
                research.generate_tax,
                session,
                random.Random(rng.random()),
                clock,
                engine,
            )
            projects = step(
                "ITF", research.generate_itf, session, random.Random(rng.random()), clock, engine
            )
        if staff_accounts:
            staff.record_staff(session, clock)
    return apps, enquiries, claims, projects


class _Steps:
    """Runs generation steps, logging how long each took."""

    def __call__(self, name: str, step: object, *args: object) -> int:
        began = time.perf_counter()
        result = step(*args)  # type: ignore[operator]
        logger.info("%s generated in %.1f s", name, time.perf_counter() - began)
        return int(result) if isinstance(result, int) else 0


_FINGERPRINT_QUERIES = (
    "SELECT reference, scheme, state, received, amount_requested_cents FROM applications "
    "ORDER BY reference",
    "SELECT a.reference, l.approved_cents, l.disbursed_cents FROM project_ledgers l "
    "JOIN applications a ON a.id = l.application_id ORDER BY a.reference",
    "SELECT a.reference, d.outcome, d.decided_on FROM committee_decisions d "
    "JOIN applications a ON a.id = d.application_id ORDER BY a.reference",
    "SELECT investee, invested_on, government_cents, partner_cents FROM itvf_deals "
    "ORDER BY investee, invested_on",
    "SELECT university, startup, financial_year, amount_cents FROM tsssu_startups "
    "ORDER BY university, startup, financial_year",
    "SELECT COUNT(*), SUM(LENGTH(question)), MIN(received_at), MAX(received_at) FROM enquiries",
    "SELECT taxpayer, year_of_assessment, deduction_cents FROM rd_tax_claims "
    "ORDER BY taxpayer, year_of_assessment",
    "SELECT reference, approved_on, funding_cents FROM itf_projects ORDER BY reference",
    "SELECT COUNT(*) FROM rttp_enrolments",
    "SELECT startup, revenue_cents FROM tsssu_revenues ORDER BY startup",
)


def portfolio_fingerprint(session: Session) -> str:
    """SHA-256 over the portfolio's business content (same seed, same fingerprint)."""
    digest = hashlib.sha256()
    for query in _FINGERPRINT_QUERIES:
        for row in session.execute(text(query)):
            digest.update(repr(tuple(str(v) for v in row)).encode())
    return digest.hexdigest()
