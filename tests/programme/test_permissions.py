"""The permission table: deny by default, duties separated, and the role guide generated from it."""

from __future__ import annotations

from pathlib import Path

import pytest

from reind.core.errors import ForbiddenError
from reind.programme.actors import Actor, Role
from reind.programme.permissions import PERMISSIONS, Action, ensure, may, role_guide

ROOT = Path(__file__).resolve().parents[2]


def test_docs_roles_md_is_generated_from_the_permission_table() -> None:
    assert (ROOT / "docs" / "roles.md").read_text(encoding="utf-8") == role_guide(), (
        "docs/roles.md is stale: write reind.programme.permissions.role_guide() to it"
    )


def test_every_action_has_a_row_and_an_unknown_one_is_denied() -> None:
    assert set(PERMISSIONS) == set(Action)
    assert not may(Actor("x", Role.OFFICER), "no_such_action")  # type: ignore[arg-type]


def test_the_plant_engineer_operates_lines_and_reads_nothing_of_the_programme() -> None:
    engineer = Actor("e", Role.PLANT_ENGINEER)
    assert may(engineer, Action.OPERATE_PLANT)
    assert not any(may(engineer, a) for a in (Action.READ_CASES, Action.READ_DOCUMENTS))
    for role in set(Role) - {Role.PLANT_ENGINEER}:
        assert not may(Actor("x", role), Action.OPERATE_PLANT), role


@pytest.mark.parametrize("role", [Role.FINANCE, Role.ANALYST, Role.PLANT_ENGINEER])
def test_roles_without_a_need_do_not_open_applicants_documents(role: Role) -> None:
    with pytest.raises(ForbiddenError) as refused:
        ensure(Actor("x", role), Action.READ_DOCUMENTS)
    assert role.value not in str(refused.value)  # the message names no internal role
