"""What every signed-in page shares: errors as pages, role gates, navigation, kept input.

The API answers errors as problem details (``reind.web.problems``); a person
in a browser needs a page instead. ``PageRoute`` is the route class of every
page router: it turns "not signed in" into a redirect to the sign-in page
(coming back afterwards) and any other ``ReindError`` (refused, not found,
CSRF) into a readable page with the right status, in the reader's language.
Form posts run their service calls inside ``attempt`` (a savepoint), so a
refused change leaves nothing half-written and the form can be shown again
with what the user typed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.routing import APIRoute
from sqlalchemy.orm import Session
from starlette.datastructures import FormData, UploadFile
from starlette.responses import RedirectResponse, Response

from reind.core.errors import InvalidInputError, ReindError
from reind.programme.accounts.users import NotAuthenticatedError
from reind.programme.accounts.views import UserView
from reind.programme.actors import Actor, Role
from reind.programme.money.claims import CLAIM_STATE_WORDS
from reind.programme.permissions import Action, ensure
from reind.web.i18n import error_text, negotiate
from reind.web.problems import error_response
from reind.web.templating import render

logger = logging.getLogger(__name__)

HOME_OF: dict[Role, str] = {
    Role.APPLICANT: "/portal",
    Role.OFFICER: "/workbench",
    Role.ASSESSOR: "/committee",
    Role.COMMITTEE_MEMBER: "/committee",
    Role.APPROVER: "/committee",
    Role.FINANCE: "/finance",
    Role.ANALYST: "/analyst",
    Role.AUDITOR: "/analyst",
    Role.ADMINISTRATOR: "/admin/users",
    Role.PLANT_ENGINEER: "/plant",
}
"""Where each role lands after signing in."""

NAV: dict[Role, tuple[tuple[str, str], ...]] = {
    Role.APPLICANT: (
        ("/portal", "My applications"),
        ("/portal/schemes", "Schemes for you"),
        ("/portal/notices", "E-mail notices"),
    ),
    Role.OFFICER: (
        ("/workbench", "Applications"),
        ("/workbench/mine", "My cases"),
        ("/workbench/claims", "Claims to check"),
        ("/workbench/agenda", "Committee agendas"),
        ("/desk", "Enquiries desk"),
        ("/account/notices", "E-mail notices"),
    ),
    Role.ADMINISTRATOR: (  # accounts and the system, not cases (docs/roles.md)
        ("/admin/users", "Users and roles"),
        ("/admin/outbox", "Notices outbox"),
        ("/admin/parameters", "Parameters in force"),
        ("/account/notices", "E-mail notices"),
    ),
    Role.ASSESSOR: (("/committee", "Committee"), ("/account/notices", "E-mail notices")),
    Role.COMMITTEE_MEMBER: (("/committee", "Committee"), ("/account/notices", "E-mail notices")),
    Role.APPROVER: (("/committee", "Committee"), ("/account/notices", "E-mail notices")),
    Role.FINANCE: (
        ("/finance", "Claims to approve"),
        ("/finance/projects", "Project ledgers"),
        ("/account/notices", "E-mail notices"),
    ),
    Role.ANALYST: (("/analyst", "Progress report"),),
    Role.AUDITOR: (("/audit", "Audit log"), ("/analyst", "Progress report")),
    Role.PLANT_ENGINEER: (("/plant", "Plant dashboard"),),
}
"""The navigation links each role sees (English text; translated in the template)."""

ROLE_NAMES: dict[Role, str] = {
    Role.APPLICANT: "Applicant",
    Role.OFFICER: "Programme officer",
    Role.ASSESSOR: "Assessor",
    Role.COMMITTEE_MEMBER: "Committee member",
    Role.APPROVER: "Approver",
    Role.FINANCE: "Finance",
    Role.ANALYST: "Analyst",
    Role.AUDITOR: "Auditor",
    Role.ADMINISTRATOR: "Administrator",
    Role.PLANT_ENGINEER: "Plant engineer",
    Role.SYSTEM: "System",
}
"""Each role's name as people read it."""

