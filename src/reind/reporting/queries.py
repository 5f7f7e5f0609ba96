"""The SQL behind every figure of the progress report, as the reader will see it.

Each figure has two statements: ``value`` computes the number, and
``records`` lists the ids of the records it counts or sums. Both take the
same parameters (``as_of``: the report's date; ``cutoff``: the first moment
after that day in Hong Kong, as UTC; and the period each figure covers), and
both run unchanged on SQLite and PostgreSQL. Keeping the SQL text here, not
built by an ORM, means the text shown in the report is the text that ran.

The figures over the approvals in the ledger (RTTP, BUD Fund, EMF), the RTTP
training places and the enquiries grow with the portfolio, so they are
written over ``Rows`` (giving the same SQL text as written out in full): a
FROM ... WHERE ... and the id each row stands for, the value an aggregate of
those rows and the records the rows' ids. Every figure over the same rows is
computed in one statement (on SQLite when the records are only counted):
the aggregates, and the ids joined in the records statement's order, instead
of one pass over the joined ledger for each value and another for the ids
(docs/decisions/0076-report-benchmark.md, 0203).
"""

from __future__ import annotations

import re
from dataclasses import dataclass


def tables_read(sql: str) -> frozenset[str]:
    """The tables a statement reads, each named after a FROM or a JOIN (the report's own SQL):
    a figure changes only when one of them is written (migration 0060's tokens)."""
    return frozenset(re.findall(r"\b(?:FROM|JOIN)\s+([a-z_]+)", sql))


@dataclass(frozen=True, slots=True)
class Rows:
    """The rows some figures aggregate (``base``: FROM ... WHERE ...) and the id each stands for.

    ``stamp``, if set, is the column that places each row in a financial year:
    the page keeps such figures in pieces, one per year, each until a write
    reaches its year (``reporting.kept``, migration 0058). Only rows whose
    every column is one 0058's triggers watch may have it (a test reads them).
    """

    base: str
    record: str
    stamp: str | None = None

    def records(self) -> str:
        """The records statement: each row's id, in order."""
        return f"SELECT {self.record} {self.base} ORDER BY 1"


@dataclass(frozen=True, slots=True)
class FigureQuery:
    """A figure's key, its value statement, its records statement and its unit.

    A figure over ``rows`` has ``value`` = ``SELECT <aggregate> <rows.base>``;
    its ``records`` are ``rows.records()`` unless it lists other records of the
    same rows (RTTP's trainees: the distinct trainees of the enrolments), which
    are then read by their own statement, or counted by the value itself.
    """

    key: str
    unit: str  # count, money, year
    value: str
    records: str
    rows: Rows | None = None
    aggregate: str | None = None


def _over(key: str, unit: str, aggregate: str, rows: Rows) -> FigureQuery:
    return FigureQuery(
        key, unit, f"SELECT {aggregate} {rows.base}", rows.records(), rows, aggregate
    )


