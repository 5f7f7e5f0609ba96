"""``/api/v1/session`` and ``/api/v1/users``: sign in and out, accounts, API tokens."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from argon2 import PasswordHasher
from fastapi import APIRouter, Depends, Query, Request, Response, status
from pydantic import Field

from reind.programme import accounts
from reind.programme.accounts.views import token_view, user_view
from reind.programme.actors import Actor, Role
from reind.programme.permissions import Action
from reind.web.api.common import Schema
from reind.web.api.lists import Cursor, Limit, link_next
from reind.web.auth import (
    CurrentActor,
    CurrentUser,
    end_session,
    needs,
    require,
    start_session,
)
from reind.web.deps import UnitOfWork

router = APIRouter(prefix="/api/v1", tags=["accounts"])
Administrator = Annotated[Actor, Depends(require(Action.MANAGE_ACCOUNTS))]


class SessionCreate(Schema):
    """Sign-in details."""

    email: str = Field(max_length=254)
    password: str = Field(max_length=1024)


class UserPublic(Schema):
    """An account as the API shows it (never its password hash)."""

    id: str
    email: str
    display_name: str
    role: Role
    enterprise_id: str | None
    person_id: str | None
    active: bool
    version: int


class SessionPublic(Schema):
    """The signed-in user and the CSRF token to send with unsafe requests."""

    user: UserPublic
    csrf_token: str


class UserCreate(Schema):
    """A new account; ``password`` left out makes a token-only (system) account."""

    email: str = Field(max_length=254)
    display_name: str = Field(max_length=200)
    role: Role
    password: str | None = Field(default=None, max_length=1024)
    enterprise_id: str | None = None
    person_id: str | None = Field(default=None, max_length=64)


class UserLine(Schema):
    """One account in the administrator's list."""

    id: str
    email: str
    display_name: str
    role: Role
    enterprise_id: str | None
    active: bool
    created_at: datetime


class UserList(Schema):
    """One page of accounts, by e-mail address."""

    items: list[UserLine]
    total: int
    next_cursor: str | None


class RoleChange(Schema):
    """A new role for an account and why; the reason is kept in the audit log."""

    role: Role
    reason: str = Field(min_length=1, max_length=500)
    enterprise_id: str | None = None


class SessionsEnded(Schema):
    """How many live sessions were ended."""

    ended: int


class TokenCreate(Schema):
    """A new API token: what uses it, and when it stops working."""

    name: str = Field(max_length=100)
    expires_at: datetime | None = None


class BrowserSessionPublic(Schema):
    """A browser session of a user; ``active`` is false once it has ended or timed out."""

    id: str
    user_id: str
    created_at: datetime
    last_seen_at: datetime
    ended_at: datetime | None
    active: bool


class TokenPublic(Schema):
    """An API token; ``secret`` is only present in the answer that creates it."""

    id: str
    user_id: str
    name: str
    prefix: str
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    secret: str | None = None


def _hasher(request: Request) -> PasswordHasher | None:
    hasher: PasswordHasher | None = request.app.state.password_hasher
    return hasher


def _user(row: object) -> UserPublic:
    return UserPublic.model_validate(user_view(row))


@router.post("/session", response_model=SessionPublic)
def sign_in(body: SessionCreate, request: Request, session: UnitOfWork) -> SessionPublic:
    """Sign in with e-mail and password; the answer carries the CSRF token."""
    user = accounts.authenticate(session, body.email, body.password, _hasher(request))
    token = start_session(request, session, user.id)
    return SessionPublic(user=_user(user), csrf_token=token)


@router.get(
    "/session", response_model=SessionPublic, dependencies=[Depends(needs(Action.OWN_SESSION))]
)
def who_am_i(user: CurrentUser, request: Request) -> SessionPublic:
    """The signed-in user (and, for a browser session, its CSRF token)."""
    return SessionPublic(user=_user(user), csrf_token=str(request.session.get("csrf", "")))


@router.delete(
    "/session",
    status_code=status.HTTP_204_NO_CONTENT,
    dependencies=[Depends(needs(Action.OWN_SESSION))],
)
def sign_out(user: CurrentUser, request: Request, session: UnitOfWork) -> Response:
    """Sign out on this browser (needs the CSRF token); the session ends on the server too."""
    end_session(request, session)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/users",
    response_model=UserPublic,
    status_code=status.HTTP_201_CREATED,
    dependencies=[Depends(require(Action.MANAGE_ACCOUNTS))],
)
def add_user(
    body: UserCreate, request: Request, actor: CurrentActor, session: UnitOfWork
) -> UserPublic:
    """Add an account (administrators)."""
    row = accounts.add_user(
        session,
        actor,
        email=body.email,
        display_name=body.display_name,
        role=body.role,
        password=body.password,
        enterprise_id=body.enterprise_id,
        person_id=body.person_id,
        hasher=_hasher(request),
    )
    return _user(row)


