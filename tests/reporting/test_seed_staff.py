"""The seed portfolio's office actors are named wherever the audit log names people (issue 16)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from reind.core.db import Database
from reind.programme.accounts.staff import names_of
from reind.programme.accounts.store import UserRow
from reind.programme.audit.store import AuditEventRow
from reind.programme.demo_data.bulk import SimClock, hk_moment
from reind.programme.demo_data.staff import record_staff


def test_every_office_actor_of_the_seed_has_a_name_and_no_sign_in(portfolio: Database) -> None:
    """The log showed "officer-rfs-s…" for 417 of the demo's 1,085 events."""
    with portfolio.unit_of_work() as session:
        actors = dict(
            session.execute(
                select(AuditEventRow.actor, AuditEventRow.role)
                .where(AuditEventRow.role.not_in(("applicant", "system")))
                .distinct()
            ).all()
        )
        assert len(actors) >= 5
        named = names_of(session, set(actors))
        assert set(named) == set(actors), set(actors) - set(named)
        accounts = session.execute(
            select(UserRow.active, UserRow.password_hash, UserRow.role).where(
                UserRow.person_id.in_(actors)
            )
        ).all()
        assert accounts and all(not active and pw is None for active, pw, _ in accounts)
        assert {role for _, _, role in accounts} == set(actors.values())
        # seeding again (a later version's seed on an older database) adds none twice
        assert record_staff(session, SimClock(hk_moment(date(2021, 9, 1)))) == 0
