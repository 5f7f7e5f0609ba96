"""Deny by default: every route of the application asks who is calling, unless it is listed public.

Enumerates the routes of the real app (API and pages) and walks each one's
dependency tree. A new route that forgets its credential dependency fails
here; a route meant for everyone must be added to ``PUBLIC`` on purpose.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from tests.web.world import World

CREDENTIAL_CHECKS = {"current_user", "current_actor", "rechecked_actor"}
PUBLIC = {
    ("GET", "/"),
    ("GET", "/sign-in"),
    ("POST", "/sign-in"),
    ("POST", "/api/v1/session"),
    ("GET", "/api/v1/docs"),
    ("GET", "/schemes"),
    ("GET", "/schemes/{code}"),
    ("GET", "/schemes/{code}/calculate"),
    ("POST", "/schemes/{code}/calculate"),
}
PUBLIC_PREFIXES = ("/api/v1/schemes",)
"""The schemes and their rules are public information."""


def _routes(routes: list[Any]) -> Iterator[APIRoute]:
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        elif hasattr(route, "original_router"):
            yield from _routes(route.original_router.routes)
        elif hasattr(route, "routes") and not hasattr(route, "app"):
            yield from _routes(route.routes)


def _calls(dependant: Dependant) -> Iterator[str]:
    for sub in dependant.dependencies:
        if sub.call is not None:
            yield getattr(sub.call, "__name__", "")
        yield from _calls(sub)


def test_every_route_checks_the_credential_unless_it_is_public(world: World) -> None:
    routes = list(_routes(world.client.app.routes))  # type: ignore[attr-defined]
    assert len(routes) > 100
    present = {(m, r.path) for r in routes for m in r.methods or ()}
    assert not PUBLIC - present, f"listed public but not routes: {PUBLIC - present}"
    unguarded = []
    for route in routes:
        for method in route.methods or ():
            if method == "HEAD" or (method, route.path) in PUBLIC:
                continue
            if route.path.startswith(PUBLIC_PREFIXES):
                continue
            if not CREDENTIAL_CHECKS & set(_calls(route.dependant)):
                unguarded.append(f"{method} {route.path}")
    assert not unguarded, "routes that never ask who is calling:\n" + "\n".join(sorted(unguarded))
