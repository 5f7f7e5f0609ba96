"""Text search over a list's columns: FTS5 trigrams on SQLite, pg_trgm on PostgreSQL.

The office searches by a piece of a name or title, in English or Chinese
("foods", "waffle", "食品"). Chinese has no spaces, so word indexes
(PostgreSQL's tsvector, FTS5's unicode61) see a whole name as one word and
cannot find a part of it; trigram indexes can, in both languages (ADR 0165).
The meaning stays what a ``LIKE '%text%'`` without regard to case gives, on
both databases:

- SQLite: an FTS5 table with the trigram tokenizer beside each searched
  table (migration ``0016_full_text_search``, kept by triggers); a phrase
  query of three or more characters finds the substring by the index.
- PostgreSQL: GIN ``gin_trgm_ops`` indexes on the columns, which serve
  ``ILIKE '%text%'`` directly.

Text shorter than three characters has no trigram: both read the table
(still correct; a two-character Chinese word is the usual case).

A list then joins its table to the matching keys (the "hits"). Which side
leads matters on SQLite, whose planner has no statistics: few hits should
lead (look each up by key, sort them), many hits should follow (walk the
list's ordering index, keep the rows that are hits, stop at a page). The
lists count first, which they must anyway, and choose with ``hits_join``.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Column,
    ColumnElement,
    Select,
    column,
    func,
    literal_column,
    or_,
    select,
    table,
    union,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import UnaryExpression
from sqlalchemy.sql.operators import custom_op
from sqlalchemy.sql.selectable import Join
from sqlalchemy.sql.visitors import replacement_traverse

from reind.core import paging
from reind.core.paging import like_pattern

TRIGRAM = 3
"""The shortest text a trigram index can find."""
FEW = 2_000
"""Up to this many hits lead the join; more follow the list's own ordering index."""


@dataclass(frozen=True, slots=True)
class Words:
    """A searched table: its key, its text columns, and the FTS5 table SQLite keeps of them."""

    fts: str
    """The FTS5 table's name (SQLite)."""
    fts_key: str
    """The column of the FTS5 table holding the searched row's key."""
    key: Any
    """The searched table's key column (ORM)."""
    columns: tuple[Any, ...]
    """The searched columns (ORM)."""

    def keys_matching(self, session: Session, text: str) -> Any:
        """A SELECT of the keys (as ``id``) of the rows any of whose columns holds ``text``."""
        text = text.strip()
        if session.get_bind().dialect.name == "sqlite" and len(text) >= TRIGRAM:
            fts = table(self.fts, column(self.fts_key))
            phrase = '"' + text.replace('"', '""') + '"'
            matched = literal_column(self.fts).op("MATCH")(phrase)
            return select(fts.c[self.fts_key].label("id")).where(matched)
        pattern = like_pattern(text)
        return select(self.key.label("id")).where(
            or_(*(c.ilike(pattern, escape="\\") for c in self.columns))
        )

    def holds(self, session: Session, text: str) -> Any:
        """A WHERE term on the searched table: the row's columns hold ``text``.

        The rows ``keys_matching`` selects, as a term a list's query can walk
        its ordering index with (``first_of_each``).
        """
        text = text.strip()
        if session.get_bind().dialect.name == "sqlite" and len(text) >= TRIGRAM:
            return self.key.in_(self.keys_matching(session, text))
        pattern = like_pattern(text)
        return or_(*(c.ilike(pattern, escape="\\") for c in self.columns))


class _HitsFirst(Join):
    """A join SQLite must read left side first (its ``CROSS JOIN``); a plain join elsewhere."""

    inherit_cache = True


@compiles(_HitsFirst, "sqlite")
def _sqlite_hits_first(join: _HitsFirst, compiler: SQLCompiler, **kw: Any) -> str:
    kw["asfrom"] = True
    left = compiler.process(join.left, **kw)
    right = compiler.process(join.right, **kw)
    assert join.onclause is not None
    return f"{left} CROSS JOIN {right} ON {compiler.process(join.onclause, **kw)}"


def first_of_each(ways: Sequence[Any], rows: Select[Any], order: Sequence[Any], count: int) -> Any:
    """The UNION of the first ``count`` rows ``rows`` selects under each of ``ways``, in ``order``.

    ``rows`` selects a list's key and ordering columns under its filters;
    each way of matching a search (a reference's beginning, a title's
    words, an enterprise's name) is a WHERE term. Each part is one indexed
    query that stops at ``count`` rows: PostgreSQL reads a way with many
    matches along the list's ordering index and one with few by its own
    index, as its statistics tell it. A page is then the first ``count`` of
    the UNION. Collecting every match first and filtering it after took 4.7 s
    for closed applications holding "food" at 1M applications (issue 16).
    Without an ``order`` (a count), each part stops at ``count`` rows found.
    """
    parts = []
    for way in ways:
        part = rows.where(way)
        if order:
            part = part.order_by(*order)
        parts.append(select(part.limit(count).subquery()))
    return union(*parts)