@router.get("/users", response_model=UserList)
def list_users(
    request: Request,
    response: Response,
    actor: Administrator,
    session: UnitOfWork,
    q: Annotated[
        str | None, Query(max_length=200, description="A piece of the e-mail address or name.")
    ] = None,
    role: Role | None = None,
    active: bool | None = None,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> UserList:
    """Accounts by e-mail address, a page at a time: search, by role, active or not."""
    filters = accounts.UserFilters(q=q, role=role.value if role else None, active=active)
    page = accounts.list_users(session, actor, filters, cursor=cursor, limit=limit)
    link_next(request, response, page)
    return UserList(
        items=[UserLine.model_validate(u, from_attributes=True) for u in page.items],
        total=page.total,
        next_cursor=page.next_cursor,
    )


@router.post("/users/{user_id}/role", response_model=UserPublic)
def change_role(
    user_id: str, body: RoleChange, actor: Administrator, session: UnitOfWork
) -> UserPublic:
    """Give an account another role with the reason; its sessions end (administrators)."""
    row = accounts.change_role(
        session, user_id, body.role, body.reason, actor, enterprise_id=body.enterprise_id
    )
    return _user(row)


@router.delete(
    "/users/{user_id}/sessions",
    response_model=SessionsEnded,
    dependencies=[Depends(require(Action.OWN_SESSION))],  # the service: oneself, or an admin
)
def end_sessions(user_id: str, actor: CurrentActor, session: UnitOfWork) -> SessionsEnded:
    """End every live browser session of a user at once (the user or an administrator)."""
    return SessionsEnded(ended=accounts.end_sessions_of(session, user_id, actor))


@router.post(
    "/users/{user_id}/deactivation",
    response_model=UserPublic,
    dependencies=[Depends(require(Action.MANAGE_ACCOUNTS))],
)
def deactivate(user_id: str, actor: CurrentActor, session: UnitOfWork) -> UserPublic:
    """Switch an account off: sessions end, tokens are revoked (administrators)."""
    return _user(accounts.deactivate_user(session, user_id, actor))


def _token(row: object, secret: str | None = None) -> TokenPublic:
    public = TokenPublic.model_validate(token_view(row))
    public.secret = secret
    return public


@router.post(
    "/users/{user_id}/tokens",
    response_model=TokenPublic,
    status_code=status.HTTP_201_CREATED,
    dependencies=[Depends(require(Action.MANAGE_ACCOUNTS))],
)
def issue_token(
    user_id: str, body: TokenCreate, actor: CurrentActor, session: UnitOfWork
) -> TokenPublic:
    """Issue an API token; its secret is in this answer and nowhere else, ever."""
    row, secret = accounts.issue_token(
        session, user_id, body.name, actor, expires_at=body.expires_at
    )
    return _token(row, secret)


@router.get(
    "/users/{user_id}/tokens",
    response_model=list[TokenPublic],
    dependencies=[Depends(require(Action.MANAGE_ACCOUNTS))],
)
def list_tokens(user_id: str, actor: CurrentActor, session: UnitOfWork) -> list[TokenPublic]:
    """A user's API tokens, revoked ones included, never their secrets (the user or admins)."""
    return [_token(row) for row in accounts.tokens_of(session, user_id, actor)]


@router.get(
    "/users/{user_id}/sessions",
    response_model=list[BrowserSessionPublic],
    dependencies=[Depends(require(Action.MANAGE_ACCOUNTS))],
)
def list_sessions(
    user_id: str, actor: CurrentActor, session: UnitOfWork
) -> list[BrowserSessionPublic]:
    """A user's browser sessions, newest first (the user or an administrator)."""
    return [
        BrowserSessionPublic.model_validate(view, from_attributes=True)
        for view in accounts.sessions_of(session, user_id, actor)
    ]


@router.delete(
    "/sessions/{session_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    dependencies=[Depends(require(Action.MANAGE_ACCOUNTS))],
)
def revoke_session(session_id: str, actor: CurrentActor, session: UnitOfWork) -> Response:
    """End one browser session at once (the user or an administrator)."""
    accounts.revoke_browser_session(session, session_id, actor)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.delete(
    "/tokens/{token_id}",
    response_model=TokenPublic,
    dependencies=[Depends(require(Action.MANAGE_ACCOUNTS))],
)
def revoke_token(token_id: str, actor: CurrentActor, session: UnitOfWork) -> TokenPublic:
    """Revoke an API token at once."""
    return _token(accounts.revoke_token(session, token_id, actor))
