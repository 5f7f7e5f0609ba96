"""Funded lines: officers link a project to its line, applicants declare their own baseline."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import event, select

from reind.core.db import Database
from reind.core.errors import ForbiddenError, InvalidInputError, NotFoundError
from reind.programme.actors import Actor, Role
from reind.programme.audit.store import AuditEventRow
from reind.programme.funded_lines.services import (
    DeclaredBaseline,
    declare_baseline,
    declared_baseline_of,
    funded_line_of,
    link_line,
    linked_project,
    linked_projects,
    normalise_prefix,
)
from tests.programme.factories import (
    FINANCE,
    OFFICER,
    applicant_of,
    enterprise,
    funded_rfs_project,
    rfs_application,
)

ANALYST = Actor("analyst-tsang", Role.ANALYST)
COMMISSIONED = date(2025, 1, 6)


def _link(session: object, application_id: str, actor: Actor = OFFICER, **extra: object) -> None:
    values: dict[str, object] = {
        "series_prefix": "reind/waffle-1/waffle",
        "line_name_en": "Egg-waffle line",
        "line_name_zh": "雞蛋仔生產線",
        "commissioned_on": COMMISSIONED,
        "pru_seconds": 80.0,
        "operators": 1.0,
    }
    values.update(extra)
    link_line(session, application_id, actor, **values)  # type: ignore[arg-type]


def test_an_officer_links_a_funded_project_and_the_audit_log_records_it(db: Database) -> None:
    with db.unit_of_work() as session:
        app = funded_rfs_project(session)
        _link(session, app.id, operators_before=3.0)
    with db.unit_of_work() as session:
        line = funded_line_of(session, app.id, ANALYST)
        assert line is not None
        assert line.series_prefix == "reind/waffle-1/waffle/"
        assert line.operators == 1.0 and line.operators_before == 3.0
        assert line.name("zh-Hant") == "雞蛋仔生產線" and line.name("en") == "Egg-waffle line"
        event = session.execute(
            select(AuditEventRow).where(AuditEventRow.kind == "funded_line.linked")
        ).scalar_one()
        assert event.subject_id == app.id and event.actor == OFFICER.id
        assert json.loads(event.payload)["commissioned_on"] == "2025-01-06"


def test_linking_again_updates_the_link_rather_than_adding_a_second(db: Database) -> None:
    with db.unit_of_work() as session:
        app = funded_rfs_project(session)
        _link(session, app.id)
        _link(session, app.id, operators=2.0, series_prefix="reind/waffle-2/waffle/")
    with db.unit_of_work() as session:
        projects = linked_projects(session)
        assert len(projects) == 1
        assert projects[0].line.operators == 2.0
        assert projects[0].line.series_prefix == "reind/waffle-2/waffle/"


def test_only_an_officer_may_link_a_line(db: Database) -> None:
    with db.unit_of_work() as session:
        company = enterprise(session)
        app = funded_rfs_project(session, company)
        for actor in (applicant_of(company), FINANCE, ANALYST):
            with pytest.raises(ForbiddenError):
                _link(session, app.id, actor)


def test_a_project_without_an_agreement_cannot_be_linked(db: Database) -> None:
    with db.unit_of_work() as session:
        app = rfs_application(session, state="assessment")
        with pytest.raises(NotFoundError, match="no agreement"):
            _link(session, app.id)


@pytest.mark.parametrize(
    "prefix", ["reind/waffle-1", "reind//waffle", "reind/+/waffle", "", "reind/waffle-1/#"]
)
def test_a_series_prefix_names_group_node_and_device_without_wildcards(prefix: str) -> None:
    with pytest.raises(InvalidInputError):
        normalise_prefix(prefix)


def test_a_series_prefix_may_name_a_unit_below_the_device() -> None:
    assert normalise_prefix("reind/brewery-1/brewery/Bottling") == (
        "reind/brewery-1/brewery/Bottling/"
    )


def test_a_line_cannot_be_commissioned_before_the_project_started(db: Database) -> None:
    with db.unit_of_work() as session:
        app = funded_rfs_project(session)
        with pytest.raises(InvalidInputError, match="before the project started"):
            _link(session, app.id, commissioned_on=date(2024, 1, 1))


def test_the_applicant_declares_its_own_baseline_and_may_correct_it(db: Database) -> None:
    with db.unit_of_work() as session:
        company = enterprise(session)
        app = funded_rfs_project(session, company)
        applicant = applicant_of(company)
        declare_baseline(
            session, app.id, applicant, DeclaredBaseline(throughput_per_hour=60.0, basis="log")
        )
        declare_baseline(
            session,
            app.id,
            applicant,
            DeclaredBaseline(throughput_per_hour=55.0, labour_hours_per_unit=2 / 55, oee=0.5),
        )
    with db.unit_of_work() as session:
        declared = declared_baseline_of(session, app.id, OFFICER)
        assert declared == DeclaredBaseline(
            throughput_per_hour=55.0, oee=0.5, labour_hours_per_unit=2 / 55
        )
        kinds = session.execute(
            select(AuditEventRow.kind).where(AuditEventRow.subject_id == app.id)
        ).scalars()
        assert list(kinds).count("funded_line.baseline_declared") == 2


def test_an_applicant_may_not_declare_or_read_another_enterprises_baseline(
    db: Database,
) -> None:
    with db.unit_of_work() as session:
        app = funded_rfs_project(session)
        stranger = applicant_of(enterprise(session))
        with pytest.raises(ForbiddenError):
            declare_baseline(session, app.id, stranger, DeclaredBaseline(oee=0.4))
        with pytest.raises(ForbiddenError):
            declare_baseline(session, app.id, ANALYST, DeclaredBaseline(oee=0.4))
        _link(session, app.id)
        with pytest.raises(ForbiddenError):
            funded_line_of(session, app.id, stranger)
        with pytest.raises(ForbiddenError):
            funded_line_of(session, app.id, FINANCE)


@pytest.mark.parametrize(
    "baseline",
    [
        DeclaredBaseline(),
        DeclaredBaseline(oee=62.0),
        DeclaredBaseline(yield_ratio=0.0),
        DeclaredBaseline(throughput_per_hour=-1.0),
        DeclaredBaseline(energy_kwh_per_unit=float("nan")),
    ],
)
def test_a_declared_baseline_needs_sensible_figures(
    db: Database, baseline: DeclaredBaseline
) -> None:
    with db.unit_of_work() as session:
        app = funded_rfs_project(session)
        with pytest.raises(InvalidInputError):
            declare_baseline(session, app.id, OFFICER, baseline)


def test_a_linked_project_carries_its_reference_enterprise_and_baseline(db: Database) -> None:
    with db.unit_of_work() as session:
        app = funded_rfs_project(session)
        _link(session, app.id)
        declare_baseline(session, app.id, OFFICER, DeclaredBaseline(yield_ratio=0.9))
        plain = funded_rfs_project(session)
        with pytest.raises(NotFoundError, match="no production line"):
            linked_project(session, plain.id, OFFICER)
    with db.unit_of_work() as session:
        project = linked_project(session, app.id, OFFICER)
        assert project.reference == app.reference
        assert project.enterprise_zh == "金蛋食品有限公司"
        assert project.declared == DeclaredBaseline(yield_ratio=0.9)


def test_the_linked_projects_are_read_from_the_lines_not_by_walking_every_application(
    db: Database,
) -> None:
    """Sorted by reference in SQL, SQLite walked all 122,000 applications in reference order
    to find the demo's two lines: 180 ms of every report view and analyst's page (issue 16)."""
    with db.unit_of_work() as session:
        first, second = funded_rfs_project(session), funded_rfs_project(session)
        _link(session, second.id)
        _link(session, first.id, series_prefix="reind/brewery-1/brewery")
    statements: list[str] = []

    def capture(conn: object, cursor: object, sql: str, *rest: object) -> None:
        if "funded_lines" in sql:
            statements.append(sql)

    event.listen(db.engine, "before_cursor_execute", capture)
    try:
        with db.unit_of_work() as session:
            found = [p.reference for p in linked_projects(session)]
    finally:
        event.remove(db.engine, "before_cursor_execute", capture)
    assert found == sorted([first.reference, second.reference])
    (sql,) = statements
    with db.engine.connect() as connection:
        if db.engine.dialect.name == "sqlite":
            plan = " / ".join(
                str(r[-1]) for r in connection.exec_driver_sql("EXPLAIN QUERY PLAN " + sql)
            )
            assert "SCAN applications" not in plan and "SCAN funded_lines" in plan, plan
        else:
            assert "ORDER BY" not in sql.upper()  # nothing for the planner to walk an index for
