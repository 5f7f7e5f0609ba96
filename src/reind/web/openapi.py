"""The API's OpenAPI document, made to tell the truth about what the API answers.

FastAPI documents a ``422`` ``HTTPValidationError`` on every operation with
parameters, while ``web.problems`` answers validation errors with ``400``
problem details; and it documents none of the 401, 403, 404 and 409 the
services raise. ``install`` replaces the generated document with one where
each ``/api/`` operation lists the statuses it really answers (``statuses_of``:
no 401/403 on public operations, 404 only where a path names a record, 409 and
422 only on changes, 413 only with a body), each with an
``application/problem+json`` body, and where page routes are not operations.
One status for a request the schema refuses: 400; 422 is a well-formed request
a rule refuses. The contract test (``tests/web/test_api_contract.py``) fails on
any status an operation answers but does not list (ADR 0133).
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

PROBLEM = "application/problem+json"
STATUSES = {
    "400": "Invalid input: the request does not match this document (`errors` lists the fields)",
    "401": "Not signed in: no valid session cookie or API token",
    "403": "Forbidden: the caller's role or relation to the record does not allow this",
    "404": "No such record",
    "409": "Conflict: the record's state or version does not allow this now",
    "413": "The request body is over the limit",
    "422": "Well-formed, but a rule refuses it (the scheme's, the workflow's, or a field only "
    "the server sets)",
    "429": "Too many attempts: try again after `Retry-After` seconds",
    "503": "The database stayed busy: try again after `Retry-After` seconds",
}
UNSAFE = frozenset({"post", "put", "patch", "delete"})
EXTRA: dict[tuple[str, str], frozenset[str]] = {
    ("post", "/api/v1/session"): frozenset({"401", "429"}),
}
"""Statuses an operation answers beyond what ``statuses_of`` derives from its shape."""
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


def _names_records(operation: dict[str, Any], schemas: dict[str, Any]) -> bool:
    """Whether the operation's body names a record by id (``..._id``): it may not exist."""
    content = operation.get("requestBody", {}).get("content", {})
    for media in content.values():
        ref = media.get("schema", {}).get("$ref", "")
        properties = schemas.get(ref.rsplit("/", 1)[-1], {}).get("properties", {})
        if any(name.endswith(("_id", "_ids")) for name in properties):
            return True
    return False


def statuses_of(
    path: str, method: str, operation: dict[str, Any], schemas: dict[str, Any]
) -> set[str]:
    """The problem statuses one operation answers, from its shape and ``EXTRA``."""
    found = {"400", "503"}
    if not _public(path, method):
        found |= {"401", "403"}
    if "{" in path or _names_records(operation, schemas):
        found.add("404")
    if method in UNSAFE or any(p.get("name") == "cursor" for p in operation.get("parameters", [])):
        found.add("422")  # a rule refuses it; for a list, a cursor it never gave out
    if method in UNSAFE:
        found.add("409")
    if "requestBody" in operation:
        found.add("413")
    return found | EXTRA.get((method, path), frozenset())


LARGEST = 10**13 - 1
"""The largest whole amount a decimal field takes (15 digits, two of them after the point)."""


SHARE = r"^(0(\.[0-9]+)?|1(\.0+)?)$"
"""A share's string form, 0 to 1 at any precision (``Share`` has no limit of places)."""


def _no_null_parameters(operation: dict[str, Any]) -> None:
    """A query or header parameter is present or absent, never JSON ``null``: drop that branch."""
    for parameter in operation.get("parameters", []):
        schema = parameter.get("schema", {})
        branches = [b for b in schema.get("anyOf", []) if b != {"type": "null"}]
        if len(branches) == 1 and len(schema["anyOf"]) == 2:
            del schema["anyOf"]
            schema.update(branches[0])


def _decimal_strings(node: Any) -> None:
    """Give a decimal's string form the pattern the API accepts, everywhere in the document.

    Pydantic documents a ``Decimal`` as a number or *any* string; the API takes
    only plain decimal digits (at most two places, within the number's own
    bounds), so a string the document allowed was refused with a 400.
    """
    if isinstance(node, list):
        for item in node:
            _decimal_strings(item)
        return
    if not isinstance(node, dict):
        return
    branches = node.get("anyOf")
    if isinstance(branches, list):
        number = next((b for b in branches if b.get("type") == "number"), None)
        for branch in branches:
            if number is not None and branch == {"type": "string"}:
                number.setdefault("maximum", LARGEST)
                number.setdefault("minimum", -LARGEST)
                sign = "" if number.get("minimum", -1) >= 0 else "-?"
                if number["maximum"] == 1 and number["minimum"] == 0:  # a share, any places
                    branch["pattern"] = SHARE
                    continue
                digits = len(str(int(number["maximum"]))) - 1 if "maximum" in number else 13
                branch["pattern"] = f"^{sign}[0-9]{{1,{digits}}}(\\.[0-9]{{1,2}})?$"
    for value in node.values():
        _decimal_strings(value)


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
    _decimal_strings(document)
    document["components"]["securitySchemes"] = SECURITY_SCHEMES
    for name in ("HTTPValidationError", "ValidationError"):
        schemas.pop(name, None)
    for path, operations in document.get("paths", {}).items():
        for method, operation in operations.items():
            if not _public(path, method):
                operation["security"] = [{"bearerToken": []}, {"sessionCookie": []}]
            responses = operation.setdefault("responses", {})
            _no_null_parameters(operation)
            responses.pop("422", None)
            for status in sorted(statuses_of(path, method, operation, schemas)):
                responses.setdefault(
                    status,
                    {"description": STATUSES[status], "content": {PROBLEM: {"schema": _REF}}},
                )
    return document


def install(app: FastAPI) -> None:
    """Serve ``truthful_openapi`` (built once, on first request) as the app's document."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = truthful_openapi(app)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
