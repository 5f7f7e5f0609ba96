"""The administrator's account services: list, change a role with a reason, end sessions.

On SQLite and PostgreSQL (``db`` fixture). Administrators manage accounts,
not cases: every service here asks ``MANAGE_ACCOUNTS`` and every change is
recorded in the audit log.
"""

from __future__ import annotations

import json

import pytest
from argon2 import PasswordHasher

from reind.core.db import Database
from reind.core.errors import ForbiddenError, InvalidInputError
from reind.programme import accounts
from reind.programme.accounts.sessions import session_digest, session_holder
from reind.programme.accounts.store import UserRow
from reind.programme.accounts.users import actor_of
from reind.programme.accounts.views import token_view
from reind.programme.actors import SYSTEM, Actor, Role
from reind.programme.audit.views import events_for

FAST = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
PASSWORD = "a long enough passphrase"


def _add(db: Database, email: str, name: str, role: Role = Role.OFFICER) -> str:
    with db.unit_of_work() as session:
        return accounts.add_user(
            session,
            SYSTEM,
            email=email,
            display_name=name,
            role=role,
            password=PASSWORD,
            hasher=FAST,
        ).id


ADMIN_ID: dict[str, str] = {}


def _admin(db: Database) -> Actor:
    user_id = _add(db, "admin@itc.gov.hk", "Admin Lee", Role.ADMINISTRATOR)
    ADMIN_ID["id"] = user_id
    with db.unit_of_work() as session:
        return actor_of(session.get_one(UserRow, user_id))


def test_the_accounts_list_is_paged_by_email_and_searched_in_any_case(db: Database) -> None:
    admin = _admin(db)
    for n, name in enumerate(["Chan Tai Man", "Wong Siu Ming", "陳大文", "Ho Ka Yan"]):
        _add(db, f"user{n}@itc.gov.hk", name, Role.FINANCE if n % 2 else Role.OFFICER)
    with db.unit_of_work() as session:
        first = accounts.list_users(session, admin, accounts.UserFilters(), limit=2)
        assert first.total == 5 and [u.email for u in first.items] == [
            "admin@itc.gov.hk",
            "user0@itc.gov.hk",
        ]
        second = accounts.list_users(
            session, admin, accounts.UserFilters(), cursor=first.next_cursor, limit=2
        )
        assert [u.email for u in second.items] == ["user1@itc.gov.hk", "user2@itc.gov.hk"]
        found = accounts.list_users(session, admin, accounts.UserFilters(q="wONG"))
        assert [u.display_name for u in found.items] == ["Wong Siu Ming"] and found.total == 1
        assert [
            u.email
            for u in accounts.list_users(session, admin, accounts.UserFilters(q="大文")).items
        ] == ["user2@itc.gov.hk"]
        finance = accounts.list_users(session, admin, accounts.UserFilters(role="finance"))
        assert {u.email for u in finance.items} == {"user1@itc.gov.hk", "user3@itc.gov.hk"}
        assert accounts.list_users(session, admin, accounts.UserFilters(q="100%")).total == 0
        with pytest.raises(ForbiddenError):
            accounts.list_users(session, Actor("o", Role.OFFICER), accounts.UserFilters())


def test_a_role_changes_only_with_a_reason_which_the_audit_log_keeps(db: Database) -> None:
    admin = _admin(db)
    user_id = _add(db, "clerk@itc.gov.hk", "Clerk Ng")
    with db.unit_of_work() as session:
        secret = accounts.start_browser_session(session, user_id)
    with db.unit_of_work() as session:
        with pytest.raises(InvalidInputError):
            accounts.change_role(session, user_id, Role.FINANCE, "  ", admin)
        with pytest.raises(ForbiddenError):
            accounts.change_role(
                session, user_id, Role.FINANCE, "why not", Actor("o", Role.OFFICER)
            )
        with pytest.raises(ForbiddenError):  # not one's own role
            accounts.change_role(session, ADMIN_ID["id"], Role.OFFICER, "tired", admin)
        accounts.change_role(session, user_id, Role.FINANCE, "moved to the finance section", admin)
    with db.unit_of_work() as session:
        assert session.get_one(UserRow, user_id).role == "finance"
        assert session_holder(session, session_digest(secret)) is None  # signs in again
        changed = [
            e for e in events_for(session, "user", user_id) if e.kind == "account.role_changed"
        ]
        assert len(changed) == 1 and changed[0].actor == admin.id
        payload = json.loads(changed[0].payload)
        assert payload["from"] == "officer" and payload["to"] == "finance"
        assert payload["reason"] == "moved to the finance section"


def test_signing_a_user_out_everywhere_ends_every_live_session_at_once(db: Database) -> None:
    admin = _admin(db)
    user_id = _add(db, "clerk@itc.gov.hk", "Clerk Ng")
    with db.unit_of_work() as session:
        secrets = [accounts.start_browser_session(session, user_id) for _ in range(3)]
    with db.unit_of_work() as session:
        assert all(session_holder(session, session_digest(s)) for s in secrets)
        assert len([v for v in accounts.sessions_of(session, user_id, admin) if v.active]) == 3
        assert accounts.end_sessions_of(session, user_id, admin) == 3
    with db.unit_of_work() as session:
        assert not any(session_holder(session, session_digest(s)) for s in secrets)
        views = accounts.sessions_of(session, user_id, admin)
        assert not any(v.active for v in views) and all(v.ended_at for v in views)
        kinds = [e.kind for e in events_for(session, "user", user_id)]
        assert "account.sessions_ended" in kinds
        with pytest.raises(ForbiddenError):
            accounts.end_sessions_of(session, user_id, Actor("f", Role.FINANCE))


def test_deactivating_ends_the_sessions_at_once_but_not_ones_own(db: Database) -> None:
    admin = _admin(db)
    user_id = _add(db, "clerk@itc.gov.hk", "Clerk Ng")
    with db.unit_of_work() as session:
        secret = accounts.start_browser_session(session, user_id)
        _row, token = accounts.issue_token(session, user_id, "nightly export", admin)
    with db.unit_of_work() as session:
        accounts.deactivate_user(session, user_id, admin)
        with pytest.raises(ForbiddenError):
            accounts.deactivate_user(session, ADMIN_ID["id"], admin)
    with db.unit_of_work() as session:
        assert session_holder(session, session_digest(secret)) is None
        (view,) = accounts.sessions_of(session, user_id, admin)
        assert view.ended_at is not None and not view.active
        (listed,) = accounts.tokens_of(session, user_id, admin)
        assert listed.revoked_at is not None and token not in repr(token_view(listed))
