"""The API's OpenAPI document, made to tell the truth about what the API answers.

FastAPI documents a ``422`` ``HTTPValidationError`` on every operation with
parameters, while ``web.problems`` answers validation errors with ``400``
problem details; and it documents none of the 401, 403, 404 and 409 the
services raise. ``install`` replaces the generated document with one where
every ``/api/`` operation lists those statuses with an
``application/problem+json`` body, and where page routes are not operations.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

PROBLEM = "application/problem+json"
STATUSES = {
    "400": "Invalid input: a field is missing, malformed or breaks a rule (`errors` lists them)",
    "401": "Not signed in: no valid session cookie or API token",
    "403": "Forbidden: the caller's role or relation to the record does not allow this",
    "404": "No such record",
    "409": "Conflict: the record's state or version does not allow this now",
    "413": "The request body is over the limit",
    "422": "A field only the server sets was sent",
}
PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "RFC 9457 problem details",
    "required": ["type", "title", "status"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "code": {"type": "string"},
        "instance": {"type": "string"},
        "errors": {"type": "array", "items": {"type": "object"}},
    },
    "additionalProperties": True,
}
_REF = {"$ref": "#/components/schemas/Problem"}
SECURITY_SCHEMES: dict[str, Any] = {
    "bearerToken": {
        "type": "http",
        "scheme": "bearer",
        "description": "An API token issued to a system (`reind_...`), shown once at issue.",
    },
    "sessionCookie": {
        "type": "apiKey",
        "in": "cookie",
        "name": "reind_session",
        "description": "A browser session from `POST /api/v1/session`; unsafe requests also "
        "need its CSRF token in the `X-CSRF-Token` header. Ends at sign-out, after 30 idle "
        "minutes or 12 hours.",
    },
}
PUBLIC = ("/api/v1/schemes",)
"""Operations anyone may call: the schemes and their rules (and signing in)."""


def _public(path: str, method: str) -> bool:
    return path.startswith(PUBLIC) or (path == "/api/v1/session" and method == "post")


def truthful_openapi(app: FastAPI) -> dict[str, Any]:
    """The API's document: API operations only, each with the problem statuses it may answer."""
    document = get_openapi(
        title=app.title,
        version=app.version,
        description=app.description,
        routes=app.routes,
    )
    paths = document.get("paths", {})
    document["paths"] = {path: ops for path, ops in paths.items() if path.startswith("/api/")}
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    schemas["Problem"] = PROBLEM_SCHEMA
    document["components"]["securitySchemes"] = SECURITY_SCHEMES
    for name in ("HTTPValidationError", "ValidationError"):
        schemas.pop(name, None)
    for path, operations in document.get("paths", {}).items():
        for method, operation in operations.items():
            if not _public(path, method):
                operation["security"] = [{"bearerToken": []}, {"sessionCookie": []}]
            responses = operation.setdefault("responses", {})
            responses.pop("422", None)
            for status, words in STATUSES.items():
                responses.setdefault(
                    status, {"description": words, "content": {PROBLEM: {"schema": _REF}}}
                )
    return document


def install(app: FastAPI) -> None:
    """Serve ``truthful_openapi`` (built once, on first request) as the app's document."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = truthful_openapi(app)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
