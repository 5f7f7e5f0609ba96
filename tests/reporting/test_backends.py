"""The report's figures, record ids and financial years on SQLite and on PostgreSQL.

PostgreSQL takes other roads than SQLite for speed (record ids joined into
one text by the server, approvals grouped by financial year in SQL: ADR
0076), so hand-made approvals around the edges (the first minute of a
financial year in Hong Kong, the day the current term began, the report's
cutoff, a non-manufacturing enterprise) must give the same answers on both.
"""

from __future__ import annotations

import csv
import io
import uuid
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import DateTime, bindparam, text
from sqlalchemy.orm import Session

from reind.core.db import Database
from reind.reporting.figures import (
    approvals_by_financial_year,
    compute_all,
    compute_report,
    parameters,
)
from reind.reporting.progress import build_report, write_records
from reind.reporting.records import RecordIds, fetch_ids
from tests.programme.conftest import db, postgres_template, sqlite_template
from tests.programme.factories import enterprise

__all__ = ["db", "postgres_template", "sqlite_template"]  # fixtures

AS_AT = date(2021, 8, 31)
CENTS = 1_000_000_00


def _approve(
    session: Session, scheme: str, enterprise_id: str, at: datetime, cents: int = CENTS
) -> str:
    """An application of ``scheme`` with an ``approved`` ledger entry at ``at`` (UTC)."""
    application = str(uuid.uuid4())
    session.execute(
        text(
            "INSERT INTO applications (id, reference, scheme, enterprise_id, title, state, "
            "received, amount_requested_cents, facts, created_at, version) VALUES (:id, :ref, "
            ":scheme, :enterprise, 'Edge', 'closed', :received, :cents, '{}', :at, 1)"
        ).bindparams(bindparam("at", type_=DateTime(timezone=True))),
        {
            "id": application,
            "ref": f"T-{application[:8]}",
            "scheme": scheme,
            "enterprise": enterprise_id,
            "received": at.date(),
            "cents": cents,
            "at": at,
        },
    )
    session.execute(
        text(
            "INSERT INTO ledger_entries (application_id, movement, amount_cents, recorded_at) "
            "VALUES (:id, 'approved', :cents, :at)"
        ).bindparams(bindparam("at", type_=DateTime(timezone=True))),
        {"id": application, "cents": cents, "at": at},
    )
    return application


@pytest.fixture
def edges(db: Database) -> dict[str, list[str]]:
    """Approvals on both sides of each edge; the ids each figure must list."""
    with db.unit_of_work() as session:
        maker = enterprise(session).id
        trader = enterprise(session, manufacturing=False).id
        counted = {
            "emf": [
                # 23:30 on 31 March 2021 in Hong Kong: financial year 2020-21
                _approve(session, "emf", maker, datetime(2021, 3, 31, 15, 30, tzinfo=UTC)),
                # 00:30 on 1 April 2021 in Hong Kong: 2021-22
                _approve(session, "emf", maker, datetime(2021, 3, 31, 16, 30, tzinfo=UTC)),
                # the last minute of the report's day in Hong Kong
                _approve(session, "emf", maker, datetime(2021, 8, 31, 15, 59, tzinfo=UTC)),
            ],
            # midnight on 1 July 2017 in Hong Kong: the first minute of the term
            "bud": [_approve(session, "bud", maker, datetime(2017, 6, 30, 16, 0, tzinfo=UTC))],
            "rttp": [
                _approve(session, "rttp", maker, datetime(2019, 4, 1, 3, 0, tzinfo=UTC), 7),
                # RTTP funding counts before the term and for any enterprise
                _approve(session, "rttp", trader, datetime(2017, 5, 2, 3, 0, tzinfo=UTC), 5),
            ],
        }
        # a minute before the term, the day after the report, and a trading firm: not counted
        _approve(session, "bud", maker, datetime(2017, 6, 30, 15, 59, tzinfo=UTC))
        _approve(session, "emf", maker, datetime(2021, 8, 31, 16, 0, tzinfo=UTC))
        _approve(session, "emf", trader, datetime(2020, 1, 2, 3, 0, tzinfo=UTC))
    return {scheme: sorted(ids) for scheme, ids in counted.items()}


def test_approvals_fall_in_their_hong_kong_financial_year(
    db: Database, edges: dict[str, list[str]]
) -> None:
    with db.unit_of_work() as session:
        grouped = approvals_by_financial_year(session, parameters(session, AS_AT))
        _, by_year = compute_report(session, AS_AT)
    assert grouped == {
        ("emf", "2020-21"): CENTS,
        ("emf", "2021-22"): 2 * CENTS,
        ("bud", "2017-18"): CENTS,
        ("rttp", "2019-20"): 7,
    }
    assert by_year == grouped  # on PostgreSQL, the sums ride on the figures' statements


