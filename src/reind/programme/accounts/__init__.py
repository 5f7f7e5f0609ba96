"""User accounts, API tokens and sign-in limits: who may sign in, and as which Actor.

May import ``programme.audit``, ``programme.enterprises``, ``programme.actors``, ``core``.
"""

from reind.programme.accounts import sign_in_limits
from reind.programme.accounts.lists import UserFilters, UserItem, list_users, names_of
from reind.programme.accounts.sessions import (
    BrowserSessionView,
    end_browser_session,
    end_sessions_of,
    revoke_browser_session,
    session_digest,
    session_holder,
    sessions_of,
    start_browser_session,
    use_browser_session,
)
from reind.programme.accounts.tokens import (
    TOKEN_PREFIX,
    Holder,
    issue_token,
    revoke_token,
    token_digest,
    token_holder,
    tokens_of,
    user_for_token,
)
from reind.programme.accounts.users import (
    MIN_PASSWORD_LENGTH,
    NotAuthenticatedError,
    actor_of,
    add_user,
    authenticate,
    change_password,
    change_role,
    deactivate_user,
    get_user,
    normalise_email,
)

__all__ = [
    "BrowserSessionView",
    "Holder",
    "MIN_PASSWORD_LENGTH",
    "NotAuthenticatedError",
    "UserFilters",
    "UserItem",
    "TOKEN_PREFIX",
    "actor_of",
    "add_user",
    "authenticate",
    "change_password",
    "change_role",
    "deactivate_user",
    "end_browser_session",
    "end_sessions_of",
    "get_user",
    "issue_token",
    "list_users",
    "names_of",
    "normalise_email",
    "revoke_browser_session",
    "revoke_token",
    "session_digest",
    "session_holder",
    "sessions_of",
    "sign_in_limits",
    "start_browser_session",
    "token_digest",
    "token_holder",
    "tokens_of",
    "use_browser_session",
    "user_for_token",
]