_RFS = (
    "FROM applications a JOIN enterprises e ON e.id = a.enterprise_id "
    "WHERE a.scheme = 'rfs' AND a.received <= :as_of"
)
_VETTED = (
    "FROM committee_decisions d JOIN applications a ON a.id = d.application_id "
    "JOIN enterprises e ON e.id = a.enterprise_id "
    "WHERE a.scheme = 'rfs' AND d.decided_on <= :as_of"
)
_SUPPORTED = _VETTED + " AND d.outcome = 'supported'"
_FOOD = " AND e.industry IN ('food_manufacturing', 'food_processing')"
_COST = "(SELECT SUM(c.amount_cents) FROM cost_lines c WHERE c.application_id = a.id)"
_APPROVED = (
    "FROM ledger_entries le JOIN applications a ON a.id = le.application_id "
    "JOIN enterprises e ON e.id = a.enterprise_id "
    "WHERE le.movement = 'approved' AND le.recorded_at < :cutoff"
)
_TRADE = _APPROVED + " AND e.manufacturing = :yes AND le.recorded_at >= :term_start_at"
_RTTP = (
    "FROM rttp_enrolments r WHERE EXISTS (SELECT 1 FROM ledger_entries le "
    "WHERE le.application_id = r.application_id AND le.movement = 'approved' "
    "AND le.recorded_at < :cutoff)"
)
"""Enrolments in courses whose grant was approved by the cutoff: each once, however many
approvals its application's ledger holds (a join counted it once per approval, and
walked every approval to find the 8,600 enrolments: 60 ms a figure on the demo)."""
RTTP_APPROVALS = Rows(_APPROVED + " AND a.scheme = 'rttp'", "a.id", "le.recorded_at")
BUD_APPROVALS = Rows(_TRADE + " AND a.scheme = 'bud'", "a.id", "le.recorded_at")
EMF_APPROVALS = Rows(_TRADE + " AND a.scheme = 'emf'", "a.id", "le.recorded_at")
RTTP_ENROLMENTS = Rows(_RTTP, "r.id")
_ITVF = "FROM itvf_deals WHERE invested_on <= :as_of"
_TSSSU = "FROM tsssu_startups WHERE financial_year <= :tsssu_year"
_REVENUE = (
    "FROM tsssu_revenues WHERE financial_year = :tsssu_year AND reported_on <= :as_of "
    "AND revenue_cents > 0"
)
_TAX = "FROM rd_tax_claims WHERE assessed_on <= :as_of AND year_of_assessment = "
_ITF = "FROM itf_projects WHERE approved_on > :itf_from AND approved_on <= :as_of"
_ENQUIRIES = "FROM enquiries WHERE received_at >= :centres_from_at AND received_at < :cutoff"
ENQUIRIES = Rows(_ENQUIRIES, "id")
_SEMINARS = "FROM seminars WHERE held_on >= :centres_from AND held_on <= :as_of"

