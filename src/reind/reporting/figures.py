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

import re
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import partial
from typing import Any, Protocol, TypeVar, cast

from sqlalchemy import DateTime, TextClause, bindparam, text
from sqlalchemy.orm import Session

from reind.core.clock import HONG_KONG
from reind.core.money import Money
from reind.core.periods import FinancialYear, YearOfAssessment
from reind.reporting.queries import (
    APPROVALS_CHART,
    QUERIES,
    FigureQuery,
    Rows,
    approvals_by_year_sql,
    tables_read,
)
from reind.reporting.records import (
    RecordIds,
    count_ids,
    fetch_ids,
    fetch_rows,
    from_joined,
    joined_columns,
)

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


def statement(sql: str, timestamps: tuple[str, ...] = ()) -> TextClause:
    """``sql`` as a statement whose timestamp parameters (and ``timestamps``) bind as aware."""
    clause = text(sql)
    for name in _TIMESTAMPS + timestamps:
        if f":{name}" in sql:
            clause = clause.bindparams(bindparam(name, type_=DateTime(timezone=True)))
    return clause


def compute(
    session: Session,
    query: FigureQuery,
    params: Mapping[str, Any],
    listed: dict[str, RecordIds] | None = None,
    *,
    ids: bool = True,
) -> Figure:
    """Run one figure's value and records statements (only counting the records unless ``ids``).

    ``listed`` remembers record lists already fetched by the same statement
    (several figures share one: funding and count of the same approvals).
    """
    used = _used(params, query.value, query.records)
    value = session.execute(statement(query.value), used).scalar_one()
    found = None if listed is None else listed.get(query.records)
    if found is None:
        found = _records(session, query, used, value, ids=ids)
        if listed is not None:
            listed[query.records] = found
    return Figure(query.key, query.unit, int(value or 0), query.value, query.records, used, found)


def _records(
    session: Session, query: FigureQuery, used: Mapping[str, Any], value: Any, *, ids: bool
) -> RecordIds:
    """``query``'s records by its own statement: their ids (``ids``), else their count, which
    is the value itself when the value counts them (``counts_its_records``)."""
    if ids:
        return fetch_ids(session, query.records, used, statement)
    if counts_its_records(query):
        return RecordIds.counted(int(value or 0))
    return count_ids(session, query.records, used, statement)


def counts_its_records(query: FigureQuery) -> bool:
    """Whether the value is the number of records listed: ``COUNT(DISTINCT x) FROM ...``
    beside ``DISTINCT x FROM ... ORDER BY 1``, the same rows. Counting them again is a
    second pass (RTTP's trainees: 25-55 ms at volume, issue 16)."""
    counted = re.fullmatch(r"SELECT COUNT\(DISTINCT ([a-z_.]+)\) (FROM .+)", query.value)
    if counted is None:
        return False
    column, rows = counted.groups()
    return query.records == f"SELECT DISTINCT {column} {rows} ORDER BY 1"


ApprovalsByYear = dict[tuple[str, str], int]
"""Cents approved, keyed by (scheme, financial year as "2019-20")."""


def compute_all(session: Session, as_of: date) -> dict[str, Figure]:
    """Every figure of the report with every record id behind it, keyed by its name."""
    return _compute(session, parameters(session, as_of), chart=False, ids=True)[0]


@dataclass(frozen=True, slots=True)
class Piece:
    """One span of time's share of the figures over some ``Rows``, their records counted.

    ``values`` holds each figure's aggregate over the span's rows (counts and
    sums, which add up across spans), ``count`` the rows, ``charted`` the
    chart's sum for the span's financial year (None: no rows, or not charted).
    """

    values: tuple[int, ...]
    count: int
    charted: int | None


PartKey = tuple[Any, ...]
"""What a part of the report (a figure, a rows' figures, a piece) is computed from."""
T = TypeVar("T")


