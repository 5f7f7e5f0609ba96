"""360Giving export validates against the schema; a seed always gives the same portfolio."""

from __future__ import annotations

import csv
import json
import random
from datetime import date
from pathlib import Path

import jsonschema
from jsonschema import Draft7Validator, FormatChecker

from reind.core.db import Database
from reind.programme.demo_data import portfolio_fingerprint, research, rfs, ventures
from reind.programme.demo_data.bulk import SimClock, hk_moment
from reind.reporting.giving360 import CSV_COLUMNS, export, package, schema
from reind.schemes.catalogue import default_engine

AS_AT = date(2021, 8, 31)


def test_the_360giving_package_validates_against_its_schema(
    portfolio: Database, tmp_path: Path
) -> None:
    with portfolio.unit_of_work() as session:
        json_path, csv_path, count = export(
            session, AS_AT, tmp_path, published=date(2021, 9, 15), publisher="tid"
        )
    data = json.loads(json_path.read_text(encoding="utf-8"))
    Draft7Validator.check_schema(schema())
    jsonschema.validate(data, schema(), cls=Draft7Validator, format_checker=FormatChecker())
    assert count == len(data["grants"]) > 110_000
    assert data["issued"] == "2021-09-15" and data["publisher"]["name"].startswith("Trade")
    assert not any("companyNumber" in g["recipientOrganization"][0] for g in data["grants"])
    with csv_path.open(encoding="utf-8-sig") as source:
        rows = list(csv.reader(source))
    assert tuple(rows[0]) == CSV_COLUMNS and len(rows) == count + 1
    rfs_grants = [g for g in data["grants"] if g["grantProgramme"][0]["code"] == "RFS"]
    assert len(rfs_grants) == 16


def test_a_grant_missing_its_recipient_fails_the_schema(portfolio: Database) -> None:
    with portfolio.unit_of_work() as session:
        data = package(session, date(2020, 12, 31), date(2021, 1, 15), "tid")
    broken = {**data, "grants": [{**data["grants"][0], "recipientOrganization": []}]}
    errors = list(Draft7Validator(schema()).iter_errors(broken))
    assert errors and "recipientOrganization" in str(errors[0].path)


def _small_portfolio(path: Path, seed: int) -> str:
    database = Database(f"sqlite:///{path}")
    database.migrate()
    engine = default_engine()
    with database.unit_of_work() as session:
        clock = SimClock(hk_moment(date(2017, 6, 1)))
        rng = random.Random(seed)
        rfs.generate(session, random.Random(rng.random()), clock, engine, 10_000_001)
        ventures.generate_itvf(session, random.Random(rng.random()), clock, engine)
        research.generate_tax(session, random.Random(rng.random()), clock, engine)
        research.generate_itf(session, random.Random(rng.random()), clock, engine)
    with database.unit_of_work() as session:
        fingerprint = portfolio_fingerprint(session)
    database.dispose()
    return fingerprint


def test_the_same_seed_gives_the_same_portfolio(tmp_path: Path) -> None:
    first = _small_portfolio(tmp_path / "a.db", 7)
    assert _small_portfolio(tmp_path / "b.db", 7) == first
    assert _small_portfolio(tmp_path / "c.db", 8) != first