def test_each_figure_lists_the_records_it_counts_in_order(
    db: Database, edges: dict[str, list[str]]
) -> None:
    with db.unit_of_work() as session:
        figures = compute_all(session, AS_AT)
    assert figures["emf_applications"].value == 3
    assert figures["emf_funding"].value == 3 * CENTS
    assert figures["bud_applications"].value == 1
    assert figures["rttp_funding"].value == 12
    for key, scheme in (("emf_applications", "emf"), ("bud_funding", "bud")):
        assert list(figures[key].record_ids) == edges[scheme]
    assert list(figures["rttp_funding"].record_ids) == edges["rttp"]
    ids = figures["emf_funding"].record_ids
    assert len(ids) == 3 and ids[:2] == tuple(edges["emf"][:2]) and ids[-1] == edges["emf"][-1]
    assert ids[:10] == tuple(edges["emf"])
    assert len(figures["seminars"].record_ids) == 0 and list(figures["seminars"].record_ids) == []


def test_the_csv_beside_the_report_holds_every_id(
    db: Database, edges: dict[str, list[str]], tmp_path: Path
) -> None:
    with db.unit_of_work() as session:
        report = build_report(session, AS_AT, records_dir="records")
    write_records(report.figures, tmp_path)
    with (tmp_path / "emf_applications.csv").open(newline="", encoding="utf-8") as source:
        assert list(csv.reader(source)) == [["record_id"], *([i] for i in edges["emf"])]
    assert (tmp_path / "seminars.csv").read_bytes() == b"record_id\r\n"
    html = report.content.decode()
    assert " ".join(edges["emf"]) in html and 'href="records/emf_applications.csv"' in html


def test_ids_the_server_cannot_join_are_fetched_row_by_row(db: Database) -> None:
    with db.unit_of_work() as session:
        broken = fetch_ids(session, "SELECT :id AS id", {"id": "line\nbreak"})
        missing = fetch_ids(session, "SELECT NULL AS id", {})
        numbers = fetch_ids(session, "SELECT 10 AS id UNION ALL SELECT 9 ORDER BY 1", {})
    assert list(broken) == ["line\nbreak"]
    assert list(missing) == ["None"]
    assert list(numbers) == ["9", "10"]


def _csv_module(ids: list[str]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(["record_id"])
    writer.writerows([i] for i in ids)
    return out.getvalue().encode("utf-8")


@pytest.mark.parametrize(
    "ids",
    [[], [""], ["a"], ["b", "a", "c"], ["with,comma", 'quote"d'], ["", "x"], ["x", ""], ["中文"]],
)
def test_record_ids_read_and_write_as_the_tuple_and_csv_module_would(ids: list[str]) -> None:
    joined = RecordIds.joined("\n".join(ids), len(ids))
    assert list(joined) == ids and len(joined) == len(ids)
    assert joined[:1] == tuple(ids[:1]) and joined[:200] == tuple(ids)
    assert joined == RecordIds.of(ids) and RecordIds.of(ids) == joined
    if ids:
        assert joined[0] == ids[0] and joined[-1] == ids[-1]
    for held in (joined, RecordIds.of(ids)):
        out = io.BytesIO()
        held.write_csv(out)
        assert out.getvalue() == _csv_module(ids)


def test_a_training_place_counts_once_however_many_approvals_its_grant_has(
    db: Database, edges: dict[str, list[str]]
) -> None:
    """RTTP's places are enrolments in approved courses: a second approved entry on the
    same grant's ledger (a top-up) is no second place, nor a second trainee."""
    application = edges["rttp"][0]
    with db.unit_of_work() as session:
        maker = session.execute(
            text("SELECT enterprise_id FROM applications WHERE id = :id"), {"id": application}
        ).scalar_one()
        course = session.execute(
            text(
                "INSERT INTO rttp_courses (provider, title, fee_cents, public) "
                "VALUES ('VTC', 'PLC basics', 100, :yes) RETURNING id"
            ),
            {"yes": True},
        ).scalar_one()
        trainee = session.execute(
            text(
                "INSERT INTO rttp_trainees (enterprise_id, name, permanent_resident) "
                "VALUES (:maker, 'Chan Tai Man', :yes) RETURNING id"
            ),
            {"maker": maker, "yes": True},
        ).scalar_one()
        session.execute(
            text(
                "INSERT INTO rttp_enrolments (course_id, trainee_id, application_id) "
                "VALUES (:course, :trainee, :application)"
            ),
            {"course": course, "trainee": trainee, "application": application},
        )
        session.execute(
            text(
                "INSERT INTO ledger_entries (application_id, movement, amount_cents, recorded_at) "
                "VALUES (:id, 'approved', 3, :at)"
            ).bindparams(bindparam("at", type_=DateTime(timezone=True))),
            {"id": application, "at": datetime(2020, 5, 4, 3, 0, tzinfo=UTC)},
        )
    with db.unit_of_work() as session:
        counted, _ = compute_report(session, AS_AT, ids=False)
        listed = compute_all(session, AS_AT)
    for figures in (counted, listed):
        assert figures["rttp_sessions"].value == 1
        assert figures["rttp_trainees"].value == 1
    assert list(listed["rttp_sessions"].record_ids) != []
