"""User accounts: who may sign in, and as which Actor (API tokens are in ``tokens.py``).

People sign in with an e-mail address and a password kept as an argon2id
hash (argon2-cffi's defaults, the RFC 9106 low-memory profile); systems use
API tokens, random 256-bit secrets shown once and kept as their SHA-256
(the secret has all the entropy it needs, so a fast hash is enough and a
lookup costs one indexed query). A failed sign-in says the same thing
whatever was wrong, and takes about as long, so it does not tell an
attacker which e-mail addresses exist.
"""

from __future__ import annotations

import logging
import re
import secrets
from typing import Protocol

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from reind.core.clock import Clock, SystemClock
from reind.core.errors import (
    ConflictError,
    ForbiddenError,
    InvalidInputError,
    ReindError,
)
from reind.programme import audit
from reind.programme.accounts import sign_in_limits
from reind.programme.accounts.store import ApiTokenRow, BrowserSessionRow, UserRow
from reind.programme.actors import Actor, Role
from reind.programme.enterprises.store import EnterpriseRow
from reind.programme.permissions import Action, ensure, may
from reind.programme.uow import flush

logger = logging.getLogger(__name__)

MIN_PASSWORD_LENGTH = 12
"""Shortest password accepted (NIST SP 800-63B asks for at least 8; we ask for 12)."""
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_DEFAULT_HASHER = PasswordHasher()


class NotAuthenticatedError(ReindError):
    """No valid credentials came with the request: sign in, or send a valid token."""

    code = "not_authenticated"
    status = 401
    title = "Not signed in"


_SIGN_IN_FAILED = "the e-mail address or the password is wrong, or the account is not active"


def _dummy_hash(hasher: PasswordHasher) -> str:
    return hasher.hash(secrets.token_urlsafe(16))


_dummies: dict[tuple[int, int, int], str] = {}


def normalise_email(email: str) -> str:
    """The address trimmed and lower-cased, or InvalidInputError."""
    cleaned = email.strip().lower()
    if not _EMAIL.match(cleaned) or len(cleaned) > 254:
        raise InvalidInputError("not an e-mail address: “{email}”", email=email)
    return cleaned


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInputError(
            "a password needs at least {minimum} characters, not {length}",
            minimum=MIN_PASSWORD_LENGTH,
            length=len(password),
        )


def add_user(
    session: Session,
    actor: Actor,
    *,
    email: str,
    display_name: str,
    role: Role,
    password: str | None = None,
    enterprise_id: str | None = None,
    person_id: str | None = None,
    hasher: PasswordHasher | None = None,
    clock: Clock | None = None,
) -> UserRow:
    """Create an account; applicants belong to an enterprise, nobody else does.

    ``password`` None makes an account that can only use API tokens (a system).
    ``person_id`` is the id the committee register knows an assessor by
    (``committee_members.person_id``); it defaults to the account's own id.
    """
    ensure(actor, Action.MANAGE_ACCOUNTS)
    if role is Role.SYSTEM:
        raise InvalidInputError("the system role is reind's own; give a system another role")
    if role is Role.APPLICANT:
        if enterprise_id is None:
            raise InvalidInputError("an applicant account must name its enterprise")
        if session.get(EnterpriseRow, enterprise_id) is None:
            raise InvalidInputError("no enterprise {enterprise_id}", enterprise_id=enterprise_id)
    elif enterprise_id is not None:
        raise InvalidInputError(
            "only applicants belong to an enterprise, not a {role}", role=role.as_words
        )
    address = normalise_email(email)
    if not display_name.strip():
        raise InvalidInputError("a user needs a display name")
    if session.execute(select(UserRow.id).where(UserRow.email == address)).first() is not None:
        raise ConflictError(
            "there is already a user with the e-mail address {address}", address=address
        )
    if password is not None:
        _check_password(password)
    row = UserRow(
        email=address,
        display_name=display_name.strip(),
        password_hash=None if password is None else (hasher or _DEFAULT_HASHER).hash(password),
        role=role.value,
        enterprise_id=enterprise_id,
        person_id=person_id,
        active=True,
        session_epoch=0,
        created_at=(clock or SystemClock()).now(),
    )
    session.add(row)
    flush(session, "the user")
    audit.record_at_commit(
        session,
        actor,
        "account.user_added",
        "user",
        row.id,
        {"email": address, "role": role.value, "enterprise_id": enterprise_id},
        clock,
    )
    return row


class Account(Protocol):
    """A user's row or view: what decides the Actor it acts as."""

    @property
    def id(self) -> str: ...
    @property
    def role(self) -> str: ...
    @property
    def person_id(self) -> str | None: ...
    @property
    def enterprise_id(self) -> str | None: ...


def actor_of(user: Account) -> Actor:
    """The Actor a signed-in user acts as (its person id if it has one, else its own)."""
    return Actor(user.person_id or user.id, Role(user.role), user.enterprise_id)