class Parts(Protocol):
    """A keeper of the report's parts, each keyed by what it is computed from and by what a
    write must reach to change it: the tables its SQL reads, or the financial years
    (start years, from and up to, not included) of the approvals a piece sums."""

    def kept(self, key: PartKey, tables: frozenset[str], years: tuple[int, int] | None) -> Any:
        """The part kept for ``key`` if no write has reached it since (else None)."""

    def keep(
        self, key: PartKey, tables: frozenset[str], years: tuple[int, int] | None, part: object
    ) -> None:
        """Keep ``part`` for ``key`` until a write reaches its tables or years."""


def keeping(parts: Parts | None, key: PartKey, tables: frozenset[str], make: Callable[[], T]) -> T:
    """The part ``make`` computes over ``tables``: kept by ``parts``, or made (and kept)."""
    if parts is None:
        return make()
    found = parts.kept(key, tables, None)
    if found is not None:
        return cast(T, found)
    made = make()
    parts.keep(key, tables, None, made)
    return made


def compute_report(
    session: Session, as_of: date, *, ids: bool = True, parts: Parts | None = None
) -> tuple[dict[str, Figure], ApprovalsByYear]:
    """Every figure of the report, and the BUD, EMF and RTTP approvals by financial year.

    Without ``ids`` each figure's records are counted, not fetched: a page
    that shows the report reads 253,000 ids at 1M applications (3 to 6 s,
    issue 16) that only the provenance download lists. With ``parts`` (and
    without ``ids``) each figure is kept by ``parts`` until a write reaches
    the tables it reads, and those over rows with a ``stamp`` are summed from
    one piece per financial year, each kept until a write reaches its year
    (``_pieced``).
    """
    params = parameters(session, as_of)
    return _compute(session, params, chart=True, ids=ids, parts=None if ids else parts)


def approvals_by_financial_year(session: Session, params: Mapping[str, Any]) -> ApprovalsByYear:
    """Cents approved for BUD, EMF and RTTP in the current term, by scheme and financial year.

    One statement grouped by the database (``approvals_by_year_sql``).
    """
    by_year: dict[tuple[str, str], int] = defaultdict(int)
    rows = session.execute(
        statement(approvals_by_year_sql(session.get_bind().dialect.name)),
        {k: params[k] for k in ("cutoff", "yes", "term_start_at")},
    )
    for scheme, start_year, cents in rows:
        by_year[(scheme, str(FinancialYear(int(start_year))))] += int(cents)
    return dict(by_year)


def _compute(
    session: Session,
    params: Mapping[str, Any],
    *,
    chart: bool,
    ids: bool,
    parts: Parts | None = None,
) -> tuple[dict[str, Figure], ApprovalsByYear]:
    """The figures (and the chart's approvals by year, if asked), on either database.

    The figures over the same ``Rows`` come from one statement with the
    chart's sums for their scheme: on PostgreSQL always, on SQLite when the
    records are only counted (SQLite has no ordered ``string_agg`` to join
    the ids, so listing them there runs each figure's own two statements and
    the chart its grouped one). One pass over the joined ledger for EMF
    instead of six took the SQLite page from 6.6 s of SQL to under 1 s (issue 16).
    """
    figures: dict[str, Figure] = {}
    by_year: ApprovalsByYear = {}
    if session.get_bind().dialect.name == "postgresql" or not ids:
        groups: dict[Rows, list[FigureQuery]] = defaultdict(list)
        for query in QUERIES:
            if query.rows is not None:
                groups[query.rows].append(query)
        charted = {rows: scheme for scheme, (rows, _) in APPROVALS_CHART.items()} if chart else {}
        for rows, queries in groups.items():
            scheme = charted.get(rows)
            if parts is not None and rows.stamp is not None:
                found, sums = _pieced(session, rows, queries, params, scheme, parts)
            else:
                used = _used(params, rows.base)
                key = ("rows", rows, scheme, scheme and params["as_of"], *sorted(used.items()))
                found, sums = keeping(
                    parts,
                    key,
                    tables_read(rows.base),
                    partial(_one_statement, session, rows, queries, params, scheme, ids=ids),
                )
            figures.update(found)
            by_year.update(sums)
        assert not set(charted) - set(groups), "each scheme of the chart rides on figures' rows"
    elif chart:
        by_year = approvals_by_financial_year(session, params)
    listed: dict[str, RecordIds] = {}
    for query in QUERIES:
        if query.key not in figures:
            used = _used(params, query.value, query.records)
            figures[query.key] = keeping(
                parts,
                ("figure", query.key, *sorted(used.items())),
                tables_read(query.value + " " + query.records),
                partial(compute, session, query, params, listed, ids=ids),
            )
    return {q.key: figures[q.key] for q in QUERIES}, by_year


