"""Accounts: argon2 passwords, hashed API tokens, who may manage them, and the CLI."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select
from typer.testing import CliRunner

from reind.cli import app
from reind.core.db import Database
from reind.core.errors import ConflictError, ForbiddenError, InvalidInputError
from reind.programme.accounts.sessions import (
    session_digest,
    session_holder,
    start_browser_session,
    use_browser_session,
)
from reind.programme.accounts.store import UserRow
from reind.programme.accounts.tokens import issue_token, user_for_token
from reind.programme.accounts.users import (
    NotAuthenticatedError,
    actor_of,
    add_user,
    authenticate,
    change_password,
)
from reind.programme.actors import SYSTEM, Actor, Role

FAST = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
PASSWORD = "a long enough passphrase"


def _officer(db: Database) -> str:
    with db.unit_of_work() as session:
        row = add_user(
            session,
            SYSTEM,
            email="Officer.Chan@ITC.gov.hk ",
            display_name="Officer Chan",
            role=Role.OFFICER,
            password=PASSWORD,
            hasher=FAST,
        )
        return row.id


def test_a_password_is_kept_only_as_an_argon2id_hash(db: Database) -> None:
    user_id = _officer(db)
    with db.unit_of_work() as session:
        user = session.get_one(UserRow, user_id)
        assert user.email == "officer.chan@itc.gov.hk"
        assert user.password_hash is not None and user.password_hash.startswith("$argon2id$")
        assert PASSWORD not in user.password_hash
        assert authenticate(session, "officer.chan@itc.gov.hk", PASSWORD, FAST).id == user_id
        with pytest.raises(NotAuthenticatedError):
            authenticate(session, "officer.chan@itc.gov.hk", PASSWORD + "!", FAST)


def test_short_passwords_and_duplicate_addresses_are_refused(db: Database) -> None:
    _officer(db)
    with db.unit_of_work() as session, pytest.raises(InvalidInputError):
        add_user(
            session, SYSTEM, email="a@b.hk", display_name="A", role=Role.ANALYST, password="short"
        )
    with db.unit_of_work() as session, pytest.raises(ConflictError):
        add_user(
            session,
            SYSTEM,
            email="officer.chan@itc.gov.hk",
            display_name="Again",
            role=Role.ANALYST,
        )


def test_only_an_administrator_adds_users_and_applicants_need_an_enterprise(
    db: Database,
) -> None:
    with db.unit_of_work() as session:
        with pytest.raises(ForbiddenError):
            add_user(
                session,
                Actor("x", Role.OFFICER),
                email="a@b.hk",
                display_name="A",
                role=Role.ANALYST,
            )
        with pytest.raises(InvalidInputError):
            add_user(session, SYSTEM, email="a@b.hk", display_name="A", role=Role.APPLICANT)


def test_a_token_works_until_it_expires_and_a_password_change_ends_sessions(db: Database) -> None:
    user_id = _officer(db)
    with db.unit_of_work() as session:
        _, secret = issue_token(session, user_id, "reporting job", SYSTEM)
        soon = datetime.now(UTC) + timedelta(minutes=5)
        _, expiring = issue_token(session, user_id, "short", SYSTEM, expires_at=soon)
    with db.unit_of_work() as session:
        assert user_for_token(session, secret).id == user_id
        assert user_for_token(session, expiring).id == user_id
        later = _FixedClock(soon + timedelta(seconds=1))
        with pytest.raises(NotAuthenticatedError):
            user_for_token(session, expiring, later)
        user = session.get_one(UserRow, user_id)
        before = session_digest(start_browser_session(session, user_id))
        assert session_holder(session, before) is not None
        change_password(session, user_id, "another long passphrase", actor_of(user), FAST)
        assert session_holder(session, before) is None
        after = session_digest(start_browser_session(session, user_id))
        holder = session_holder(session, after)
        assert holder is not None and holder.user_id == user_id


def test_a_session_ends_after_30_idle_minutes_or_12_hours_however_busy(db: Database) -> None:
    user_id = _officer(db)
    start = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    with db.unit_of_work() as session:
        digest = session_digest(start_browser_session(session, user_id, _FixedClock(start)))
    with db.unit_of_work() as session:
        assert session_holder(session, digest, _FixedClock(start + timedelta(minutes=29)))
        assert session_holder(session, digest, _FixedClock(start + timedelta(minutes=30))) is None
        for step in range(1, 36):  # busy every 20 minutes until 20:40
            moment = _FixedClock(start + timedelta(minutes=20 * step))
            assert use_browser_session(session, digest, moment) is not None, moment.moment
        assert session_holder(session, digest, _FixedClock(start + timedelta(hours=12))) is None


class _FixedClock:
    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def now(self) -> datetime:
        return self.moment


def test_cli_user_add_asks_for_the_password_and_stores_its_hash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("REIND_DATABASE_URL", url)
    result = CliRunner().invoke(
        app,
        ["user", "add", "--role", "finance", "--email", "wong@itc.gov.hk", "--name", "Ms Wong"],
        input=f"{PASSWORD}\n{PASSWORD}\n",
    )
    assert result.exit_code == 0, result.output
    database = Database(url)
    with database.unit_of_work() as session:
        user = session.execute(select(UserRow)).scalar_one()
        assert (user.role, user.display_name) == ("finance", "Ms Wong")
        assert authenticate(session, "wong@itc.gov.hk", PASSWORD).id == user.id
        user_id = user.id
    database.dispose()
    token = CliRunner().invoke(app, ["user", "token", user_id, "--name", "ledger export"])
    assert token.exit_code == 0 and "reind_" in token.output