QUERIES: tuple[FigureQuery, ...] = (
    FigureQuery(
        "rttp_trainees",
        "count",
        "SELECT COUNT(DISTINCT r.trainee_id) " + _RTTP,
        "SELECT DISTINCT r.trainee_id " + _RTTP + " ORDER BY 1",
        RTTP_ENROLMENTS,
        "COUNT(DISTINCT r.trainee_id)",
    ),
    _over("rttp_sessions", "count", "COUNT(*)", RTTP_ENROLMENTS),
    _over("rttp_funding", "money", "COALESCE(SUM(le.amount_cents), 0)", RTTP_APPROVALS),
    FigureQuery(
        "rfs_received", "count", "SELECT COUNT(*) " + _RFS, "SELECT a.id " + _RFS + " ORDER BY 1"
    ),
    FigureQuery(
        "rfs_vetted",
        "count",
        "SELECT COUNT(*) " + _VETTED,
        "SELECT a.id " + _VETTED + " ORDER BY 1",
    ),
    FigureQuery(
        "rfs_supported",
        "count",
        "SELECT COUNT(*) " + _SUPPORTED,
        "SELECT a.id " + _SUPPORTED + " ORDER BY 1",
    ),
    FigureQuery(
        "rfs_funding",
        "money",
        "SELECT COALESCE(SUM(l.approved_cents), 0) "
        + _SUPPORTED.replace(
            "JOIN enterprises", "JOIN project_ledgers l ON l.application_id = a.id JOIN enterprises"
        ),
        "SELECT a.id " + _SUPPORTED + " ORDER BY 1",
    ),
    FigureQuery(
        "rfs_expenditure",
        "money",
        f"SELECT COALESCE(SUM({_COST}), 0) " + _SUPPORTED,
        "SELECT a.id " + _SUPPORTED + " ORDER BY 1",
    ),
    FigureQuery(
        "rfs_food_received",
        "count",
        "SELECT COUNT(*) " + _RFS + _FOOD,
        "SELECT a.id " + _RFS + _FOOD + " ORDER BY 1",
    ),
    FigureQuery(
        "rfs_food_vetted",
        "count",
        "SELECT COUNT(*) " + _VETTED + _FOOD,
        "SELECT a.id " + _VETTED + _FOOD + " ORDER BY 1",
    ),
    FigureQuery(
        "rfs_food_supported",
        "count",
        "SELECT COUNT(*) " + _SUPPORTED + _FOOD,
        "SELECT a.id " + _SUPPORTED + _FOOD + " ORDER BY 1",
    ),
    FigureQuery(
        "rfs_food_expenditure",
        "money",
        f"SELECT COALESCE(SUM({_COST}), 0) " + _SUPPORTED + _FOOD,
        "SELECT a.id " + _SUPPORTED + _FOOD + " ORDER BY 1",
    ),
    FigureQuery(
        "rd_tax_latest",
        "money",
        "SELECT COALESCE(SUM(deduction_cents), 0) " + _TAX + ":tax_year",
        "SELECT id " + _TAX + ":tax_year ORDER BY 1",
    ),
    FigureQuery(
        "rd_tax_baseline",
        "money",
        "SELECT COALESCE(SUM(deduction_cents), 0) " + _TAX + ":tax_base_year",
        "SELECT id " + _TAX + ":tax_base_year ORDER BY 1",
    ),
    FigureQuery(
        "itf_projects", "count", "SELECT COUNT(*) " + _ITF, "SELECT id " + _ITF + " ORDER BY 1"
    ),
    FigureQuery(
        "itf_funding",
        "money",
        "SELECT COALESCE(SUM(funding_cents), 0) " + _ITF,
        "SELECT id " + _ITF + " ORDER BY 1",
    ),
    FigureQuery(
        "itvf_startups",
        "count",
        "SELECT COUNT(DISTINCT investee) " + _ITVF,
        "SELECT id " + _ITVF + " ORDER BY 1",
    ),
    FigureQuery(
        "itvf_government",
        "money",
        "SELECT COALESCE(SUM(government_cents), 0) " + _ITVF,
        "SELECT id " + _ITVF + " ORDER BY 1",
    ),
    FigureQuery(
        "itvf_private",
        "money",
        "SELECT COALESCE(SUM(partner_cents), 0) " + _ITVF,
        "SELECT id " + _ITVF + " ORDER BY 1",
    ),
    FigureQuery(
        "tsssu_startups",
        "count",
        "SELECT COUNT(*) FROM (SELECT DISTINCT university, startup " + _TSSSU + ") s",  # noqa: S608 - constant fragments only
        "SELECT MIN(id) " + _TSSSU + " GROUP BY university, startup ORDER BY 1",
    ),
    FigureQuery(
        "tsssu_products",
        "count",
        "SELECT COUNT(*) FROM tsssu_products WHERE launched_on <= :tsssu_year_end",
        "SELECT id FROM tsssu_products WHERE launched_on <= :tsssu_year_end ORDER BY 1",
    ),
    FigureQuery(
        "tsssu_with_revenue",
        "count",
        "SELECT COUNT(*) " + _REVENUE,
        "SELECT id " + _REVENUE + " ORDER BY 1",
    ),
    FigureQuery(
        "tsssu_revenue_min",
        "money",
        "SELECT COALESCE(MIN(revenue_cents), 0) " + _REVENUE,
        "SELECT id "
        + _REVENUE
        + " AND revenue_cents = (SELECT MIN(revenue_cents) "
        + _REVENUE
        + ")",
    ),
    FigureQuery(
        "tsssu_revenue_max",
        "money",
        "SELECT COALESCE(MAX(revenue_cents), 0) " + _REVENUE,
        "SELECT id "
        + _REVENUE
        + " AND revenue_cents = (SELECT MAX(revenue_cents) "
        + _REVENUE
        + ")",
    ),
    _over("bud_applications", "count", "COUNT(*)", BUD_APPROVALS),
    _over("bud_funding", "money", "COALESCE(SUM(le.amount_cents), 0)", BUD_APPROVALS),
    _over("emf_applications", "count", "COUNT(*)", EMF_APPROVALS),
    _over("emf_funding", "money", "COALESCE(SUM(le.amount_cents), 0)", EMF_APPROVALS),
    _over("enquiries", "count", "COUNT(*)", ENQUIRIES),
    FigureQuery(
        "seminars",
        "count",
        "SELECT COUNT(*) " + _SEMINARS,
        "SELECT id " + _SEMINARS + " ORDER BY 1",
    ),
)
"""Every figure the report shows, in the order of the report."""

