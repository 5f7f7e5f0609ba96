"""The FastAPI application: API and pages from one process.

``create_app`` is the only wiring point; entry points (``reind serve``,
``reind demo``, ``web.asgi``, tests, ``bench/api.py``) call it with the
``Platform`` their composition root built (``reind.bootstrap``: database,
rules engine, and the telemetry store and plant link when connected to a
plant), the secret that signs session cookies, and whether cookies are
``Secure`` (switch off only for plain-http local use). Requests read only
what the app was given (``web.deps``).
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from argon2 import PasswordHasher
from fastapi import Depends, FastAPI
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool
from starlette.middleware.sessions import SessionMiddleware

from reind import __version__
from reind.bootstrap import Platform
from reind.web import openapi, problems
from reind.web.api import applications as applications_api
from reind.web.api import audit as audit_api
from reind.web.api import casework as casework_api
from reind.web.api import committee as committee_api
from reind.web.api import desk as desk_api
from reind.web.api import evidence as evidence_api
from reind.web.api import lists as lists_api
from reind.web.api import money as money_api
from reind.web.api import schemes as schemes_api
from reind.web.api import session as session_api
from reind.web.api import ventures as ventures_api
from reind.web.auth import SESSION_COOKIE, SESSION_MAX_AGE
from reind.web.hot_path import HotPath, HotPathCounts, asyncpg_dsn
from reind.web.limits import BodyLimit
from reind.web.report_warming import report_warming
from reind.web.security_headers import DOCS_CDN, DOCS_PATH, SecurityHeaders
from reind.web.views import account as account_views
from reind.web.views import admin as admin_views
from reind.web.views import admin_accounts as admin_account_views
from reind.web.views import agenda as agenda_views
from reind.web.views import analyst as analyst_views
from reind.web.views import audit as audit_views
from reind.web.views import bulk as bulk_views
from reind.web.views import casework as casework_views
from reind.web.views import committee as committee_views
from reind.web.views import desk as desk_views
from reind.web.views import finance as finance_views
from reind.web.views import notice_settings as notice_settings_views
from reind.web.views import outcomes as outcomes_views
from reind.web.views import plant as plant_views
from reind.web.views import plant_log as plant_log_views
from reind.web.views import portal as portal_views
from reind.web.views import portal_case as portal_case_views
from reind.web.views import schemes as schemes_views
from reind.web.views import workbench as workbench_views
from reind.web.warm_start import warm_start

logger = logging.getLogger(__name__)

STATIC = Path(__file__).resolve().parent / "static"


def create_app(
    platform: Platform,
    *,
    session_secret: str | None = None,
    secure_cookies: bool = True,
    password_hasher: PasswordHasher | None = None,
    hot_path: bool = True,
    warm_report_every: float = 0,
    warm_at_start: bool = False,
) -> FastAPI:
    """A ready-to-serve application.

    Without ``session_secret`` a random one is made, so sessions last only as
    long as this process; give every worker the same secret in production.
    On PostgreSQL the busiest API requests take the single-statement path
    (``web.hot_path``, ADR 0091) unless ``hot_path`` is off; the counts of
    requests it served and handed on are in ``app.state.hot_path``. With
    ``warm_report_every`` (seconds) the app renders today's report ahead of the
    analysts while it runs (``web.report_warming``); with ``warm_at_start`` it
    does before its first request what that request would (``web.warm_start``).
    """

    @asynccontextmanager
    async def lifespan(started: FastAPI) -> AsyncIterator[None]:
        if warm_at_start:
            await run_in_threadpool(warm_start, started)
        rounds = report_warming(platform, warm_report_every) if warm_report_every > 0 else None
        if rounds is not None:
            rounds.start()
        try:
            yield
        finally:
            if rounds is not None:
                await run_in_threadpool(rounds.stop)

    app = FastAPI(
        lifespan=lifespan,
        title="reind",
        version=__version__,
        description="Hong Kong re-industrialisation: schemes, programme office, smart lines.",
        openapi_url="/api/v1/openapi.json",
        docs_url=None,
        redoc_url=None,
        dependencies=[Depends(problems.one_value_per_query_parameter)],
    )
    app.state.platform = platform
    app.state.password_hasher = password_hasher
    if session_secret is None:
        logger.info("no session secret given: sessions end when this process does")
        session_secret = secrets.token_urlsafe(32)
    app.add_middleware(
        problems.ServerErrors
    )  # innermost: a 500 still knows the session, gets the headers
    app.add_middleware(
        SessionMiddleware,
        secret_key=session_secret,
        session_cookie=SESSION_COOKIE,
        max_age=SESSION_MAX_AGE,
        same_site="lax",
        https_only=secure_cookies,
    )
    app.add_middleware(BodyLimit)
    app.state.hot_path = HotPathCounts()
    dsn = asyncpg_dsn(platform.database.url) if hot_path else None
    if dsn is not None:
        app.add_middleware(HotPath, dsn=dsn, counts=app.state.hot_path, engine=platform.engine)
    app.add_middleware(SecurityHeaders)  # outermost: every answer carries the headers
    problems.install(app)
    app.add_api_route(DOCS_PATH, _api_docs, include_in_schema=False, response_class=HTMLResponse)
    app.include_router(schemes_api.router)
    for router in (
        session_api.router,
        applications_api.router,
        casework_api.router,
        committee_api.router,
        money_api.router,
        desk_api.router,
        ventures_api.router,
        audit_api.router,
        lists_api.router,
        evidence_api.router,
    ):
        app.include_router(router)
    app.include_router(schemes_views.router)
    app.include_router(account_views.router)
    app.include_router(portal_views.router)
    app.include_router(portal_case_views.router)
    app.include_router(notice_settings_views.router)
    app.include_router(agenda_views.router)  # before /workbench/applications/{id}
    app.include_router(casework_views.router)
    app.include_router(bulk_views.router)
    app.include_router(workbench_views.router)
    app.include_router(committee_views.router)
    app.include_router(finance_views.router)
    app.include_router(desk_views.router)
    app.include_router(analyst_views.router)
    app.include_router(plant_log_views.router)  # before the dashboard's /plant/{line} routes
    app.include_router(plant_views.router)
    app.include_router(outcomes_views.router)
    app.include_router(audit_views.router)
    app.include_router(admin_views.router)
    app.include_router(admin_account_views.router)
    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")
    openapi.install(app)
    return app


SWAGGER_UI = f"{DOCS_CDN}/npm/swagger-ui-dist@5"
_DOCS_PAGE = f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>reind API</title>
<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="{SWAGGER_UI}/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="{SWAGGER_UI}/swagger-ui-bundle.js"></script>
<script src="/static/api-docs.js" data-openapi="/api/v1/openapi.json"></script>
</body>
</html>
"""


async def _api_docs() -> HTMLResponse:
    """The interactive API documentation, its start-up script a static file (no inline script)."""
    return HTMLResponse(_DOCS_PAGE)
