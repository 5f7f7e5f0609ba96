"""The accounts' read side: the signed-in user and API tokens as frozen views.

``reind.web`` never imports ``store``: what a page knows of its user is a
``UserView`` (never the password hash), made here from the row the
sign-in services found.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from reind.programme.accounts.users import actor_of
from reind.programme.actors import Actor
from reind.programme.views import view_of


@dataclass(frozen=True, slots=True)
class UserView:
    """An account as the office shows it (no password hash)."""

    id: str
    email: str
    display_name: str
    role: str
    enterprise_id: str | None
    person_id: str | None
    active: bool
    session_epoch: int
    created_at: datetime
    version: int

    def actor(self) -> Actor:
        """The Actor this user acts as."""
        return actor_of(self)


@dataclass(frozen=True, slots=True)
class TokenView:
    """An API token (never its secret or the secret's digest)."""

    id: str
    user_id: str
    name: str
    prefix: str
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None


def user_view(row: object) -> UserView:
    """The view of an account a service found or changed."""
    return view_of(UserView, row)


def token_view(row: object) -> TokenView:
    """The view of a token just issued or revoked."""
    return view_of(TokenView, row)
