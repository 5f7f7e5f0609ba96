"""User accounts, API tokens and sign-in limits: who may sign in, and as which Actor.

May import ``programme.audit``, ``programme.enterprises``, ``programme.actors``, ``core``.
"""

from reind.programme.accounts import sign_in_limits
from reind.programme.accounts.tokens import (
    TOKEN_PREFIX,
    Holder,
    issue_token,
    revoke_token,
    session_holder,
    token_digest,
    token_holder,
    user_for_token,
)
from reind.programme.accounts.users import (
    ACCOUNT_ADMINS,
    MIN_PASSWORD_LENGTH,
    NotAuthenticatedError,
    actor_of,
    add_user,
    authenticate,
    change_password,
    deactivate_user,
    get_user,
    normalise_email,
    user_for_session,
)

__all__ = [
    "ACCOUNT_ADMINS",
    "Holder",
    "MIN_PASSWORD_LENGTH",
    "NotAuthenticatedError",
    "TOKEN_PREFIX",
    "actor_of",
    "add_user",
    "authenticate",
    "change_password",
    "deactivate_user",
    "get_user",
    "issue_token",
    "normalise_email",
    "revoke_token",
    "session_holder",
    "sign_in_limits",
    "token_digest",
    "token_holder",
    "user_for_session",
    "user_for_token",
]