def _one_statement(
    session: Session,
    rows: Rows,
    queries: list[FigureQuery],
    params: Mapping[str, Any],
    scheme: str | None,
    *,
    ids: bool,
) -> tuple[dict[str, Figure], ApprovalsByYear]:
    """The figures over ``rows`` (and ``scheme``'s sums by year) from one pass.

    Each figure's value is its own aggregate over the rows, and its records
    the rows' ids in its records statement's order: what its two statements
    give, read from the joined ledger once instead of once for each. Without
    ``ids`` the rows are counted only (the same three columns, no ids joined).
    A figure listing other records than the rows' (RTTP's distinct trainees)
    has its value from the same pass and its records from ``_records``.
    """
    listing = joined_columns(rows.record) if ids else "COUNT(*), COUNT(*), NULL"
    columns = [str(q.aggregate) for q in queries] + [listing]
    bounds: dict[str, datetime] = {}
    years = chart_years(params["as_of"]) if scheme is not None else []
    for year in years:
        bounds[f"fy{year}_from"], bounds[f"fy{year}_to"] = year_bounds(year)
        span = f"le.recorded_at >= :fy{year}_from AND le.recorded_at < :fy{year}_to"
        columns.append(_chart_sum(str(scheme), span))
    sql = f"SELECT {', '.join(columns)} {rows.base}"  # noqa: S608 - the report's own constant SQL
    row = session.execute(statement(sql, tuple(bounds)), {**_used(params, sql), **bounds}).one()
    values, (count, listed, lines), sums = (
        row[: len(queries)],
        row[len(queries) : len(queries) + 3],
        row[len(queries) + 3 :],
    )
    used = _used(params, rows.base)
    if not ids:
        found: RecordIds | None = RecordIds.counted(int(count))
    else:
        found = from_joined(count, listed, lines)
    if found is None:
        found = fetch_rows(session, statement(rows.records()), used)
    own = rows.records()
    figures = {
        q.key: Figure(
            q.key,
            q.unit,
            int(v or 0),
            q.value,
            q.records,
            used,
            found if q.records == own else _records(session, q, used, v, ids=ids),
        )
        for q, v in zip(queries, values, strict=True)
    }
    by_year = {
        (str(scheme), str(FinancialYear(y))): int(cents)
        for y, cents in zip(years, sums, strict=True)
        if cents is not None
    }
    return figures, by_year


def chart_years(as_of: date) -> list[int]:
    """The financial years (start years) the approvals chart shows: the term's, to ``as_of``'s."""
    first = FinancialYear.containing(TERM_START).start_year
    return list(range(first, FinancialYear.containing(as_of).start_year + 1))


def year_bounds(year: int) -> tuple[datetime, datetime]:
    """The first moments of financial year ``year`` and of the next (1 April, Hong Kong) as UTC.

    Timestamp comparisons, cheaper than a time-zone conversion per row; the
    same years as ``queries.financial_year_of_approval`` and migration 0058.
    """
    return end_of_day(date(year, 3, 31)), end_of_day(date(year + 1, 3, 31))


def _chart_sum(scheme: str, span: str | None) -> str:
    """The chart's column for ``scheme``: its approvals summed over ``span``, narrowed."""
    narrowing = APPROVALS_CHART[scheme][1]
    where = " AND ".join(w for w in (span, narrowing) if w)
    return f"SUM(le.amount_cents) FILTER (WHERE {where})" if where else "SUM(le.amount_cents)"


