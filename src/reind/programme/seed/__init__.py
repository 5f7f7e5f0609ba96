"""A reproducible, seed-consistent portfolio of programme records.

``seed_portfolio(db, seed)`` writes enterprises, applications, committee
decisions, agreements, trainees, start-ups, enquiries, tax claims and ITF
projects whose aggregates as at 31 August 2021 are those of the LegCo
progress report of September 2021. Small schemes (RFS, ITVF, TSSSU,
seminars) go through the programme services one record at a time; bulk
history (EMF, BUD, RTTP, enquiries, tax claims, ITF projects) is decided by
the rules engine case by case and written in batches, each batch covered by
one audited bulk-import event (see ``bulk.py``). Imports programme, schemes,
rules and core only.
"""

from reind.programme.seed.portfolio import PortfolioSummary, portfolio_fingerprint, seed_portfolio

__all__ = ["PortfolioSummary", "portfolio_fingerprint", "seed_portfolio"]
