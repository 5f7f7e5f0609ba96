"""Route census: every route declares the action it serves, or is public on purpose.

Deny by default (issue 13): the permission table (``programme.permissions``)
is only as good as the routes that name their action. This walks every route
of the real app (API and pages) and reads the action each declares: API
routes by ``Depends(require(Action.X))``, pages by ``Depends(acts(Action.X))``
(or a dependency of their own carrying ``reind_action``, as the plant's
``plant_actor``). A route with no action fails, unless it is in ``PUBLIC``
with the reason it is open to everyone. Where a page's body also asks
``need(user, Action.Y)``, Y must be one of the actions the route declares, so
the declaration cannot drift from the check.
"""

from __future__ import annotations

import ast
import inspect
import textwrap
from collections.abc import Iterator
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from starlette.routing import Mount

from reind.programme.permissions import Action
from tests.web.world import World

PUBLIC: dict[tuple[str, str], str] = {
    ("GET", "/"): "the front page: what reind is, and the way to sign in",
    ("GET", "/sign-in"): "signing in is how one stops being anonymous",
    ("POST", "/sign-in"): "signing in is how one stops being anonymous",
    ("POST", "/api/v1/session"): "signing in through the API",
    ("GET", "/api/v1/docs"): "the API's own documentation page (the schema is public)",
    ("GET", "/api/v1/openapi.json"): "the API's schema, public as any published API's",
    ("GET", "/schemes"): "the schemes are public information",
    ("GET", "/schemes/{code}"): "one scheme's public rules",
    ("GET", "/schemes/{code}/calculate"): "anyone may work out a grant before applying",
    ("POST", "/schemes/{code}/calculate"): "anyone may work out a grant before applying",
}
"""Routes open to everyone, each with the reason."""

PUBLIC_PREFIXES: dict[str, str] = {
    "/api/v1/schemes": "the schemes, their parameters and calculators are public information",
    "/static": "stylesheets, scripts and images the pages load",
}
"""Route prefixes open to everyone, each with the reason."""


def _routes(routes: list[Any]) -> Iterator[Any]:
    for route in routes:
        if hasattr(route, "original_router"):  # FastAPI's included router, routes unprefixed
            yield from _routes(route.original_router.routes)
        elif isinstance(route, Mount) or hasattr(route, "methods"):
            yield route


def declared(dependant: Dependant) -> set[Action]:
    """The actions the route's dependency tree declares (``reind_action`` on a dependency)."""
    found: set[Action] = set()
    for sub in dependant.dependencies:
        action = getattr(sub.call, "reind_action", None)
        if action is not None:
            found.add(action)
        found |= declared(sub)
    return found


def asked_in_body(endpoint: Any) -> set[Action]:
    """The actions a page's body asks with ``need(user, Action.X)``."""
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(endpoint)))
    except (OSError, TypeError):
        return set()
    found = set()
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "need"
            and len(node.args) == 2
            and isinstance(node.args[1], ast.Attribute)
        ):
            found.add(Action[node.args[1].attr])
    return found


def _census(app: Any) -> tuple[list[str], list[str], set[tuple[str, str]]]:
    undeclared, drifted, seen = [], [], set()
    for route in _routes(app.routes):
        if isinstance(route, Mount):
            seen.add(("MOUNT", route.path))
            if not route.path.startswith(tuple(PUBLIC_PREFIXES)):
                undeclared.append(f"MOUNT {route.path}")
            continue
        for method in sorted(route.methods or ()):
            seen.add((method, route.path))
            if method == "HEAD" or (method, route.path) in PUBLIC:
                continue
            if route.path.startswith(tuple(PUBLIC_PREFIXES)):
                continue
            actions = declared(route.dependant) if isinstance(route, APIRoute) else set()
            if not actions:
                undeclared.append(f"{method} {route.path}")
            elif isinstance(route, APIRoute) and (asked_in_body(route.endpoint) - actions):
                extra = sorted(a.value for a in asked_in_body(route.endpoint) - actions)
                drifted.append(f"{method} {route.path}: body asks {extra}, declares none of them")
    return undeclared, drifted, seen


def test_every_route_declares_an_action_from_the_table_or_is_public(world: World) -> None:
    undeclared, drifted, seen = _census(world.client.app)
    assert len(seen) > 100
    assert not set(PUBLIC) - seen, f"listed public but not routes: {set(PUBLIC) - seen}"
    assert not undeclared, "routes that declare no action:\n" + "\n".join(sorted(undeclared))
    assert not drifted, "routes whose body asks an undeclared action:\n" + "\n".join(drifted)


def test_the_census_sees_a_route_that_declares_nothing(world: World) -> None:
    """The census can fail: a route added with no action is named."""
    app = world.client.app
    assert isinstance(app, FastAPI)

    def forgotten() -> dict[str, str]:
        return {}

    app.add_api_route("/api/v1/forgotten", forgotten, methods=["GET"])

    try:
        undeclared, _, _ = _census(app)
        assert "GET /api/v1/forgotten" in undeclared
    finally:
        app.router.routes.pop()
