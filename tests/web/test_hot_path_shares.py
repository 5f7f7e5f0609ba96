"""The hot path shares the rules it speeds up instead of copying them (issue 11)."""

from __future__ import annotations

import pytest

from reind.programme.actors import Actor, Role
from reind.programme.applications.access import Sight, sight
from reind.programme.applications.views import APPLICATION_COLUMNS
from reind.programme.desk.views import ENQUIRY_COLUMNS
from reind.web.hot_path import sql


def test_the_single_statement_inserts_store_every_column_of_the_mapped_tables() -> None:
    assert sql._APPLICATION_STORED == APPLICATION_COLUMNS
    assert sql._ENQUIRY_STORED == ENQUIRY_COLUMNS


def test_the_token_guard_is_the_accounts_query_compiled_for_asyncpg() -> None:
    assert sql._GUARD.names == ("digest", "now", "user_id", "role", "actor_id", "enterprise_id")
    assert "api_tokens.revoked_at IS NULL" in sql._GUARD.sql
    assert sql._GUARD.sql in sql._READ_APPLICATION


def test_the_audit_chain_of_the_single_statement_writes_is_the_orm_paths() -> None:
    assert "WITH RECURSIVE" in sql._INSERT_APPLICATION
    assert "FROM chain c JOIN ev e ON e.i = c.i + 1" in sql._INSERT_ENQUIRY


@pytest.mark.parametrize("role", list(Role))
def test_one_visibility_rule_serves_both_paths(role: Role) -> None:
    actor = Actor("p1", role, "ent-1" if role is Role.APPLICANT else None)
    own, other = sight(actor, "ent-1"), sight(actor, "ent-2")
    if role is Role.APPLICANT:
        assert (own, other) == (Sight.SEEN, Sight.NOT_THEIRS)
    elif role is Role.COMMITTEE_MEMBER:  # the agenda rule: the ORM path decides
        assert own is other is Sight.ON_AGENDA
    elif role is Role.ASSESSOR:
        assert own is other is Sight.ASSIGNED  # the assignment rule: the ORM path decides
    elif role in {Role.PLANT_ENGINEER, Role.ADMINISTRATOR}:  # lines / accounts, not cases
        assert own is other is Sight.NO_CASES
    else:
        assert own is other is Sight.SEEN