RFS_BY_INDUSTRY = (
    "SELECT e.industry, COUNT(*) AS received, "  # noqa: S608 - constant fragments only
    "SUM(CASE WHEN d.decided_on <= :as_of THEN 1 ELSE 0 END) AS vetted, "
    "SUM(CASE WHEN d.decided_on <= :as_of AND d.outcome = 'supported' THEN 1 ELSE 0 END) "
    "AS supported, "
    "SUM(CASE WHEN d.decided_on <= :as_of AND d.outcome = 'supported' THEN l.approved_cents "
    "ELSE 0 END) AS funding, "
    f"SUM(CASE WHEN d.decided_on <= :as_of AND d.outcome = 'supported' THEN {_COST} "
    "ELSE 0 END) AS expenditure "
    "FROM applications a JOIN enterprises e ON e.id = a.enterprise_id "
    "LEFT JOIN committee_decisions d ON d.application_id = a.id "
    "LEFT JOIN project_ledgers l ON l.application_id = a.id "
    "WHERE a.scheme = 'rfs' AND a.received <= :as_of GROUP BY e.industry ORDER BY e.industry"
)
"""RFS applications by industry: received, vetted, supported, funding, expenditure."""

TAX_BY_YEAR = (
    "SELECT year_of_assessment, basis, COUNT(*), SUM(deduction_cents) FROM rd_tax_claims "
    "WHERE assessed_on <= :as_of GROUP BY year_of_assessment, basis ORDER BY 1"
)
"""R&D deduction claims assessed by the report's date, by year of assessment and basis."""

_FINANCIAL_YEAR = {
    # The Hong Kong date of the UTC timestamp, less three months: its calendar year
    # is the start year of the financial year (1 April to 31 March) it falls in.
    "postgresql": (
        "CAST(EXTRACT(YEAR FROM (le.recorded_at AT TIME ZONE 'Asia/Hong_Kong') "
        "- INTERVAL '3 months') AS INTEGER)"
    ),
    # SQLite keeps the UTC timestamp as text; Hong Kong has kept UTC+8 all year since 1979.
    "sqlite": "CAST(strftime('%Y', le.recorded_at, '+8 hours', '-3 months') AS INTEGER)",
}


def financial_year_of_approval(dialect: str) -> str:
    """SQL for the start year of the financial year of ``le.recorded_at``, in Hong Kong.

    Date arithmetic is spelt differently by SQLite and PostgreSQL; no figure
    uses it (the charts show no SQL), so this is the one fragment written per dialect.
    """
    return _FINANCIAL_YEAR[dialect]


def approvals_by_year_sql(dialect: str) -> str:
    """Approvals of BUD, EMF and RTTP in the current term summed by scheme and financial year."""
    return (
        f"SELECT a.scheme, {financial_year_of_approval(dialect)} AS financial_year, "  # noqa: S608 - constant fragments only
        "SUM(le.amount_cents) " + _TRADE + " AND a.scheme IN ('bud', 'emf', 'rttp') GROUP BY 1, 2"
    )


APPROVALS_CHART: dict[str, tuple[Rows, str | None]] = {
    "bud": (BUD_APPROVALS, None),
    "emf": (EMF_APPROVALS, None),
    "rttp": (RTTP_APPROVALS, "e.manufacturing = :yes AND le.recorded_at >= :term_start_at"),
}
"""Each scheme's rows of ``approvals_by_year_sql`` as the rows of its figures, narrowed.

On PostgreSQL the chart's sums ride on the figures' one statement per rows
(a sum per financial year, filtered), so the joined ledger is read once.
"""
