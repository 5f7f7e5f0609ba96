"""Who is asking: browser sessions with CSRF protection, and API tokens.

People sign in at ``POST /api/v1/session`` and get a signed session cookie
(Starlette's ``SessionMiddleware``: ``HttpOnly``, ``SameSite=Lax``,
``Secure`` unless switched off for local http). The cookie carries a random
session secret and a random CSRF token; the session itself is held on the
server (``accounts.sessions``), so signing out, revocation and the idle and
absolute timeouts end it even for a copy of the cookie. Every unsafe
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
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from reind.core.db import Database
from reind.core.errors import ForbiddenError
from reind.programme.accounts.sessions import (
    end_browser_session,
    session_digest,
    start_browser_session,
    use_browser_session,
)
from reind.programme.accounts.tokens import Holder, token_digest, user_for_token
from reind.programme.accounts.users import NotAuthenticatedError, get_user
from reind.programme.accounts.views import UserView, user_view
from reind.programme.actors import Actor
from reind.programme.permissions import Action, ensure
from reind.web.credentials import CREDENTIAL, Credential, holders, look_up, session_key, token_key
from reind.web.deps import UnitOfWork, database_of

logger = logging.getLogger(__name__)

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
SESSION_COOKIE = "reind_session"
SESSION_MAX_AGE = 12 * 60 * 60
"""The cookie's own lifetime (seconds): the server ends the session by then anyway."""
ENDED = "the session has ended: sign in again"


class CsrfError(ForbiddenError):
    """A cookie-authenticated unsafe request came without the session's CSRF token."""

    code = "csrf_failed"


def start_session(request: Request, session: Session, user_id: str) -> str:
    """Sign a user in on this browser: a fresh server-side session and CSRF token (returned)."""
    request.session.clear()
    token = secrets.token_urlsafe(32)
    request.session.update({"sid": start_browser_session(session, user_id), "csrf": token})
    return token


def end_session(request: Request, session: Session) -> None:
    """Sign out on this browser: the server-side session ends, so a copied cookie is dead too."""
    sid = request.session.get("sid")
    if isinstance(sid, str):
        digest = session_digest(sid)
        end_browser_session(session, digest)
        holders.drop(session_key(digest))
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
    if not isinstance(expected, str) or "sid" not in request.session:
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
) -> UserView:
    """The signed-in user, by API token or by session cookie, or 401 (pages that need it)."""
    secret = _bearer(request)
    if secret is not None:
        return user_view(user_for_token(session, secret))
    holder = use_browser_session(session, _cookie(request))
    if holder is None:
        raise NotAuthenticatedError(ENDED)
    return user_view(get_user(session, holder.user_id))


CurrentUser = Annotated[UserView, Depends(current_user)]


def _cookie(request: Request) -> str:
    """The digest of the browser session's secret in the cookie, or 401."""
    sid = request.session.get("sid")
    if not isinstance(sid, str):
        raise NotAuthenticatedError(
            "sign in at /api/v1/session, or send an API token as 'Authorization: Bearer ...'"
        )
    return session_digest(sid)


def _key(request: Request) -> tuple[str, ...]:
    secret = _bearer(request)
    return token_key(token_digest(secret)) if secret is not None else session_key(_cookie(request))


async def current_actor(request: Request, _csrf: Annotated[None, Depends(csrf_guard)]) -> Actor:
    """The Actor the caller acts as, read from the database now, or 401.

    For endpoints that act without a unit of work of their own (the plant
    dashboard sends commands over MQTT): the credential is checked before
    the endpoint runs. API routers use ``CurrentActor`` instead.
    """
    key = _key(request)
    holder = await run_in_threadpool(_look_up, database_of(request.app), key)
    holders.put(key, holder)
    return holder.actor


async def rechecked_actor(request: Request, _csrf: Annotated[None, Depends(csrf_guard)]) -> Actor:
    """The Actor the caller acts as, from this worker's cache when it can, or 401.

    No threadpool hop on a cache hit. The credential is then read again as
    the first statement of the request's unit of work (``UnitOfWork`` or
    ``Transact``; see ``web.credentials``), so revocation still takes effect
    on the next request: use this only in endpoints that take one of them.
    """
    key = _key(request)
    holder = holders.get(key)
    if holder is None:
        holder = await run_in_threadpool(_look_up, database_of(request.app), key)
        holders.put(key, holder)
    setattr(request.state, CREDENTIAL, Credential(key, holder))
    return holder.actor


def _look_up(database: Database, key: tuple[str, ...]) -> Holder:
    """The holder of ``key`` now; a browser session is marked as used (its idle clock).

    Read-only (a snapshot on SQLite, never queued behind writers): the mark is
    skipped when a writer is in the way (``use_browser_session``).
    """
    with database.unit_of_work(read_only=True) as session:
        if key[0] == "token":
            holder = look_up(session, key)
        else:
            holder = use_browser_session(session, key[1])
    if holder is None:
        if key[0] == "token":
            raise NotAuthenticatedError("the API token is not valid")
        raise NotAuthenticatedError(ENDED)
    return holder


CurrentActor = Annotated[Actor, Depends(rechecked_actor)]
"""The caller's Actor for API endpoints (which all take a ``UnitOfWork`` or ``Transact``)."""


def require(action: Action) -> Callable[..., Any]:
    """A dependency refusing anyone whose role the permission table does not allow ``action``.

    The route's own gate; the service it calls checks the same action again
    (and the object rules), so a route and its service cannot disagree.
    """

    async def check(actor: CurrentActor) -> Actor:
        ensure(actor, action)
        return actor

    check.reind_action = action  # type: ignore[attr-defined]  # read by the route census test
    return check


def needs(action: Action) -> Callable[..., Any]:
    """A page's route dependency: refuse a signed-in user whose role may not ``action``.

    Pages read their user by ``CurrentUser``, which FastAPI resolves once per
    request, so the gate costs no query. Declared on the route
    (``dependencies=[Depends(needs(Action.X))]``) so the route census reads
    it; the page's body may ask ``need(user, Action.X)`` again for its Actor.
    """

    def check(user: CurrentUser) -> UserView:
        ensure(user.actor(), action)
        return user

    check.reind_action = action  # type: ignore[attr-defined]  # read by the route census test
    return check