def _pieced(
    session: Session,
    rows: Rows,
    queries: list[FigureQuery],
    params: Mapping[str, Any],
    scheme: str | None,
    parts: Parts,
) -> tuple[dict[str, Figure], ApprovalsByYear]:
    """The figures over ``rows`` as ``_one_statement`` counts them, summed from yearly pieces.

    The rows are split by ``rows.stamp`` into everything before the chart's
    first financial year and then one piece per financial year up to the
    report's date. ``parts`` keeps each until a write reaches its years;
    those it does not hold are computed together by ``_pieces`` (the same
    aggregates over the same rows, each narrowed to its span). A piece ending
    by the report's cutoff does not depend on the cutoff, so it is keyed with
    its own end as cutoff: the same piece serves every later date.
    """
    if any(q.records != rows.records() for q in queries):
        raise ValueError(f"a figure over {rows.base} lists other records: not kept by year")
    used = _used(params, rows.base)
    years = chart_years(params["as_of"])
    spans: list[_Span] = [_Span(None, year_bounds(years[0])[0], None, (1, years[0]))]
    spans += [_Span(*year_bounds(year), year, (year, year + 1)) for year in years]
    found: dict[_Span, Piece] = {}
    keys: dict[_Span, PartKey] = {}
    for span in spans:
        charted = scheme if span.year is not None else None
        run = _used(params, rows.base, "" if charted is None else _chart_sum(charted, None))
        if "cutoff" in run:
            run["cutoff"] = min(run["cutoff"], span.end)
        keys[span] = (rows, charted, span.start, span.end, tuple(sorted(run.items())))
        kept = parts.kept(keys[span], frozenset(), span.years)
        if kept is not None:
            found[span] = cast(Piece, kept)
    missing = [span for span in spans if span not in found]
    if missing:
        # Writes land now: most often only the year holding the cutoff is missing.
        first = missing == spans[-1:]
        for span, piece in _pieces(session, rows, queries, params, scheme, missing, first):
            parts.keep(keys[span], frozenset(), span.years, piece)
            found[span] = piece
    values = [sum(found[span].values[i] for span in spans) for i in range(len(queries))]
    count = sum(found[span].count for span in spans)
    by_year = {
        (str(scheme), str(FinancialYear(span.year))): cents
        for span in spans
        if span.year is not None and (cents := found[span].charted) is not None
    }
    found_ids = RecordIds.counted(count)
    figures = {
        q.key: Figure(q.key, q.unit, v, q.value, q.records, used, found_ids)
        for q, v in zip(queries, values, strict=True)
    }
    return figures, by_year


@dataclass(frozen=True, slots=True)
class _Span:
    """A piece's rows: stamped from ``start`` (None: any time before) to before ``end``."""

    start: datetime | None
    end: datetime
    year: int | None
    """The financial year (start year) the chart shows for the span; None before the chart's."""
    years: tuple[int, int]
    """The financial years whose writes reach the span's rows: from, and up to (not included)."""


