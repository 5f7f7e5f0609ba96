"""Funded production lines: which line a project set up, and the baseline it is measured against.

An officer links a funded application (one with a signed agreement) to its
production line: the Sparkplug series prefix (``group/edge node/device/``,
optionally a unit below it), the line's name in English and Chinese, the
date it was commissioned, its planned run time per unit (the ideal cycle
time OEE's effectiveness is measured against) and its staffing (operators
on the line while it is in planned operation, after and, when known,
before). The applicant of the project (or an officer for it) may declare a
baseline: what throughput, OEE, labour, energy and yield were before the
line. Both are plain values: the programme never imports the factory
(``reporting/outcomes.py`` measures the line). Every change is an audit event.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from reind.core.clock import Clock, SystemClock
from reind.core.errors import InvalidInputError, NotFoundError
from reind.programme import audit
from reind.programme.actors import Actor
from reind.programme.applications.access import get_application
from reind.programme.applications.store import ApplicationRow
from reind.programme.enterprises.store import EnterpriseRow
from reind.programme.funded_lines.store import DeclaredBaselineRow, FundedLineRow
from reind.programme.money.agreements import agreement_of
from reind.programme.permissions import Action, ensure
from reind.programme.uow import flush

_WILDCARDS = frozenset("+#")


@dataclass(frozen=True, slots=True)
class FundedLine:
    """A funded project's production line, as plain identifiers."""

    application_id: str
    series_prefix: str
    line_name_en: str
    line_name_zh: str
    commissioned_on: date
    pru_seconds: float
    operators: float
    operators_before: float | None = None

    def name(self, lang: str) -> str:
        """The line's name in ``lang``."""
        return self.line_name_zh if lang == "zh-Hant" and self.line_name_zh else self.line_name_en


@dataclass(frozen=True, slots=True)
class DeclaredBaseline:
    """What the applicant declares the work was like before the funded line.

    Ratios (``oee``, ``yield_ratio``) are fractions (0.62, not 62).
    """

    throughput_per_hour: float | None = None
    oee: float | None = None
    labour_hours_per_unit: float | None = None
    energy_kwh_per_unit: float | None = None
    yield_ratio: float | None = None
    basis: str = ""


@dataclass(frozen=True, slots=True)
class LinkedProject:
    """A linked line with its project's reference, enterprise and declared baseline."""

    reference: str
    title: str
    enterprise_en: str
    enterprise_zh: str
    line: FundedLine
    declared: DeclaredBaseline | None


def normalise_prefix(prefix: str) -> str:
    """``group/node/device[/unit...]/`` with a trailing slash, or InvalidInputError."""
    parts = prefix.strip().strip("/").split("/")
    if len(parts) < 3 or any(not part.strip() for part in parts):
        raise InvalidInputError(
            "series prefix “{prefix}” must name a Sparkplug group, edge node and device, e.g. "
            "reind/waffle-1/waffle",
            prefix=prefix,
        )
    if any(set(part) & _WILDCARDS for part in parts):
        raise InvalidInputError(
            "series prefix “{prefix}” may not contain MQTT wildcards", prefix=prefix
        )
    return "/".join(parts) + "/"


def _positive(name: str, value: float | None, *, allow_zero: bool = False) -> None:
    if value is None:
        return
    if not math.isfinite(value) or value < 0 or (value == 0 and not allow_zero):
        raise InvalidInputError(
            "{name} must be a positive number, not {value}", name=name, value=value
        )


def _fraction(name: str, value: float | None) -> None:
    if value is not None and not (math.isfinite(value) and 0 < value <= 1):
        raise InvalidInputError(
            "{name} is a fraction above 0 and at most 1 (0.62 for 62%)", name=name
        )


def link_line(
    session: Session,
    application_id: str,
    actor: Actor,
    *,
    series_prefix: str,
    line_name_en: str,
    line_name_zh: str,
    commissioned_on: date,
    pru_seconds: float,
    operators: float,
    operators_before: float | None = None,
    clock: Clock | None = None,
) -> FundedLine:
    """Link a funded application to its production line (officer); linking again updates it."""
    ensure(actor, Action.LINK_FUNDED_LINES)
    app = get_application(session, application_id, actor)
    agreement = agreement_of(session, app.id)
    if not line_name_en.strip():
        raise InvalidInputError("give the line's name in English")
    _positive("the planned run time per unit", pru_seconds)
    _positive("the number of operators", operators)
    _positive("the number of operators before", operators_before)
    if commissioned_on < agreement.starts_on:
        raise InvalidInputError(
            "a line commissioned on {commissioned_on} is before the project started ({starts_on})",
            commissioned_on=str(commissioned_on),
            starts_on=str(agreement.starts_on),
        )
    line = FundedLine(
        application_id=app.id,
        series_prefix=normalise_prefix(series_prefix),
        line_name_en=line_name_en.strip(),
        line_name_zh=line_name_zh.strip(),
        commissioned_on=commissioned_on,
        pru_seconds=float(pru_seconds),
        operators=float(operators),
        operators_before=None if operators_before is None else float(operators_before),
    )
    row = session.get(FundedLineRow, app.id)
    if row is None:
        row = FundedLineRow(application_id=app.id)
        session.add(row)
    for name in (
        "series_prefix",
        "line_name_en",
        "line_name_zh",
        "commissioned_on",
        "pru_seconds",
        "operators",
        "operators_before",
    ):
        setattr(row, name, getattr(line, name))
    row.linked_by = actor.id
    row.linked_at = (clock or SystemClock()).now()
    flush(session, "the production line link")
    audit.record_at_commit(
        session,
        actor,
        "funded_line.linked",
        "application",
        app.id,
        {
            "series_prefix": line.series_prefix,
            "line_name_en": line.line_name_en,
            "line_name_zh": line.line_name_zh,
            "commissioned_on": commissioned_on.isoformat(),
            "pru_seconds": line.pru_seconds,
            "operators": line.operators,
            "operators_before": line.operators_before,
        },
        clock,
    )
    return line