def count_of_each(
    session: Session, ways: Sequence[Any], rows: Select[Any], cap: int | None = None
) -> tuple[int, bool]:
    """(How many rows ``rows`` selects under any of ``ways``, up to the cap; whether more).

    The cap is ``cap``, else ``paging.COUNT_CAP`` (read when called).

    ``rows`` selects one column, the list's key, labelled ``key``. A way
    that alone finds more than ``cap`` decides it (counted without reading
    the keys: an index-only count); else the UNION of the ways' keys, each
    fewer than ``cap``, is counted once each.
    """
    cap = paging.COUNT_CAP if cap is None else cap
    for way in ways:
        limited = rows.where(way).limit(cap + 1).subquery()
        found = int(session.execute(select(func.count()).select_from(limited)).scalar_one())
        if found > cap:
            return cap, True
    keys = first_of_each(ways, rows, (), cap + 1).subquery()
    limited = select(keys.c.key).limit(cap + 1).subquery()
    found = int(session.execute(select(func.count()).select_from(limited)).scalar_one())
    return min(found, cap), found > cap


def few(session: Session, rows: Select[Any]) -> bool:
    """Whether ``rows`` selects at most ``FEW`` rows (counted no further than one past).

    A list whose own rows, under its filters but not its search, are few
    checks each of them against the search (SQLite): for five applications in
    screening that is five look-ups, where gathering the 11,000 applications
    holding "food" first took 230 ms (issue 16).
    """
    limited = rows.limit(FEW + 1).subquery()
    return int(session.execute(select(func.count()).select_from(limited)).scalar_one()) <= FEW


def planned(total: int, capped: bool) -> int:
    """The count a list's plan is chosen by: one that stopped short counts as many.

    A page counts a search to ``paging.QUICK_CAP`` only, fewer than ``FEW``:
    "more than 1,000" must still walk the ordering, not lead with the hits.
    """
    return max(total, FEW + 1) if capped else total


def hits_of(session: Session, keys: Any) -> Any:
    """The SELECT of matching keys as a FROM named ``hits``, read once.

    On SQLite a materialized CTE: left a subquery, SQLite folds a single
    FTS5 match into the join and reads the FTS table's rows again for each
    (2 s instead of 0.13 s for 39,000 enquiries).
    """
    if session.get_bind().dialect.name == "sqlite":
        return keys.cte("hits").prefix_with("MATERIALIZED")
    return keys.subquery("hits")


def hits_join(hits: Any, searched: Any, onclause: Any, count: int | None = None) -> Any:
    """``hits`` joined to the ``searched`` table, the hits leading unless there are many.

    ``count`` is how many rows the list holds in all (None: not known yet, as
    when counting them: the hits lead).
    """
    if count is not None and count > FEW:
        return searched.join(hits, onclause)
    return _HitsFirst(hits, searched, onclause)


def hits_counted(session: Session, words: Words, text: str, cap: int) -> int | None:
    """How many rows the text index finds holding ``text``, counted up to ``cap + 1``.

    None where no text index answers (PostgreSQL, whose planner weighs its
    own trigram index; text shorter than ``TRIGRAM``). A list asks this
    first to learn which side is smaller: the hits, or its own rows.
    """
    text = text.strip()
    if session.get_bind().dialect.name != "sqlite" or len(text) < TRIGRAM:
        return None
    fts = table(words.fts)
    phrase = '"' + text.replace('"', '""') + '"'
    found: Select[Any] = select(literal_column("rowid")).select_from(fts)
    limited = found.where(literal_column(words.fts).op("MATCH")(phrase)).limit(cap + 1).subquery()
    return int(session.execute(select(func.count()).select_from(limited)).scalar_one())


def row_holds(session: Session, words: Words, text: str) -> Any:
    """A WHERE term reading the row's own text: one of its columns holds ``text``.

    The meaning ``keys_matching`` serves by the index, tested on each row a
    list walks instead of collecting every hit first: when many rows hold
    the text, a page is found within a few hundred rows of its ordering
    index (0.2 ms), while reading 39,000 hits out of FTS5 took 280 ms
    ("funding" among the demo's enquiries, issue 16). On SQLite this is
    ``LIKE``, which folds ASCII case as ``lower()`` does (SQLite's ``ilike``
    is ``lower(x) LIKE lower(y)``: the same test at a third of the cost); on
    PostgreSQL ``holds``, an ``ILIKE`` its trigram index serves.
    """
    text = text.strip()
    if session.get_bind().dialect.name != "sqlite":
        return words.holds(session, text)
    pattern = like_pattern(text)
    return or_(*(c.like(pattern, escape="\\") for c in words.columns))


def unindexed(term: Any, columns: Collection[Any]) -> Any:
    """``term`` with each of ``columns`` read as ``+column``: SQLite then reads it off no index.

    SQLite keeps no statistics, so it takes any index on a filtered column
    (an enquiry's state, a centre) as selective and reads the table's rows
    in that index's order, one lookup each: four times the cost of reading
    the table in its own order when the filter keeps most rows (128 ms
    against 32 ms for 39,000 enquiries), and a sort of all it kept after.
    A list names the columns it will test on each row it reads instead
    (SQLite only: the unary ``+`` is SQLite's documented way to keep a term
    off the indexes; PostgreSQL has no ``+`` for text).
    """
    wrapped = {_column(c) for c in columns}

    def plus(element: Any, **_: Any) -> Any:
        if isinstance(element, Column) and element in wrapped:
            return UnaryExpression(element, operator=custom_op("+"), type_=element.type)
        return None

    clause: ColumnElement[Any] = _column(term)
    return replacement_traverse(clause, {}, plus)


def _column(term: Any) -> Any:
    """An ORM attribute's column (``EnquiryRow.state`` -> ``enquiries.state``); else ``term``."""
    clause = getattr(term, "__clause_element__", None)
    return clause() if clause is not None else term
