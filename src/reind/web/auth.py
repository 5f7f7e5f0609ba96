"""Who is asking: browser sessions with CSRF protection, and API tokens.

People sign in at ``POST /api/v1/session`` and get a signed session cookie
(Starlette's ``SessionMiddleware``: ``HttpOnly``, ``SameSite=Lax``,
``Secure`` unless switched off for local http). The session keeps the user's
id, the account's session epoch and a random CSRF token. Every unsafe
request authenticated by that cookie must send the token back, in the
``X-CSRF-Token`` header (JSON) or a ``csrf_token`` form field (HTML forms).

Systems send ``Authorization: Bearer <token>``. A browser never attaches
that header on its own, so token-authenticated requests cannot be forged
cross-site and are exempt from the CSRF check. A request that carries an
Authorization header is judged by it alone, never by a cookie.
"""

from __future__ import annotations

import hmac
import logging
import secrets
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Depends, Request

from reind.core.errors import ForbiddenError
from reind.programme.accounts import (
    NotAuthenticatedError,
    actor_of,
    user_for_session,
    user_for_token,
)
from reind.programme.audit import Actor, Role
from reind.programme.store_accounts import UserRow
from reind.web.deps import UnitOfWork

logger = logging.getLogger(__name__)

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
SESSION_COOKIE = "reind_session"
SESSION_MAX_AGE = 8 * 60 * 60
"""A browser session lasts one working day (seconds)."""


class CsrfError(ForbiddenError):
    """A cookie-authenticated unsafe request came without the session's CSRF token."""

    code = "csrf_failed"


def start_session(request: Request, user: UserRow) -> str:
    """Sign ``user`` in on this browser: a fresh session and CSRF token (returned)."""
    request.session.clear()
    token = secrets.token_urlsafe(32)
    request.session.update({"uid": user.id, "epoch": user.session_epoch, "csrf": token})
    return token


def end_session(request: Request) -> None:
    """Sign out on this browser."""
    request.session.clear()


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization")
    if header is None:
        return None
    scheme, _, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        raise NotAuthenticatedError("the Authorization header must be 'Bearer <token>'")
    return secret.strip()


async def csrf_guard(request: Request) -> None:
    """Refuse an unsafe cookie-authenticated request without the session's CSRF token."""
    if request.method in SAFE_METHODS or "authorization" in request.headers:
        return
    expected = request.session.get("csrf")
    if not isinstance(expected, str) or "uid" not in request.session:
        return  # not signed in by cookie: authentication will refuse it if it needs to
    sent = request.headers.get(CSRF_HEADER)
    content_type = request.headers.get("content-type", "")
    if sent is None and content_type.startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        field = (await request.form()).get(CSRF_FIELD)
        sent = field if isinstance(field, str) else None
    if sent is None or not hmac.compare_digest(sent.encode(), expected.encode()):
        logger.warning("CSRF check failed on %s %s", request.method, request.url.path)
        raise CsrfError(
            f"this request needs the session's CSRF token in the {CSRF_HEADER} header "
            f"or the {CSRF_FIELD} form field"
        )


def current_user(
    request: Request, session: UnitOfWork, _csrf: Annotated[None, Depends(csrf_guard)]
) -> UserRow:
    """The signed-in user, by API token or by session cookie, or 401."""
    secret = _bearer(request)
    if secret is not None:
        return user_for_token(session, secret)
    uid = request.session.get("uid")
    epoch = request.session.get("epoch")
    if not isinstance(uid, str) or not isinstance(epoch, int):
        raise NotAuthenticatedError(
            "sign in at /api/v1/session, or send an API token as 'Authorization: Bearer ...'"
        )
    return user_for_session(session, uid, epoch)


CurrentUser = Annotated[UserRow, Depends(current_user)]


def current_actor(user: CurrentUser) -> Actor:
    """The Actor the signed-in user acts as."""
    return actor_of(user)


CurrentActor = Annotated[Actor, Depends(current_actor)]


def require_roles(*roles: Role) -> Callable[..., Any]:
    """A dependency refusing anyone not in ``roles`` (a coarse gate for read-only reports)."""
    allowed = frozenset(roles)

    def check(actor: CurrentActor) -> Actor:
        if actor.role not in allowed:
            names = ", ".join(sorted(r.value for r in allowed))
            raise ForbiddenError(f"the {actor.role.value} role may not see this (allowed: {names})")
        return actor

    return check
