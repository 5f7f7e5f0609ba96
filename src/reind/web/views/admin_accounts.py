"""The administrator's account screens: users and roles, their API tokens and sessions.

Administrators manage accounts, not cases (``docs/roles.md``): every page
here asks ``MANAGE_ACCOUNTS`` and calls the same account services as the
API (``programme.accounts``), so a role changed here is changed with its
reason in the audit log, and a session ended here is ended on the server at
once: the person's next request is sent to the sign-in page.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from argon2 import PasswordHasher
from fastapi import APIRouter, Depends, Request
from sqlalchemy.orm import Session
from starlette.responses import Response

from reind.core.clock import HONG_KONG
from reind.core.errors import InvalidInputError
from reind.programme import accounts
from reind.programme.accounts.views import UserView, token_view, user_view
from reind.programme.actors import Actor, Role
from reind.programme.audit.views import events_for
from reind.programme.enterprises.registry import find_enterprise
from reind.programme.permissions import Action
from reind.web.auth import CurrentUser, needs
from reind.web.deps import UnitOfWork
from reind.web.views.lists import base_url
from reind.web.views.pages import (
    ROLE_NAMES,
    Form,
    PageRoute,
    attempt,
    back_to,
    need,
    page,
    read_form,
)
from reind.web.views.words import EVENT_WORDS

router = APIRouter(route_class=PageRoute, include_in_schema=False)

ROLES = [r for r in Role if r is not Role.SYSTEM]
"""The roles an administrator may give (the system role is reind's own)."""
ACTIVE_CHOICES = {"yes": "Active", "no": "Switched off"}
"""The active filter in words (msgids)."""


def hk(moment: datetime | None) -> str:
    """A stored moment as Hong Kong time ("2026-12-06 21:05"); SQLite keeps no zone (UTC)."""
    if moment is None:
        return ""
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.astimezone(HONG_KONG).strftime("%Y-%m-%d %H:%M")


def _role(form: Form, name: str = "role") -> Role | None:
    value = form.text(name)
    if value and value not in {r.value for r in ROLES}:
        form.fail(name, "Choose one of the roles.")
        return None
    return Role(value) if value else None


def _enterprise_id(session: Session, form: Form, role: Role | None) -> str | None:
    """The enterprise of an applicant account, found by its BR number."""
    br = form.values.get("br_number", "").strip()
    if role is not Role.APPLICANT:
        if br:
            form.fail("br_number", "Only applicant accounts belong to an enterprise.")
        return None
    if not br:
        form.fail("br_number", "An applicant account needs its enterprise's BR number.")
        return None
    try:
        found = find_enterprise(session, br)
    except InvalidInputError:
        found = None
    if found is None:
        form.fail("br_number", "No enterprise is registered with this BR number.")
        return None
    return found.id


def _users_page(
    request: Request, user: UserView, session: Session, form: Form | None = None, status: int = 200
) -> Response:
    actor = need(user, Action.MANAGE_ACCOUNTS)
    params = request.query_params
    active = {"yes": True, "no": False}.get(params.get("active", ""))
    role = params.get("role") or None
    filters = accounts.UserFilters(
        q=(params.get("q") or "").strip() or None,
        role=role if role in {r.value for r in ROLES} else None,
        active=active,
    )
    form = form or Form(values={"role": Role.OFFICER.value})
    return page(
        request,
        "admin/users.html",
        user,
        status_code=status,
        users=accounts.list_users(session, actor, filters, cursor=params.get("cursor")),
        filters=filters,
        active=params.get("active", ""),
        active_choices=ACTIVE_CHOICES,
        roles=[(r.value, ROLE_NAMES[r]) for r in ROLES],
        role_names={r.value: ROLE_NAMES[r] for r in Role},
        base=base_url(request),
        hk=hk,
        values=form.values,
        errors=form.errors,
    )


@router.get("/admin/users", dependencies=[Depends(needs(Action.MANAGE_ACCOUNTS))])
def users(request: Request, user: CurrentUser, session: UnitOfWork) -> Response:
    """Every account, a page at a time: search by name or e-mail, by role, active or not."""
    return _users_page(request, user, session)


@router.post("/admin/users", dependencies=[Depends(needs(Action.MANAGE_ACCOUNTS))])
async def add_user(request: Request, user: CurrentUser, session: UnitOfWork) -> Response:
    """Add an account with a first password (the person changes it after signing in)."""
    actor = need(user, Action.MANAGE_ACCOUNTS)
    form = await read_form(request)
    email, name = form.text("email"), form.text("display_name")
    password = form.text("password")
    role = _role(form)
    enterprise_id = _enterprise_id(session, form, role)
    hasher: PasswordHasher | None = request.app.state.password_hasher
    created: list[str] = []
    if form.ok and role is not None:
        with attempt(session, form, "email"):
            row = accounts.add_user(
                session,
                actor,
                email=email,
                display_name=name,
                role=role,
                password=password,
                enterprise_id=enterprise_id,
                hasher=hasher,
            )
            created.append(row.id)
    if created:
        return back_to(f"/admin/users/{created[0]}")
    return _users_page(request, user, session, form, 400)


def _history(session: Session, actor: Actor, user_id: str) -> list[dict[str, Any]]:
    """The account's own events, newest first: when, who (by name), what, and the reason given."""
    events = events_for(session, "user", user_id)
    names = accounts.names_of(session, actor, {e.actor for e in events})
    lines = []
    for event in reversed(events):
        payload = json.loads(event.payload) if event.payload else {}
        lines.append(
            {
                "when": hk(datetime.fromisoformat(event.recorded_at)),
                "what": EVENT_WORDS.get(event.kind, event.kind),
                "role": event.role,
                "by": names.get(event.actor, ""),
                "from": payload.get("from"),
                "to": payload.get("to"),
                "reason": payload.get("reason", ""),
            }
        )
    return lines


def _user_page(
    request: Request,
    user: UserView,
    session: Session,
    user_id: str,
    form: Form | None = None,
    status: int = 200,
    secret: str | None = None,
) -> Response:
    actor = need(user, Action.MANAGE_ACCOUNTS)
    shown = user_view(accounts.get_user(session, user_id))
    live = accounts.sessions_of(session, user_id, actor)
    return page(
        request,
        "admin/user.html",
        user,
        status_code=status,
        shown=shown,
        itself=shown.id == user.id,
        sessions=live,
        live_count=sum(1 for s in live if s.active),
        tokens=[token_view(t) for t in accounts.tokens_of(session, user_id, actor)],
        history=_history(session, actor, user_id),
        secret=secret,
        roles=[(r.value, ROLE_NAMES[r]) for r in ROLES if r.value != shown.role],
        role_names={r.value: ROLE_NAMES[r] for r in Role},
        hk=hk,
        values=(form or Form()).values,
        errors=(form or Form()).errors,
    )


@router.get("/admin/users/{user_id}", dependencies=[Depends(needs(Action.MANAGE_ACCOUNTS))])
def user_detail(request: Request, user_id: str, user: CurrentUser, session: UnitOfWork) -> Response:
    """One account: its role and why it changed, its live sessions, its API tokens."""
    return _user_page(request, user, session, user_id)


async def _act_on(
    request: Request, user: UserView, session: Session, user_id: str, act: str
) -> Response:
    actor = need(user, Action.MANAGE_ACCOUNTS)
    form = await read_form(request)
    if act == "role":
        role = _role(form)
        reason = form.text("reason")
        enterprise_id = _enterprise_id(session, form, role)
        if form.ok and role is not None:
            with attempt(session, form, "role"):
                accounts.change_role(
                    session, user_id, role, reason, actor, enterprise_id=enterprise_id
                )
    elif act == "deactivation":
        with attempt(session, form, ""):
            accounts.deactivate_user(session, user_id, actor)
    elif act == "sessions":
        with attempt(session, form, ""):
            accounts.end_sessions_of(session, user_id, actor)
    if form.ok:
        return back_to(f"/admin/users/{user_id}")
    return _user_page(request, user, session, user_id, form, 400)


@router.post("/admin/users/{user_id}/role", dependencies=[Depends(needs(Action.MANAGE_ACCOUNTS))])
async def change_role(
    request: Request, user_id: str, user: CurrentUser, session: UnitOfWork
) -> Response:
    """Give the account another role, with the reason (kept in the audit log)."""
    return await _act_on(request, user, session, user_id, "role")


@router.post(
    "/admin/users/{user_id}/deactivation", dependencies=[Depends(needs(Action.MANAGE_ACCOUNTS))]
)
async def deactivate(
    request: Request, user_id: str, user: CurrentUser, session: UnitOfWork
) -> Response:
    """Switch the account off: its sessions end at once and its tokens are revoked."""
    return await _act_on(request, user, session, user_id, "deactivation")


@router.post(
    "/admin/users/{user_id}/sessions/end", dependencies=[Depends(needs(Action.MANAGE_ACCOUNTS))]
)
async def end_sessions(
    request: Request, user_id: str, user: CurrentUser, session: UnitOfWork
) -> Response:
    """Sign the person out everywhere, at once."""
    return await _act_on(request, user, session, user_id, "sessions")


@router.post(
    "/admin/users/{user_id}/sessions/{session_id}/end",
    dependencies=[Depends(needs(Action.MANAGE_ACCOUNTS))],
)
async def end_one_session(
    request: Request, user_id: str, session_id: str, user: CurrentUser, session: UnitOfWork
) -> Response:
    """End one session (one browser) of the person, at once."""
    actor = need(user, Action.MANAGE_ACCOUNTS)
    await read_form(request)
    accounts.revoke_browser_session(session, session_id, actor)
    return back_to(f"/admin/users/{user_id}")


@router.post(
    "/admin/users/{user_id}/tokens/{token_id}/revoke",
    dependencies=[Depends(needs(Action.MANAGE_ACCOUNTS))],
)
async def revoke_token(
    request: Request, user_id: str, token_id: str, user: CurrentUser, session: UnitOfWork
) -> Response:
    """Revoke one API token at once (the system using it is refused from its next request)."""
    actor = need(user, Action.MANAGE_ACCOUNTS)
    await read_form(request)
    accounts.revoke_token(session, token_id, actor)
    return back_to(f"/admin/users/{user_id}")


@router.post("/admin/users/{user_id}/tokens", dependencies=[Depends(needs(Action.MANAGE_ACCOUNTS))])
async def issue_token(
    request: Request, user_id: str, user: CurrentUser, session: UnitOfWork
) -> Response:
    """Issue an API token; its secret is shown on this answer once and kept nowhere."""
    actor = need(user, Action.MANAGE_ACCOUNTS)
    form = await read_form(request)
    name = form.text("token_name")
    issued: list[str] = []
    if form.ok:
        with attempt(session, form, "token_name"):
            _row, secret = accounts.issue_token(session, user_id, name, actor)
            issued.append(secret)
    if issued:  # not a redirect: the secret must not travel in a URL or be shown again
        response = _user_page(request, user, session, user_id, secret=issued[0], status=201)
        response.headers["Cache-Control"] = "no-store"
        return response
    return _user_page(request, user, session, user_id, form, 400)
