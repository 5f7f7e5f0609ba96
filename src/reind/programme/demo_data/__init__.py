"""Demo data, not product code: a reproducible portfolio of programme records (the 2021 seed).

Used by the demo and the CLI only; imports programme, schemes, rules and core, and nothing in the
product imports it.

``seed_portfolio(db, seed)`` writes enterprises, applications, committee
decisions, agreements, trainees, start-ups, enquiries, tax claims and ITF
projects whose aggregates as at 31 August 2021 are those of the LegCo
progress report of September 2021. Small schemes (RFS, ITVF, TSSSU,
seminars) go through the programme services one record at a time; bulk
history (EMF, BUD, RTTP, enquiries, tax claims, ITF projects) is decided by
the rules engine case by case and written in batches, each batch covered by
one audited bulk-import event (see ``bulk.py``).
"""

from reind.programme.demo_data.portfolio import (
    PortfolioSummary,
    portfolio_fingerprint,
    seed_portfolio,
)

__all__ = ["PortfolioSummary", "portfolio_fingerprint", "seed_portfolio"]
