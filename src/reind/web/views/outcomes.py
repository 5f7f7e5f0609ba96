"""A funded project's monitoring page: its production line measured against its baseline.

Officers, analysts and auditors see any project; an applicant sees its own
enterprise's. The numbers come from ``reind.reporting.outcomes`` reading the
telemetry store the app's ``Platform`` carries (``reind demo``, and
``reind serve`` connected to a plant); without one the page says so rather than guessing.
"""

from __future__ import annotations

import math

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from reind.core.clock import SystemClock
from reind.factory.kpi.rollups import RollupReader
from reind.programme.actors import Role
from reind.programme.applications import views as applications
from reind.programme.funded_lines.services import (
    declared_baseline_of,
    funded_line_of,
    linked_project,
)
from reind.programme.money import views as money
from reind.programme.permissions import Action
from reind.reporting.outcomes import METRICS, RATIOS, measure_line
from reind.web.auth import CurrentUser, needs
from reind.web.deps import UnitOfWork, platform_of
from reind.web.views.pages import PageRoute, need, page

router = APIRouter(route_class=PageRoute, include_in_schema=False)

BACK = {
    Role.APPLICANT: "/portal/applications/",
    Role.OFFICER: "/workbench/applications/",
    Role.ADMINISTRATOR: "/workbench/applications/",
}
"""Where "back to the project" goes for each role (analysts: the project's ledger)."""


def per_unit(value: float) -> str:
    """A per-unit figure at a sensible precision: three decimals, or two significant
    figures below 0.01 (a bottle takes 0.0003 labour hours, not "0.000")."""
    if value == 0 or abs(value) >= 0.01:
        return f"{value:,.3f}"
    decimals = 1 - math.floor(math.log10(abs(value)))
    return f"{value:.{decimals}f}"


def telemetry_of(request: Request) -> RollupReader | None:
    """The telemetry store the app was given, if any."""
    return platform_of(request.app).telemetry


@router.get(
    "/projects/{application_id}/outcomes", dependencies=[Depends(needs(Action.READ_OUTCOMES))]
)
def outcomes_page(
    request: Request, application_id: str, user: CurrentUser, session: UnitOfWork
) -> Response:
    """The project's line, its baseline, and before/after for each outcome."""
    actor = need(user, Action.READ_OUTCOMES)
    app = applications.application(session, application_id, actor)
    agreement = money.agreement_of(session, app.id, actor)
    line = funded_line_of(session, app.id, actor)
    declared = declared_baseline_of(session, app.id, actor)
    store = telemetry_of(request)
    outcome = None
    if line is not None and store is not None:
        project = linked_project(session, app.id, actor)
        outcome = measure_line(store, project, SystemClock().now())
    return page(
        request,
        "outcomes/project.html",
        user,
        app=app,
        agreement=agreement,
        line=line,
        declared=declared,
        outcome=outcome,
        telemetry=store is not None,
        metric_keys=list(METRICS),
        ratios=RATIOS,
        per_unit=per_unit,
        back=BACK.get(actor.role, "/finance/projects/") + app.id,
    )
