"""Pages: sign in, sign out, and "my pages" (where a role starts).

The form posts to the same account service the API uses
(``accounts.authenticate`` then ``auth.start_session``), so a browser
session made here is the API's session too. Signing in is the one form
without a CSRF token of its own (there is no session yet); the session is
renewed on success, so a token planted before sign-in is worthless.
"""

from __future__ import annotations

import math

from argon2 import PasswordHasher
from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from reind.programme.accounts.sign_in_limits import TooManySignInsError
from reind.programme.accounts.users import NotAuthenticatedError, authenticate
from reind.programme.actors import Role
from reind.programme.permissions import Action
from reind.web.auth import CurrentUser, end_session, needs, start_session
from reind.web.deps import UnitOfWork
from reind.web.templating import render
from reind.web.views.pages import HOME_OF, PageRoute, back_to, read_form

router = APIRouter(route_class=PageRoute, include_in_schema=False)
LOCKED = "Too many failed sign-ins for this e-mail address. Try again in %(minutes)s minute(s)."


def _safe_next(target: str | None) -> str | None:
    """Only a path on this site, so the sign-in form cannot send anyone elsewhere."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return None


@router.get("/sign-in")
def sign_in_form(request: Request, next: str | None = None) -> Response:  # noqa: A002 - the usual name
    """The sign-in form."""
    return render(request, "account/sign_in.html", values={}, error=None, next=_safe_next(next))


@router.post("/sign-in")
async def sign_in(request: Request, session: UnitOfWork) -> Response:
    """Check the e-mail and password; on success start a session and go on."""
    form = await read_form(request)
    email = form.values.get("email", "")
    target = _safe_next(form.values.get("next"))
    hasher: PasswordHasher | None = request.app.state.password_hasher
    try:
        user = authenticate(session, email, form.values.get("password", ""), hasher)
    except TooManySignInsError as locked:
        response = render(
            request,
            "account/sign_in.html",
            status_code=429,
            values={"email": email},
            error=LOCKED,
            minutes=math.ceil(locked.retry_after_seconds / 60),
            next=target,
        )
        response.headers.update(locked.headers())
        return response
    except NotAuthenticatedError:
        return render(
            request,
            "account/sign_in.html",
            status_code=401,
            values={"email": email},
            error="The e-mail address or the password is wrong, or the account is not active.",
            next=target,
        )
    start_session(request, session, user.id)
    return back_to(target or HOME_OF.get(Role(user.role), "/"))


@router.post("/sign-out", dependencies=[Depends(needs(Action.OWN_SESSION))])
def sign_out(request: Request, user: CurrentUser, session: UnitOfWork) -> Response:
    """End the session on this browser and on the server (needs the CSRF token)."""
    end_session(request, session)
    return back_to("/sign-in?signed_out=1")


@router.get("/me", dependencies=[Depends(needs(Action.OWN_SESSION))])
def my_pages(user: CurrentUser) -> Response:
    """Where the signed-in user's work starts."""
    return back_to(HOME_OF.get(Role(user.role), "/"))