def authenticate(
    session: Session,
    email: str,
    password: str,
    hasher: PasswordHasher | None = None,
    clock: Clock | None = None,
) -> UserRow:
    """The active user with this e-mail address and password, or NotAuthenticatedError.

    A locked address (``sign_in_limits``) is refused with TooManySignInsError
    before the password is looked at. Otherwise the guess is counted as a
    failure and *committed* before the (slow) password check, so no lock is
    held while hashing and a failed guess stays counted when the caller
    rolls back; a right password then clears the count.
    """
    hasher = hasher or _DEFAULT_HASHER
    try:
        address = normalise_email(email)
    except InvalidInputError:
        address = ""
    if address:
        until = sign_in_limits.admit_guess(session, address, clock)
        if until is not None:
            logger.warning("sign-in locked after repeated failures until %s", until.isoformat())
    user = session.execute(select(UserRow).where(UserRow.email == address)).scalar_one_or_none()
    stored = user.password_hash if user is not None else None
    session.commit()  # the guess is counted whatever happens next
    try:
        # Verify against a dummy hash when there is no user, so both cases take as long.
        hasher.verify(stored or _dummy_for(hasher), password)
    except (VerificationError, InvalidHashError):
        raise NotAuthenticatedError(_SIGN_IN_FAILED) from None
    if user is None or stored is None or not user.active:
        raise NotAuthenticatedError(_SIGN_IN_FAILED)
    if hasher.check_needs_rehash(stored):
        user.password_hash = hasher.hash(password)
        flush(session, "the user")
    sign_in_limits.clear_failures(session, address)
    return user


def _dummy_for(hasher: PasswordHasher) -> str:
    key = (hasher.time_cost, hasher.memory_cost, hasher.parallelism)
    if key not in _dummies:
        _dummies[key] = _dummy_hash(hasher)
    return _dummies[key]


def get_user(session: Session, user_id: str) -> UserRow:
    """A user by id, or NotAuthenticatedError (used for sessions)."""
    user = session.get(UserRow, user_id)
    if user is None:
        raise NotAuthenticatedError("the account no longer exists")
    return user


def change_password(
    session: Session,
    user_id: str,
    new_password: str,
    actor: Actor,
    hasher: PasswordHasher | None = None,
    clock: Clock | None = None,
) -> UserRow:
    """Set a new password (the user or an administrator); every session ends."""
    user = get_user(session, user_id)
    if not may(actor, Action.MANAGE_ACCOUNTS) and actor != actor_of(user):
        raise ForbiddenError("only the user or an administrator may change a password")
    _check_password(new_password)
    user.password_hash = (hasher or _DEFAULT_HASHER).hash(new_password)
    user.session_epoch += 1
    flush(session, "the user")
    audit.record_at_commit(session, actor, "account.password_changed", "user", user.id, {}, clock)
    return user


def deactivate_user(
    session: Session, user_id: str, actor: Actor, clock: Clock | None = None
) -> UserRow:
    """Switch an account off: its sessions end and its tokens are revoked."""
    ensure(actor, Action.MANAGE_ACCOUNTS)
    user = get_user(session, user_id)
    now = (clock or SystemClock()).now()
    if actor == actor_of(user):
        raise ForbiddenError(
            "an administrator may not switch off their own account",
            zh="管理員不可停用自己的帳戶。",
        )
    user.active = False
    user.session_epoch += 1
    session.execute(
        update(BrowserSessionRow)
        .where(BrowserSessionRow.user_id == user.id)
        .where(BrowserSessionRow.ended_at.is_(None))
        .values(ended_at=now)
    )
    session.execute(
        update(ApiTokenRow)
        .where(ApiTokenRow.user_id == user.id)
        .where(ApiTokenRow.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    flush(session, "the user")
    audit.record_at_commit(session, actor, "account.user_deactivated", "user", user.id, {}, clock)
    return user


def change_role(
    session: Session,
    user_id: str,
    role: Role,
    reason: str,
    actor: Actor,
    *,
    enterprise_id: str | None = None,
    clock: Clock | None = None,
) -> UserRow:
    """Give an account another role, saying why; the reason goes into the audit log.

    The account's sessions end (it signs in again under its new role), so no
    page opened under the old role keeps acting under it. An administrator
    may not change their own role: a second administrator has to.
    """
    ensure(actor, Action.MANAGE_ACCOUNTS)
    user = get_user(session, user_id)
    why = reason.strip()
    if not why:
        raise InvalidInputError(
            "say why the role changes: the reason is kept in the audit log",
            zh="請說明更改職能的原因：原因會記入審計記錄。",
        )
    if role is Role.SYSTEM:
        raise InvalidInputError(
            "the system role is reind's own; give a system another role",
            zh="系統職能只供 reind 本身使用；請為系統帳戶選擇其他職能。",
        )
    if actor == actor_of(user):
        raise ForbiddenError(
            "an administrator may not change their own role", zh="管理員不可更改自己的職能。"
        )
    old = Role(user.role)
    if role is old:
        raise ConflictError("the user already has that role", zh="該使用者已擔任此職能。")
    if role is Role.APPLICANT:
        if enterprise_id is None or session.get(EnterpriseRow, enterprise_id) is None:
            raise InvalidInputError(
                "an applicant account must name its enterprise", zh="申請人帳戶必須註明所屬企業。"
            )
    elif enterprise_id is not None:
        raise InvalidInputError(
            "only applicants belong to an enterprise", zh="只有申請人帳戶才屬於企業。"
        )
    user.role = role.value
    user.enterprise_id = enterprise_id
    user.session_epoch += 1
    session.execute(
        update(BrowserSessionRow)
        .where(BrowserSessionRow.user_id == user.id)
        .where(BrowserSessionRow.ended_at.is_(None))
        .values(ended_at=(clock or SystemClock()).now())
    )
    flush(session, "the user")
    audit.record_at_commit(
        session,
        actor,
        "account.role_changed",
        "user",
        user.id,
        {"from": old.value, "to": role.value, "reason": why, "enterprise_id": enterprise_id},
        clock,
    )
    return user
