"""One step on many cases: all or none, or each case that can go, every refusal named.

On SQLite and PostgreSQL, through ``applications.bulk.take_step_on_many``.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from reind.core.db import Database
from reind.core.errors import InvalidInputError
from reind.programme.actors import Role
from reind.programme.applications.bulk import take_step_on_many
from reind.programme.applications.store import ApplicationRow
from reind.programme.applications.transitions import screen_application
from reind.programme.audit.views import events_for
from reind.programme.notices.store import OutboxRow
from reind.schemes.catalogue import default_engine
from tests.programme.factories import OFFICER, rfs_application
from tests.programme.test_case_assignment import _person


def _screening(session, screened: int, unscreened: int) -> list[str]:  # type: ignore[no-untyped-def]
    apps = [rfs_application(session, state="screening") for _ in range(screened + unscreened)]
    for app in apps[:screened]:
        screen_application(session, app.id, OFFICER, engine=default_engine())
    return [a.id for a in apps]


def _events(session, ids: list[str]) -> int:  # type: ignore[no-untyped-def]
    """How many cases of ``ids`` were moved on (pending events of this transaction included)."""
    return sum(
        e.kind == "application.transitioned" and '"pass_screening"' in e.payload
        for i in ids
        for e in events_for(session, "application", i)
    )


@pytest.mark.parametrize("all_or_none", [True, False])
def test_passing_screening_in_bulk_keeps_all_none_or_each_that_can_go(
    db: Database, all_or_none: bool
) -> None:
    with db.unit_of_work() as session:
        ids = _screening(session, screened=2, unscreened=1)
        before = _events(session, ids)
        batch = take_step_on_many(
            session,
            ids,
            "pass_screening",
            OFFICER,
            engine=default_engine(),
            all_or_none=all_or_none,
        )
        states = [session.get_one(ApplicationRow, i).state for i in ids]
        (refused,) = batch.refused
        assert refused.application_id == ids[2] and refused.refusal is not None
        assert "screen the application first" in refused.refusal.message
        if all_or_none:
            assert not batch.kept and states == ["screening"] * 3
            assert _events(session, ids) == before
        else:
            assert batch.kept and states == ["assessment", "assessment", "screening"]
            assert _events(session, ids) == before + 2


def test_a_days_intake_is_assigned_in_bulk_and_each_officer_told_once(db: Database) -> None:
    with db.unit_of_work() as session:
        chan = _person(session, "chan", Role.OFFICER)
        ids = _screening(session, screened=0, unscreened=3)
        batch = take_step_on_many(
            session,
            ids,
            "assign",
            OFFICER,
            to=chan.id,
            note="Monday intake",
            engine=default_engine(),
        )
        assert batch.kept and not batch.refused
        assert {session.get_one(ApplicationRow, i).assigned_officer for i in ids} == {chan.id}
        mails = session.execute(
            select(func.count()).where(OutboxRow.kind == "case_assigned")
        ).scalar_one()
        assert mails == 3


def test_steps_on_their_own_forms_and_empty_batches_are_refused(db: Database) -> None:
    with db.unit_of_work() as session:
        ids = _screening(session, screened=0, unscreened=1)
        with pytest.raises(InvalidInputError, match="one case at a time"):
            take_step_on_many(session, ids, "sign_agreement", OFFICER, engine=default_engine())
        with pytest.raises(InvalidInputError, match="tick at least one case"):
            take_step_on_many(session, [], "withdraw", OFFICER, engine=default_engine())