def _pieces(
    session: Session,
    rows: Rows,
    queries: list[FigureQuery],
    params: Mapping[str, Any],
    scheme: str | None,
    spans: list[_Span],
    ledger_first: bool,
) -> list[tuple[_Span, Piece]]:
    """Each span's aggregates of ``queries`` over ``rows``, in one statement over the spans' rows.

    ``ledger_first``: on SQLite (no planner statistics) walk the stamped
    table's rows in the span first (``CROSS JOIN`` keeps SQLite's join order).
    Left to itself SQLite walks every application of the scheme (110,000 for
    EMF, ~130 ms) to find this year's few approvals; a whole year's 27,000
    it walks faster that way than approval by approval.
    """
    if rows.stamp is None:
        raise ValueError(f"rows with no stamp are not kept by year: {rows.base}")
    bounds: dict[str, datetime] = {}
    columns: list[str] = []
    for index, span in enumerate(spans):
        within = f"{rows.stamp} < :p{index}_to"
        bounds[f"p{index}_to"] = span.end
        if span.start is not None:
            within = f"{rows.stamp} >= :p{index}_from AND {within}"
            bounds[f"p{index}_from"] = span.start
        columns += [_filtered(str(q.aggregate), within) for q in queries]
        columns.append(f"COUNT(*) FILTER (WHERE {within})")
        charted = scheme is not None and span.year is not None
        columns.append(_chart_sum(str(scheme), within) if charted else "NULL")
    base = rows.base
    if ledger_first and session.get_bind().dialect.name == "sqlite":
        base = base.replace(" JOIN ", " CROSS JOIN ")
    # The spans' bounds first: SQLite bounds its index range by the first it reads
    # (given the term's start first, it walked every approval since 2017 for this year's).
    where = f"{rows.stamp} < :pieces_to AND "
    bounds["pieces_to"] = max(span.end for span in spans)
    if all(span.start is not None for span in spans):
        where = f"{rows.stamp} >= :pieces_from AND {where}"
        bounds["pieces_from"] = min(span.start for span in spans if span.start is not None)
    base = base.replace(" WHERE ", f" WHERE {where}", 1)
    sql = f"SELECT {', '.join(columns)} {base}"  # noqa: S608 - the report's own constant SQL
    used = _used(params, rows.base, sql)
    row = session.execute(statement(sql, tuple(bounds)), {**used, **bounds}).one()
    width = len(queries) + 2
    found = []
    for index, span in enumerate(spans):
        *values, count, charted = row[index * width : (index + 1) * width]
        piece = Piece(
            tuple(int(v or 0) for v in values),
            int(count),
            None if charted is None else int(charted),
        )
        found.append((span, piece))
    return found


def _filtered(aggregate: str, where: str) -> str:
    """``aggregate`` over the rows meeting ``where``: counts and sums (which add up) alone."""
    if aggregate == "COUNT(*)":
        return f"COUNT(*) FILTER (WHERE {where})"
    summed = re.fullmatch(r"COALESCE\(SUM\((.+)\), 0\)", aggregate)
    if summed is None:
        raise ValueError(f"not summable piece by piece: {aggregate}")
    return f"COALESCE(SUM({summed.group(1)}) FILTER (WHERE {where}), 0)"


def _used(params: Mapping[str, Any], *sql: str) -> dict[str, Any]:
    """The parameters the statements name."""
    return {k: v for k, v in params.items() if any(f":{k}" in s for s in sql)}


def format_money(amount: Money, lang: str) -> str:
    """HK$108.2 million / HK$1.82 billion; in Chinese as officials write them:
    32.29億港元, 5,143萬港元, 12.5萬港元 (億 to two places, 萬 whole from a million up)."""
    dollars = Decimal(amount.cents) / 100
    if lang == "zh-Hant":
        if dollars >= 100_000_000:
            return f"{_trim(_round(dollars / 100_000_000, 2))}億港元"
        if dollars >= 1_000_000:
            return f"{(dollars / 10_000).quantize(Decimal(1), rounding=ROUND_HALF_UP):,}萬港元"
        if dollars >= 10_000:
            return f"{_trim(_round(dollars / 10_000, 1))}萬港元"
        return f"{dollars:,.0f}港元"
    if dollars >= 1_000_000_000:
        return f"HK${_round(dollars / 1_000_000_000, 3)} billion"
    if dollars >= 1_000_000:
        return f"HK${_round(dollars / 1_000_000, 1)} million"
    return f"HK${dollars:,.0f}"


def _trim(text: str) -> str:
    """A decimal without trailing zeros after its point (12.50 -> 12.5, 3.00 -> 3)."""
    return text.rstrip("0").rstrip(".") if "." in text else text


def _round(value: Decimal, places: int) -> str:
    return str(value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))
