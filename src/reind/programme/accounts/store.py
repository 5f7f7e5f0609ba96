"""Tables of programme-office user accounts and the API tokens of systems.

Passwords are kept only as argon2id hashes and API tokens only as the
SHA-256 of their random secret, so a copy of the database gives nobody a
way in. ``session_epoch`` is bumped to end every browser session of a user
at once (sign out everywhere, password change, deactivation).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from reind.core.db import Base
from reind.programme.ids import new_id


class UserRow(Base):
    """A person (or system) who signs in to the programme office."""

    __tablename__ = "users"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(String(200), nullable=True)
    role: Mapped[str] = mapped_column(String(32))
    enterprise_id: Mapped[str | None] = mapped_column(
        ForeignKey("enterprises.id"), nullable=True, index=True
    )
    person_id: Mapped[str | None] = mapped_column(String(64), nullable=True, unique=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    session_epoch: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    __mapper_args__ = {"version_id_col": version}


class ApiTokenRow(Base):
    """An API token of a system: the SHA-256 of its secret, never the secret."""

    __tablename__ = "api_tokens"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    prefix: Mapped[str] = mapped_column(String(16))
    secret_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class SignInAttemptsRow(Base):
    """Failed sign-ins to one e-mail address in the current window, and any lock.

    Keyed by the normalised address, not the user, so an address with no
    account is throttled the same way and the answer tells nobody which
    addresses exist.
    """

    __tablename__ = "sign_in_attempts"

    address: Mapped[str] = mapped_column(String(254), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer)
    window_started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class BrowserSessionRow(Base):
    """A signed-in browser, held on the server so that ending it really ends it.

    The cookie carries a random secret; only its SHA-256 is kept here, so a
    copy of the database signs nobody in. ``epoch`` is the user's session
    epoch at sign-in: bumping the user's epoch (password change,
    deactivation) ends every session of that user at once.
    """

    __tablename__ = "browser_sessions"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), index=True)
    secret_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    epoch: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