def declare_baseline(
    session: Session,
    application_id: str,
    actor: Actor,
    baseline: DeclaredBaseline,
    clock: Clock | None = None,
) -> DeclaredBaseline:
    """Declare (or correct) the baseline of a funded project: its applicant, or an officer."""
    ensure(actor, Action.DECLARE_BASELINES)
    app = get_application(session, application_id, actor)  # applicants: their own only
    agreement_of(session, app.id)
    _positive("throughput per hour", baseline.throughput_per_hour)
    _fraction("OEE", baseline.oee)
    _positive("labour hours per unit", baseline.labour_hours_per_unit, allow_zero=True)
    _positive("energy per unit", baseline.energy_kwh_per_unit, allow_zero=True)
    _fraction("yield", baseline.yield_ratio)
    values = {
        "throughput_per_hour": baseline.throughput_per_hour,
        "oee": baseline.oee,
        "labour_hours_per_unit": baseline.labour_hours_per_unit,
        "energy_kwh_per_unit": baseline.energy_kwh_per_unit,
        "yield_ratio": baseline.yield_ratio,
    }
    if all(value is None for value in values.values()):
        raise InvalidInputError("declare at least one baseline figure")
    row = session.get(DeclaredBaselineRow, app.id)
    if row is None:
        row = DeclaredBaselineRow(application_id=app.id)
        session.add(row)
    for name, value in values.items():
        setattr(row, name, value)
    row.basis = baseline.basis.strip()
    row.declared_by = actor.id
    row.declared_at = (clock or SystemClock()).now()
    flush(session, "the declared baseline")
    audit.record_at_commit(
        session,
        actor,
        "funded_line.baseline_declared",
        "application",
        app.id,
        {**values, "basis": row.basis},
        clock,
    )
    return baseline


def _line(row: FundedLineRow) -> FundedLine:
    return FundedLine(
        application_id=row.application_id,
        series_prefix=row.series_prefix,
        line_name_en=row.line_name_en,
        line_name_zh=row.line_name_zh,
        commissioned_on=row.commissioned_on,
        pru_seconds=row.pru_seconds,
        operators=row.operators,
        operators_before=row.operators_before,
    )


def _baseline(row: DeclaredBaselineRow) -> DeclaredBaseline:
    return DeclaredBaseline(
        throughput_per_hour=row.throughput_per_hour,
        oee=row.oee,
        labour_hours_per_unit=row.labour_hours_per_unit,
        energy_kwh_per_unit=row.energy_kwh_per_unit,
        yield_ratio=row.yield_ratio,
        basis=row.basis,
    )


def _check_may_see(actor: Actor) -> None:
    ensure(actor, Action.READ_OUTCOMES)


def funded_line_of(session: Session, application_id: str, actor: Actor) -> FundedLine | None:
    """The project's linked line, or None when none is linked yet."""
    _check_may_see(actor)
    get_application(session, application_id, actor)
    row = session.get(FundedLineRow, application_id)
    return None if row is None else _line(row)


def declared_baseline_of(
    session: Session, application_id: str, actor: Actor
) -> DeclaredBaseline | None:
    """The project's declared baseline, or None."""
    _check_may_see(actor)
    get_application(session, application_id, actor)
    row = session.get(DeclaredBaselineRow, application_id)
    return None if row is None else _baseline(row)


def linked_project(session: Session, application_id: str, actor: Actor) -> LinkedProject:
    """One project with its line and declared baseline; NotFoundError when not linked."""
    ensure(actor, Action.READ_OUTCOMES)
    line = funded_line_of(session, application_id, actor)
    if line is None:
        raise NotFoundError(
            "application {application_id} has no production line linked",
            application_id=application_id,
        )
    return _projects(session, [application_id])[0]


def linked_projects(session: Session) -> list[LinkedProject]:
    """Every linked project in reference order (the report's reading, not a user's)."""
    return _projects(session, None)


def _projects(session: Session, only: list[str] | None) -> list[LinkedProject]:
    """The linked projects, sorted here by reference: sorted in SQL, SQLite walked every
    application in reference order to find the few with a line (180 ms at the demo's
    122,000, on every report view; issue 16)."""
    query = (
        select(FundedLineRow, DeclaredBaselineRow, ApplicationRow, EnterpriseRow)
        .join(ApplicationRow, ApplicationRow.id == FundedLineRow.application_id)
        .join(EnterpriseRow, EnterpriseRow.id == ApplicationRow.enterprise_id)
        .outerjoin(
            DeclaredBaselineRow,
            DeclaredBaselineRow.application_id == FundedLineRow.application_id,
        )
    )
    if only is not None:
        query = query.where(FundedLineRow.application_id.in_(only))
    found = [
        LinkedProject(
            reference=app.reference,
            title=app.title,
            enterprise_en=enterprise.name_en,
            enterprise_zh=enterprise.name_zh,
            line=_line(line),
            declared=None if declared is None else _baseline(declared),
        )
        for line, declared, app, enterprise in session.execute(query).all()
    ]
    return sorted(found, key=lambda project: project.reference)
