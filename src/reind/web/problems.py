"""Errors as RFC 9457 problem details, for the API and the pages alike.

Services raise ``reind.core.errors`` exceptions and know nothing of HTTP;
this module is the one place that turns them into responses.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from reind.core.errors import NotFoundError, ReindError
from reind.web.i18n import negotiate
from reind.web.templating import render

logger = logging.getLogger(__name__)

PROBLEM = "application/problem+json"


def problem_response(body: dict[str, Any], headers: dict[str, str] | None = None) -> JSONResponse:
    """A problem-details response with the right media type."""
    return JSONResponse(body, status_code=int(body["status"]), media_type=PROBLEM, headers=headers)


def install(app: FastAPI) -> None:
    """Register the exception handlers on ``app``."""

    @app.exception_handler(ReindError)
    async def _reind_error(request: Request, exc: ReindError) -> JSONResponse:
        body = exc.problem()
        body["detail"] = exc.localized(negotiate(request))
        body["instance"] = request.url.path
        return problem_response(body, exc.headers() or None)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {"field": ".".join(str(p) for p in err["loc"][1:]) or "body", "message": err["msg"]}
            for err in exc.errors()
        ]
        detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors)
        return problem_response(
            {
                "type": "https://reind.example/problems/invalid_input",
                "title": "Invalid input",
                "status": 400,
                "detail": detail,
                "code": "invalid_input",
                "errors": errors,
                "instance": request.url.path,
            }
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 404 and not request.url.path.startswith(("/api/", "/static/")):
            # a person typed or followed a wrong address: a page in their language, not JSON
            missing = NotFoundError("There is no page at this address.", zh="此網址沒有任何頁面。")
            return render(request, "error.html", status_code=404, error=missing)
        return problem_response(
            {
                "type": "about:blank",
                "title": str(exc.detail),
                "status": exc.status_code,
                "detail": str(exc.detail),
                "instance": request.url.path,
            },
            dict(exc.headers or {}) or None,  # a 405 keeps its Allow header (RFC 9110)
        )
