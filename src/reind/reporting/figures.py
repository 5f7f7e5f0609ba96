"""Figures computed from the records "as at" a date, each with its provenance.

A ``Figure`` holds its value, the SQL that computed it and the SQL that
lists its records, the parameters they ran with, and the ids of the
records. The periods a figure covers are part of its parameters, so a
reader sees them with the SQL: the current-term Government (from 1 July
2017) for BUD and EMF approvals; the four-in-one SME centres (from 1
October 2019) for enquiries and seminars; the four years to the date for
ITF projects; the latest year of assessment assessed by the date and the
last year before the enhanced R&D deduction (2017/18) for tax claims; and
the last complete financial year with start-ups' reports for TSSSU.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import DateTime, TextClause, bindparam, text
from sqlalchemy.orm import Session

from reind.core.clock import HONG_KONG
from reind.core.money import Money
from reind.core.periods import FinancialYear, YearOfAssessment
from reind.reporting.queries import QUERIES, FigureQuery
from reind.reporting.records import RecordIds, fetch_ids

TERM_START = date(2017, 7, 1)
"""The current-term Government took office on 1 July 2017."""
CENTRES_OPENED = date(2019, 10, 1)
"""The four-in-one SME centres were consolidated in October 2019."""
ENHANCED_DEDUCTION_FROM = YearOfAssessment(2018)
"""The enhanced R&D deduction applies from the year of assessment 2018/19."""

_TIMESTAMPS = ("cutoff", "term_start_at", "centres_from_at")


@dataclass(frozen=True, slots=True)
class Figure:
    """One number in the report and how it was found."""

    key: str
    unit: str
    value: int
    sql: str
    records_sql: str
    params: Mapping[str, Any]
    record_ids: RecordIds = field(repr=False)

    @property
    def money(self) -> Money:
        """The value as money (for ``unit == "money"``)."""
        return Money(self.value)

    def display(self, lang: str) -> str:
        """The figure as the report prints it in ``lang``."""
        if self.unit == "money":
            return format_money(self.money, lang)
        return f"{self.value:,}"


def end_of_day(day: date) -> datetime:
    """The first moment after ``day`` in Hong Kong, in UTC (timestamps before it count)."""
    return datetime.combine(day + timedelta(days=1), time(), HONG_KONG).astimezone(UTC)


def parameters(session: Session, as_of: date) -> dict[str, Any]:
    """The parameters every figure's SQL runs with, for a report as at ``as_of``."""
    latest_tax = session.execute(
        text("SELECT MAX(year_of_assessment) FROM rd_tax_claims WHERE assessed_on <= :as_of"),
        {"as_of": as_of},
    ).scalar_one()
    tsssu = session.execute(
        text("SELECT MAX(financial_year) FROM tsssu_revenues WHERE reported_on <= :as_of"),
        {"as_of": as_of},
    ).scalar_one()
    tsssu_year = FinancialYear(
        int(tsssu) if tsssu is not None else FinancialYear.containing(as_of).start_year - 1
    )
    return {
        "as_of": as_of,
        "cutoff": end_of_day(as_of),
        "yes": True,
        "term_start_at": end_of_day(TERM_START - timedelta(days=1)),
        "centres_from": CENTRES_OPENED,
        "centres_from_at": end_of_day(CENTRES_OPENED - timedelta(days=1)),
        "itf_from": as_of.replace(year=as_of.year - 4),
        "tax_year": int(latest_tax) if latest_tax is not None else as_of.year - 2,
        "tax_base_year": ENHANCED_DEDUCTION_FROM.start_year - 1,
        "tsssu_year": tsssu_year.start_year,
        "tsssu_year_end": tsssu_year.end,
    }


def statement(sql: str) -> TextClause:
    """``sql`` as a statement whose timestamp parameters bind as aware datetimes."""
    clause = text(sql)
    for name in _TIMESTAMPS:
        if f":{name}" in sql:
            clause = clause.bindparams(bindparam(name, type_=DateTime(timezone=True)))
    return clause


def compute(
    session: Session,
    query: FigureQuery,
    params: Mapping[str, Any],
    listed: dict[str, RecordIds] | None = None,
) -> Figure:
    """Run one figure's value and records statements.

    ``listed`` remembers record lists already fetched by the same statement
    (several figures share one: funding and count of the same approvals).
    """
    used = {k: v for k, v in params.items() if f":{k}" in query.value or f":{k}" in query.records}
    value = session.execute(statement(query.value), used).scalar_one()
    ids = None if listed is None else listed.get(query.records)
    if ids is None:
        ids = fetch_ids(session, query.records, used, statement)
        if listed is not None:
            listed[query.records] = ids
    return Figure(query.key, query.unit, int(value or 0), query.value, query.records, used, ids)


def compute_all(session: Session, as_of: date) -> dict[str, Figure]:
    """Every figure of the report, keyed by its name."""
    params = parameters(session, as_of)
    listed: dict[str, RecordIds] = {}
    return {q.key: compute(session, q, params, listed) for q in QUERIES}


def format_money(amount: Money, lang: str) -> str:
    """HK$108.2 million / HK$1.82 billion; 1.082億港元 / 18.2億港元 in Chinese."""
    dollars = Decimal(amount.cents) / 100
    if lang == "zh-Hant":
        if dollars >= 100_000_000:
            return f"{_round(dollars / 100_000_000, 3)}億港元"
        if dollars >= 10_000:
            return f"{_round(dollars / 10_000, 1)}萬港元"
        return f"{dollars:,.0f}港元"
    if dollars >= 1_000_000_000:
        return f"HK${_round(dollars / 1_000_000_000, 3)} billion"
    if dollars >= 1_000_000:
        return f"HK${_round(dollars / 1_000_000, 1)} million"
    return f"HK${dollars:,.0f}"


def _round(value: Decimal, places: int) -> str:
    return str(value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))
