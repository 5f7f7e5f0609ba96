"""The FastAPI application: API and pages from one process.

``create_app`` is the only wiring point; entry points (``reind serve``,
``reind demo``, tests) call it with their settings.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from reind import __version__
from reind.web import problems
from reind.web.api import schemes as schemes_api
from reind.web.views import schemes as schemes_views

STATIC = Path(__file__).resolve().parent / "static"


def create_app() -> FastAPI:
    """A ready-to-serve application."""
    app = FastAPI(
        title="reind",
        version=__version__,
        description="Hong Kong re-industrialisation: schemes, programme office, smart lines.",
        openapi_url="/api/v1/openapi.json",
        docs_url="/api/v1/docs",
    )
    problems.install(app)
    app.include_router(schemes_api.router)
    app.include_router(schemes_views.router)
    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")
    return app