CLAIM_STATES = CLAIM_STATE_WORDS
"""What each claim state means, in plain words."""

REPORT_LABELS = {
    "progress": "Progress report",
    "final": "Final report",
    "post_completion": "Report after completion",
}
"""The kinds of report filed under an agreement."""


async def _signed_out(request: Request) -> Response:
    target = request.url.path
    if request.url.query:
        target += "?" + request.url.query
    return RedirectResponse(f"/sign-in?next={quote(target, safe='')}", status_code=303)


class PageRoute(APIRoute):
    """A route whose errors become pages (or a trip to the sign-in page)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        """The normal handler, with reind's errors turned into pages."""
        handler = super().get_route_handler()

        async def page_handler(request: Request) -> Response:
            try:
                return await handler(request)
            except NotAuthenticatedError:
                return await _signed_out(request)
            except ReindError as exc:
                logger.info("page %s refused: %s", request.url.path, exc)
                return error_response(request, exc)
            finally:
                await request.close()  # uploaded files, whether or not the page read them

        return page_handler


def need(user: UserView, action: Action) -> Actor:
    """The user's Actor if the permission table allows its role ``action``, else ForbiddenError.

    Every page names the action it serves; the refusal says the action in the
    reader's language and names no internal role.
    """
    actor = user.actor()
    ensure(actor, action)
    return actor


def page(
    request: Request, name: str, user: UserView, status_code: int = 200, **ctx: Any
) -> Response:
    """Render a signed-in page with the user's navigation and the session's CSRF token."""
    role = Role(user.role)
    return render(
        request,
        name,
        status_code=status_code,
        user=user,
        role=role.value,
        role_name=ROLE_NAMES[role],
        nav=NAV.get(role, ()),
        csrf=str(request.session.get("csrf", "")),
        claim_states=CLAIM_STATES,
        report_labels=REPORT_LABELS,
        **ctx,
    )


def back_to(url: str) -> Response:
    """After a successful post, show the page again (POST-redirect-GET)."""
    return RedirectResponse(url, status_code=303)


@dataclass
class Form:
    """What the user typed, and what is wrong with it, field by field."""

    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    files: dict[str, UploadFile] = field(default_factory=dict)
    lang: str = "en"
    """The reader's language: a service's refusal is noted in it when it has one."""

    @classmethod
    def of(cls, data: FormData) -> Form:
        """The submitted form (text fields kept as typed, files kept apart)."""
        form = cls()
        for key, value in data.multi_items():
            if isinstance(value, str):
                if key != "csrf_token":
                    form.values[key] = value
            else:
                form.files[key] = value
        return form

    def text(self, name: str, *, required: bool = True) -> str:
        """A text field, trimmed; an error is noted when a required one is blank."""
        value = self.values.get(name, "").strip()
        if required and not value:
            self.errors[name] = "Please fill this in."
        return value

    def fail(self, name: str, message: str) -> None:
        """Note an error against field ``name`` ("" for the whole form)."""
        self.errors.setdefault(name, message)

    @property
    def ok(self) -> bool:
        """True when no error has been noted."""
        return not self.errors


@contextmanager
def attempt(session: Session, form: Form, where: str = "") -> Iterator[None]:
    """Run service calls in a savepoint; a refusal becomes an error on ``where``.

    Only input and state problems (4xx) are shown on the form; anything else
    propagates and is answered as an error page.
    """
    try:
        with session.begin_nested():
            yield
    except InvalidInputError as exc:
        form.fail(where, error_text(exc, form.lang))
    except ReindError as exc:
        if exc.status >= 500 or isinstance(exc, NotAuthenticatedError):
            raise
        form.fail(where, error_text(exc, form.lang))


async def read_form(request: Request) -> Form:
    """The request's form (already parsed by the CSRF check, so read once)."""
    form = Form.of(await request.form())
    form.lang = negotiate(request)
    return form
