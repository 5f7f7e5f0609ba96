"""Imported grants reach the 360Giving export, every amount true as at its date (issue 19)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import jsonschema
import pytest
from jsonschema import Draft7Validator, FormatChecker
from sqlalchemy import select

from reind.core.db import Database
from reind.programme.applications.store import ApplicationRow
from reind.programme.money.store import AgreementRow
from reind.reporting.giving360 import CSV_COLUMNS, OpenDataError, export, schema
from tests.programme.import_files import CLAIMS, COLUMNS, load, write

GRANT = (
    "BUD-H-001,bud,12345678,Luen Tai Eggs Ltd,cap622,60,yes,food_processing,"
    '"=HYPERLINK(""http://x.example"",""Egg brand"")",2021-03-01,900000,approved,800000,,2021-06-01'
)
PROJECT = (
    "RFS-H-002,rfs,87654321,Sew Solution Ltd,cap622,30,yes,textiles,"
    "Smart sewing line,2021-01-04,1000000,in_progress,1000000,1000000,2021-04-01"
)


@pytest.fixture
def imported(db: Database, tmp_path: Path) -> Database:
    load(db, "applications", write(tmp_path, "a.csv", COLUMNS, GRANT, PROJECT))
    load(
        db,
        "claims",
        write(
            tmp_path,
            "c.csv",
            CLAIMS,
            ",RFS-H-002,200000,2021-06-01,paid,2021-07-01",
            ",RFS-H-002,300000,2021-09-01,paid,2021-09-16",
        ),
    )
    with db.unit_of_work() as session:
        app_id = session.execute(
            select(ApplicationRow.id).where(ApplicationRow.reference == "RFS-H-002")
        ).scalar_one()
        session.add(
            AgreementRow(
                application_id=app_id,
                signed_on=date(2021, 4, 20),
                grant_cents=100_000_000,
                starts_on=date(2021, 5, 1),
                ends_on=date(2022, 10, 31),
            )
        )
    return db


def _export(db: Database, out: Path, as_of: date, **options: object) -> dict[str, object]:
    options.setdefault("published", max(as_of, date(2021, 9, 20)))
    with db.unit_of_work() as session:
        json_path, _, _ = export(
            session,
            as_of,
            out,
            **options,  # type: ignore[arg-type]
        )
    data: dict[str, object] = json.loads(json_path.read_text(encoding="utf-8"))
    return data


def test_imported_grants_are_exported_as_they_stood_on_the_day(
    imported: Database, tmp_path: Path
) -> None:
    data = _export(imported, tmp_path / "out", date(2021, 8, 31), publisher="itc")
    jsonschema.validate(data, schema(), cls=Draft7Validator, format_checker=FormatChecker())
    grants = {g["id"]: g for g in data["grants"]}  # type: ignore[attr-defined]
    project = grants["360G-HKSARG-RFS-H-002"]
    assert project["amountDisbursed"] == 200_000  # the September payment is after the date
    assert project["awardDate"] == "2021-04-01"
    assert project["plannedDates"] == [
        {"startDate": "2021-05-01", "endDate": "2022-10-31", "duration": "17"}
    ]  # the official 1.4 schema's Event.duration is a string (months)
    assert project["beneficiaryLocation"][0]["countryCode"] == "HK"
    assert project["dateModified"].startswith("2021-07-01T12:00:00+08:00")
    assert project["recipientOrganization"] == [
        {"id": "360G-HKSARG-BR-87654321", "name": "Sew Solution Ltd"}
    ]
    assert grants["360G-HKSARG-BUD-H-001"]["fundingOrganization"][0]["id"] == "360G-HKSARG-TID"
    assert data["issued"] == "2021-09-20"
    later = _export(imported, tmp_path / "later", date(2021, 9, 30), publisher="itc")
    paid = {g["id"]: g["amountDisbursed"] for g in later["grants"]}  # type: ignore[attr-defined]
    assert paid["360G-HKSARG-RFS-H-002"] == 500_000


def test_the_csv_is_safe_to_open_in_excel(imported: Database, tmp_path: Path) -> None:
    _export(imported, tmp_path, date(2021, 8, 31), publisher="tid")
    raw = (tmp_path / "grants.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    assert text.splitlines()[0] == ",".join(CSV_COLUMNS)
    assert "'=HYPERLINK" in text and ",=HYPERLINK" not in text


def test_an_export_that_would_mislead_is_refused(imported: Database, tmp_path: Path) -> None:
    with pytest.raises(OpenDataError, match="nothing to publish"):
        _export(imported, tmp_path / "empty", date(2020, 12, 31), publisher="itc")
    assert not (tmp_path / "empty").exists()
    with pytest.raises(OpenDataError, match="--publisher"):
        _export(imported, tmp_path / "who", date(2021, 8, 31))
    with pytest.raises(OpenDataError, match="is in the future"):
        _export(
            imported, tmp_path / "soon", date(2099, 1, 1), publisher="itc", today=date(2026, 1, 1)
        )
    with pytest.raises(OpenDataError, match="before the day its amounts are as at"):
        _export(
            imported,
            tmp_path / "early",
            date(2021, 8, 31),
            publisher="itc",
            published=date(2021, 8, 30),
        )
    assert not (tmp_path / "soon").exists() and not (tmp_path / "early").exists()
    a_file = tmp_path / "taken"
    a_file.write_text("mine", encoding="utf-8")
    with pytest.raises(OpenDataError, match="is a file"):
        _export(imported, a_file, date(2021, 8, 31), publisher="itc")
    _export(imported, tmp_path / "out", date(2021, 8, 31), publisher="itc")
    with pytest.raises(OpenDataError, match="--force"):
        _export(imported, tmp_path / "out", date(2021, 8, 31), publisher="itc")
    _export(imported, tmp_path / "out", date(2021, 8, 31), publisher="itc", force=True)


def test_each_grant_names_its_data_source_where_the_file_is_published(
    imported: Database, tmp_path: Path
) -> None:
    url = "https://www.example.gov.hk/open-data/grants.json"
    data = _export(imported, tmp_path / "out", date(2021, 8, 31), publisher="itc", source_url=url)
    jsonschema.validate(data, schema(), cls=Draft7Validator, format_checker=FormatChecker())
    assert data["downloadURL"] == url
    assert {g["dataSource"] for g in data["grants"]} == {url}  # type: ignore[attr-defined]
    rows = (tmp_path / "out" / "grants.csv").read_text(encoding="utf-8-sig").splitlines()
    assert rows[0].endswith(",Data Source") and rows[1].endswith("," + url)
    for wrong in ("grants.json", "ftp://example.org/g.json", "https://"):
        with pytest.raises(OpenDataError, match="--source-url"):
            _export(
                imported, tmp_path / "bad", date(2021, 8, 31), publisher="itc", source_url=wrong
            )
    assert not (tmp_path / "bad").exists()
