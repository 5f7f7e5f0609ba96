"""Errors as RFC 9457 problem details, for the API and the pages alike.

Services raise ``reind.core.errors`` exceptions and know nothing of HTTP;
this module is the one place that turns them into responses.
"""

from __future__ import annotations

import logging
from typing import Any, get_args, get_origin

from fastapi import FastAPI, Request
from fastapi.dependencies.utils import get_flat_params
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from reind.core.errors import (
    InternalError,
    InvalidInputError,
    NotFoundError,
    RefusedInputError,
    ReindError,
)
from reind.web.i18n import error_text, negotiate
from reind.web.templating import render

logger = logging.getLogger(__name__)

PROBLEM = "application/problem+json"


def problem_response(body: dict[str, Any], headers: dict[str, str] | None = None) -> JSONResponse:
    """A problem-details response with the right media type."""
    return JSONResponse(body, status_code=int(body["status"]), media_type=PROBLEM, headers=headers)


PLACES = frozenset({"decimal_max_places", "decimal_max_digits", "decimal_whole_digits"})
"""Pydantic's refusals of a decimal's digits: the document cannot bound a JSON number's."""


def refused_number(errors: Any) -> RefusedInputError | None:
    """A rule's refusal (422) when every error is a JSON number with too many digits, else None.

    The document allows any JSON number within an amount's bounds (JSON Schema
    cannot count a number's decimal places: ``multipleOf: 0.01`` fails on
    binary floating point), so a number such as 0.3333333333333333 is
    well-formed; an amount in HK$ still has at most two decimal places, so it
    is refused as a rule refuses, in both languages, and never with the
    validation status. A decimal *string* has its pattern in the document and
    stays a validation error.
    """
    found = list(errors)
    numbers = [
        e
        for e in found
        if e.get("type") in PLACES
        and isinstance(e.get("input"), int | float)
        and not isinstance(e.get("input"), bool)
    ]
    if not found or len(numbers) != len(found):
        return None
    first = numbers[0]
    return RefusedInputError(
        "{field}: an amount in HK$ has at most two decimal places and 13 digits before the "
        "point, not {value}",
        field=".".join(str(p) for p in first["loc"][1:]) or "body",
        value=repr(first["input"]),
    )


def install(app: FastAPI) -> None:
    """Register the exception handlers on ``app``."""

    @app.exception_handler(ReindError)
    async def _reind_error(request: Request, exc: ReindError) -> JSONResponse:
        return problem_of(request, exc)  # pages answer theirs in ``PageRoute``

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        refused = refused_number(exc.errors())
        if refused is not None:
            return problem_of(request, refused)
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


UNEXPECTED = (
    "something went wrong on our side and nothing more was done; it has been logged: "
    "try again, or tell the programme office if it happens again"
)
"""The message of every unexpected failure (its Chinese is in the message catalogue)."""


def is_page(path: str) -> bool:
    """Whether ``path`` is a page a person opens (an error is a page), not the API."""
    return not path.startswith(("/api/", "/static/"))


def error_response(request: Request, error: ReindError) -> Response:
    """``error`` as a page in the reader's language on a page route, else as problem details."""
    if is_page(request.url.path):
        response = render(request, "error.html", status_code=error.status, error=error)
        response.headers.update(error.headers())
        return response
    return problem_of(request, error)


def problem_of(request: Request, error: ReindError) -> JSONResponse:
    """``error`` as RFC 9457 problem details, ``detail`` in the reader's language, both given."""
    body = error.problem()
    lang = negotiate(request)
    body["detail"] = error_text(error, lang)
    chinese = error_text(error, "zh-Hant")
    if chinese != error.message:
        body["detail_zh_hant"] = chinese
    body["instance"] = request.url.path
    return problem_response(body, error.headers() or None)


class ServerErrors:
    """Answers an unexpected exception with a 500 page or problem body, and logs it in full.

    Added innermost of the middleware (inside the session and the security
    headers), so the 500 page knows the reader's session and language and
    carries the same headers as every other answer. An exception after the
    answer has started cannot be answered again: it is logged and re-raised.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Run the request; on an unexpected exception before any answer, answer 500."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watched(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, watched)
        except Exception:
            logger.exception("unexpected error answering %s %s", scope["method"], scope["path"])
            if started:
                raise
            response = error_response(Request(scope), InternalError(UNEXPECTED))
            await response(scope, receive, send)


def _lists_of(request: Request) -> set[str]:
    """The query parameters the route takes as a list (documented as arrays: repeat them)."""
    route = request.scope.get("route")
    dependant = getattr(route, "dependant", None)
    if dependant is None:
        return set()
    return {
        field.alias for field in get_flat_params(dependant) if _is_list(field.field_info.annotation)
    }


def _is_list(annotation: Any) -> bool:
    """``list[str]``, ``list[str] | None`` ...: a parameter that may be given more than once."""
    if get_origin(annotation) in (list, tuple, set, frozenset):
        return True
    return any(_is_list(arg) for arg in get_args(annotation) if arg is not type(None))


def one_value_per_query_parameter(request: Request) -> None:
    """Refuse ``?q=a&q=b`` on the API: every query parameter takes one value (400).

    Starlette would silently keep the last, so a client's mistake (or a
    filter it meant to repeat) was answered as if it were the document's
    single string; the document says one value, and now the API holds to it.
    """
    if not request.url.path.startswith("/api/"):
        return
    keys = [key for key, _ in request.query_params.multi_items()]
    repeated = sorted({key for key in keys if keys.count(key) > 1} - _lists_of(request))
    if repeated:
        raise InvalidInputError(
            "the query parameter {names} is given more than once; give it once",
            names=", ".join(repeated),
        )
